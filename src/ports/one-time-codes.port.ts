// One-time codes (helpdesk PINs, caller verification codes) as the store keeps them: only an HMAC of the
// code, never the code. One live code per user; a new one replaces it. Every check is one atomic step.
export interface OneTimeCodeRecord {
  /** Lower-cased sAMAccountName. */
  readonly user: string;
  /** Hex HMAC-SHA256 of the code (src/service/kernel/one-time-codes.ts). */
  readonly hmac: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** The agent's login. */
  readonly createdBy: string;
}

/** `spent`: a wrong code, and with it the code has no tries left (told only to whom may know it exists). */
export type CodeCheck = 'valid' | 'used' | 'expired' | 'invalid' | 'spent' | 'locked' | 'unknown';

export interface OneTimeCodeRepository {
  /**
   * Replaces the user's code. The failure count of the code it replaces is carried over when that code was
   * created at or after `carrySince` and never used: asking for a new code does not buy new tries.
   * Resolves with the failure count the new code starts with.
   */
  issue(record: OneTimeCodeRecord, carrySince: Date): Promise<{ failedTries: number }>;
  /**
   * Checks a candidate HMAC (constant-time) and, in the same transaction, marks the code used (right) or
   * counts a failure (wrong). Order: unknown, then the value (a wrong one is 'invalid' whatever the code's
   * state, so only the code's holder learns it), then used, locked (maxTries reached), expired.
   */
  check(user: string, hmac: string, now: Date, maxTries: number): Promise<CodeCheck>;
  /** Invalidates the code if it is still the one with this HMAC (a failed delivery); keeps its failure count. */
  revoke(user: string, hmac: string, now: Date): Promise<void>;
  /** When the user's code was last used successfully, if at or after `since`. */
  usedSince(user: string, since: Date): Promise<Date | undefined>;
}
