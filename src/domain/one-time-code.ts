// One-time numeric secrets: helpdesk PINs (DESIGN: 8 digits by default, 6–12 by config) and caller
// verification codes (6 digits). Uniform digits from the CSPRNG (crypto.randomInt rejects bias).
import { randomInt } from 'node:crypto';

export interface OneTimeCodePolicy {
  /** How many digits. */
  readonly length: number;
  /** How long it stays valid. */
  readonly ttlMs: number;
  /** Wrong tries that invalidate it. */
  readonly maxTries: number;
  /**
   * How long the failures of a code carry over to the next one (asking again does not buy new tries): no
   * code is issued while they reach maxTries. Measured from the last code issued, refused ones included.
   */
  readonly failuresCarryMs: number;
}

export const PIN_POLICY: OneTimeCodePolicy = { length: 8, ttlMs: 15 * 60_000, maxTries: 5, failuresCarryMs: 24 * 3600_000 };
/** SMS codes (the portal's sign-in codes): an anonymous guesser gets 3 tries a day. */
export const CALLER_CODE_POLICY: OneTimeCodePolicy = { length: 6, ttlMs: 10 * 60_000, maxTries: 3, failuresCarryMs: 24 * 3600_000 };
/**
 * The helpdesk's caller verification (`verify`): an agent on the phone sends it, so a caller who failed
 * three codes may get a new one after a short cool-down, not the next day.
 */
export const VERIFY_CALLER_POLICY: OneTimeCodePolicy = { ...CALLER_CODE_POLICY, failuresCarryMs: 15 * 60_000 };

export const PIN_LENGTH_RANGE = { min: 6, max: 12 } as const;

export function generateDigits(length: number): string {
  if (!Number.isInteger(length) || length < 4 || length > 32) throw new RangeError('a one-time code has 4–32 digits');
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
}

/** What a check of a one-time code answers (DESIGN "Portal API": the reasons of POST /api/portal/pins/verify). */
/** `spent`: wrong, and no tries are left; answered as `invalid` to anyone who may not know a code exists (the PIN API). */
export type CodeVerdict = { readonly valid: true } | { readonly valid: false; readonly reason: 'used' | 'expired' | 'invalid' | 'spent' | 'locked' };
