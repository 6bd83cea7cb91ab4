// Generated passwords: CSPRNG, every character class, no look-alike characters (I l 1 O 0 o).
import { randomInt } from 'node:crypto';

export interface PasswordPolicy {
  /** 12–128; default 16. */
  readonly length: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { length: 16 };

const CLASSES = [
  'ABCDEFGHJKLMNPQRSTUVWXYZ',
  'abcdefghijkmnpqrstuvwxyz',
  '23456789',
  '!#$%&*+-=?@^_',
] as const;

export function generatePassword(policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string {
  if (!Number.isInteger(policy.length) || policy.length < 12 || policy.length > 128) {
    throw new RangeError('password length must be 12–128');
  }
  const all = CLASSES.join('');
  // One character of each class, the rest from all of them, then a Fisher–Yates shuffle.
  const chars = CLASSES.map((c) => c[randomInt(c.length)] as string);
  while (chars.length < policy.length) chars.push(all[randomInt(all.length)] as string);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
