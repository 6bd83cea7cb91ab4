// Generated passwords: CSPRNG, easy to read aloud over the phone, and still AD-complex (upper, lower and
// digits are three of AD's categories). The alphabet leaves out look-alikes (0 O o, 1 l I, 5 S, 2 Z, 8 B):
// 50 characters, so 16 of them carry about 90 bits. Shown in groups of four; set without the spaces.
import { randomInt } from 'node:crypto';

export interface PasswordPolicy {
  /** 12–128; default 16. */
  readonly length: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { length: 16 };

export const PASSWORD_CLASSES = [
  'ACDEFGHJKLMNPQRTUVWXY', // no B I O S Z
  'abcdefghijkmnpqrstuvwxyz', // no l o
  '34679', // no 0 1 2 5 8
] as const;

export const PASSWORD_ALPHABET = PASSWORD_CLASSES.join('');

/** Bits of a generated password: log2 of how many strings of that length hold every class. */
export function passwordEntropyBits(length: number): number {
  // Inclusion–exclusion over the classes a string could miss.
  const sizes = PASSWORD_CLASSES.map((c) => c.length);
  let count = 0;
  for (let mask = 0; mask < 1 << sizes.length; mask++) {
    const left = sizes.filter((_, i) => (mask & (1 << i)) === 0).reduce((a, b) => a + b, 0);
    const missing = sizes.filter((_, i) => (mask & (1 << i)) !== 0).length;
    count += (missing % 2 === 0 ? 1 : -1) * left ** length;
  }
  return Math.log2(count);
}

export function generatePassword(policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string {
  if (!Number.isInteger(policy.length) || policy.length < 12 || policy.length > 128) {
    throw new RangeError('password length must be 12–128');
  }
  // Uniform over the alphabet, drawn again until every class is present (about one draw in five at 16):
  // every valid password is equally likely, so the entropy is exactly passwordEntropyBits(length).
  for (;;) {
    let password = '';
    for (let i = 0; i < policy.length; i++) password += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)] as string;
    if (PASSWORD_CLASSES.every((c) => [...password].some((ch) => c.includes(ch)))) return password;
  }
}

/** "AbCd 3eFg …": groups of four, for reading aloud. The directory gets the password without spaces. */
export function inGroupsOfFour(secret: string): string {
  return (secret.match(/.{1,4}/gsu) ?? []).join(' ');
}
