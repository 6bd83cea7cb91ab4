// Times as a person reads them: in the viewer's own time zone when their chat surface told it, with UTC
// beside it ("14:41 CET (13:41 UTC)"), or in UTC alone when it did not. The one place times become text.
// A surface's time zone is the viewer's own claim: it is used for display and for nothing else.

// Building an Intl.DateTimeFormat costs far more than formatting with one (it was the bot's top self-time on
// `user` under load): each is built once per locale, zone and shape, and kept. The key is the spelling the
// surface sent, at most 64 characters; the cache is emptied when full, so odd spellings cannot grow it.
const MAX_FORMATS = 2000;
const formats = new Map<string, Intl.DateTimeFormat>();

function format(locale: string, zone: string, options: Intl.DateTimeFormatOptions, shape: string): Intl.DateTimeFormat {
  const key = `${locale} ${shape} ${zone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    if (formats.size >= MAX_FORMATS) formats.clear();
    formats.set(key, f);
  }
  return f;
}

/** Each spelling's answer, kept like the formats (resolvedOptions() builds an object on every call). */
const zones = new Map<string, string | undefined>();

/** The viewer's IANA time zone if Intl knows it (canonical spelling); UTC, an unknown or odd value → undefined. */
export function viewerTimeZone(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string' || candidate === '' || candidate.length > 64) return undefined;
  if (zones.has(candidate)) return zones.get(candidate);
  const zone = canonicalZone(candidate);
  if (zones.size >= MAX_FORMATS) zones.clear();
  zones.set(candidate, zone);
  return zone;
}

function canonicalZone(candidate: string): string | undefined {
  let zone: string;
  try {
    zone = format('en-US', candidate, {}, 'zone').resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return zone === 'UTC' || zone === 'Etc/UTC' || zone === 'Etc/GMT' ? undefined : zone;
}

const GMT_OFFSET = /^GMT[+-]/;

/** Zone names by zone and quarter hour: every change of a zone's offset (and name) falls on a quarter hour. */
const QUARTER_HOUR_MS = 15 * 60_000;
const names = new Map<string, string>();

/** "CET", "EDT", "BST" where English has a name for it, else "GMT+5:30". */
function zoneName(at: Date, zone: string): string {
  const key = `${zone} ${Math.floor(at.getTime() / QUARTER_HOUR_MS)}`;
  let name = names.get(key);
  if (name === undefined) {
    name = englishZoneName(at, zone);
    if (names.size >= MAX_FORMATS) names.clear();
    names.set(key, name);
  }
  return name;
}

function englishZoneName(at: Date, zone: string): string {
  let fallback = zone;
  for (const locale of ['en-US', 'en-GB']) {
    const name = format(locale, zone, { timeZoneName: 'short' }, 'name')
      .formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
    if (name && !GMT_OFFSET.test(name)) return name;
    if (name) fallback = name;
  }
  return fallback;
}

/** Offsets from UTC by zone and quarter hour, like the names: formatting to parts is the dear part of a time. */
const offsets = new Map<string, number>();

/** The zone's offset from UTC at `at`, in milliseconds. */
function offsetMs(at: Date, zone: string): number {
  const quarter = Math.floor(at.getTime() / QUARTER_HOUR_MS);
  const key = `${zone} ${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const start = quarter * QUARTER_HOUR_MS;
    const parts = format('en-CA', zone, {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }, 'local').formatToParts(new Date(start));
    const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    offset = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute')) - start;
    if (offsets.size >= MAX_FORMATS) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** Date and time of day in a zone: ["2026-12-06", "14:41"]. */
function local(at: Date, zone: string): [string, string] {
  const shifted = new Date(at.getTime() + offsetMs(at, zone)).toISOString();
  return [shifted.slice(0, 10), shifted.slice(11, 16)];
}

const utcClock = (at: Date) => at.toISOString().slice(11, 16);

/** "14:41 CET (13:41 UTC)"; without a zone "13:41 UTC". */
export function clockTime(at: Date, zone?: string): string {
  if (!zone) return `${utcClock(at)} UTC`;
  return `${local(at, zone)[1]} ${zoneName(at, zone)} (${utcClock(at)} UTC)`;
}

/** "2026-12-06 14:41 CET (13:41 UTC)", the UTC date repeated only when it differs; without a zone "2026-12-06 13:41 UTC". */
export function dateTime(at: Date, zone?: string): string {
  const iso = at.toISOString(); // once: a card has half a dozen of these
  const utcDay = iso.slice(0, 10);
  const utcTime = iso.slice(11, 16);
  if (!zone) return `${utcDay} ${utcTime} UTC`;
  const [day, clock] = local(at, zone);
  const utc = day === utcDay ? `${utcTime} UTC` : `${utcDay} ${utcTime} UTC`;
  return `${day} ${clock} ${zoneName(at, zone)} (${utc})`;
}

/** "at 12:41 UTC" or "between 12:41 and 12:55 UTC": one time when both ends show the same minute. */
export function timeSpan(first: Date, last: Date, zone?: string): string {
  const [a, b] = [clockTime(first, zone), clockTime(last, zone)];
  if (a === b) return `at ${a}`;
  if (!zone) return `between ${utcClock(first)} and ${b}`;
  return `between ${a} and ${b}`;
}
