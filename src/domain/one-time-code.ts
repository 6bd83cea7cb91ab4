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
}

export const PIN_POLICY: OneTimeCodePolicy = { length: 8, ttlMs: 15 * 60_000, maxTries: 5 };
export const CALLER_CODE_POLICY: OneTimeCodePolicy = { length: 6, ttlMs: 10 * 60_000, maxTries: 3 };

export const PIN_LENGTH_RANGE = { min: 6, max: 12 } as const;

export function generateDigits(length: number): string {
  if (!Number.isInteger(length) || length < 4 || length > 32) throw new RangeError('a one-time code has 4–32 digits');
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
}

/** What a check of a one-time code answers (DESIGN "Portal API": the reasons of POST /api/portal/pins/verify). */
export type CodeVerdict = { readonly valid: true } | { readonly valid: false; readonly reason: 'used' | 'expired' | 'invalid' | 'locked' };
