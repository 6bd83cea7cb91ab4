// Single-use confirmation tokens for destructive actions. The store keeps only a hash of the token.
import type { Action } from '../domain/policy';

export interface PendingConfirmation {
  readonly tokenHash: string;
  /** The actor's directory login the token is bound to. */
  readonly actor: string;
  readonly action: Action;
  /** The target's login. */
  readonly target: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export type ConsumeResult =
  | { readonly ok: true; readonly confirmation: PendingConfirmation }
  | { readonly ok: false; readonly reason: 'unknown' | 'used' | 'expired' | 'wrong-actor' };

export interface ConfirmationRepository {
  save(confirmation: PendingConfirmation): Promise<void>;
  /**
   * Marks the token used if, and only if, it exists, is unused, is bound to `actor` and has not expired
   * at `now` — in one atomic step, so two concurrent calls cannot both succeed. A refused call leaves the
   * token as it was (another agent's click does not burn it).
   */
  consume(tokenHash: string, actor: string, now: Date): Promise<ConsumeResult>;
  /**
   * What consume() would answer at `now`, changing nothing (a read): lets the action's checks run before the
   * token is spent. Only consume() decides; of two presses that both passed check(), one consume() wins.
   */
  check(tokenHash: string, actor: string, now: Date): Promise<ConsumeResult>;
  /**
   * Deletes tokens that expired before `before` (used or not), at most `max` of them: bounded work, so it
   * can run on every issue. Returns how many were deleted.
   */
  purgeExpired(before: Date, max: number): Promise<number>;
}
