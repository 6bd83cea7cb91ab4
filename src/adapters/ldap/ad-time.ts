// Active Directory's time formats, converted to Date / milliseconds. Pure functions.
//
// - FILETIME (pwdLastSet, lockoutTime, lastLogon, accountExpires, …): 100-ns intervals since
//   1601-01-01 UTC, as a decimal string that can exceed 2^53 — parsed with BigInt.
//   0 means "not set" and 0x7FFFFFFFFFFFFFFF "never"; both become undefined.
// - Durations (lockoutDuration, maxPwdAge on the domain root): negative 100-ns intervals; 0 or
//   -2^63 mean "no limit".
// - GeneralizedTime (whenCreated): YYYYMMDDHHMMSS[.fraction](Z|±HHMM).

const TICKS_PER_MS = 10_000n;
/** Milliseconds between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFF_MS = 11_644_473_600_000n;
const NEVER = 0x7fffffffffffffffn;
const MIN_INT64 = -0x8000000000000000n;

function parseBigInt(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!/^-?\d{1,20}$/.test(v)) return undefined;
  return BigInt(v);
}

/** A FILETIME value as a Date; undefined for absent, malformed, 0 ("not set") and "never". */
export function fileTimeToDate(value: string | undefined): Date | undefined {
  const ticks = parseBigInt(value);
  if (ticks === undefined || ticks <= 0n || ticks >= NEVER) return undefined;
  const ms = ticks / TICKS_PER_MS - EPOCH_DIFF_MS;
  const date = new Date(Number(ms));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A Date as a FILETIME decimal string (for tests and for writing times back). */
export function dateToFileTime(date: Date): string {
  return ((BigInt(date.getTime()) + EPOCH_DIFF_MS) * TICKS_PER_MS).toString();
}

/** True for a FILETIME that is exactly 0 (pwdLastSet = 0: must change at next logon). */
export function isZeroFileTime(value: string | undefined): boolean {
  return parseBigInt(value) === 0n;
}

/**
 * An AD duration (negative 100-ns intervals) as positive milliseconds; undefined when it means
 * "no limit" (0 or -2^63) or is absent/malformed.
 */
export function adDurationToMs(value: string | undefined): number | undefined {
  const ticks = parseBigInt(value);
  if (ticks === undefined || ticks === 0n || ticks <= MIN_INT64) return undefined;
  const abs = ticks < 0n ? -ticks : ticks;
  return Number(abs / TICKS_PER_MS);
}

const GENERALIZED_TIME =
  /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)?$/;

/** A GeneralizedTime string (e.g. "20261125021013.0Z") as a Date; undefined when malformed. */
export function generalizedTimeToDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const m = GENERALIZED_TIME.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi = '00', s = '00', frac, zone = 'Z'] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const offsetMin = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5) || '0');
    t -= sign * offsetMin * 60_000;
  }
  const date = new Date(t);
  // Date.UTC silently rolls over (month 13, day 32): reject what does not round-trip.
  if (Number.isNaN(date.getTime()) || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) {
    return undefined;
  }
  return date;
}
