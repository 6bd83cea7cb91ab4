// Confirmation tokens: single-use, bound to actor + action + target, short-lived. Only the token's hash
// is stored, so a copy of the store cannot be replayed as buttons.
import { createHash, randomBytes } from 'node:crypto';
import { HelpdeskError } from '../../domain/errors';
import type { Action } from '../../domain/policy';
import type { Clock } from '../../ports/clock.port';
import type { ConfirmationRepository, PendingConfirmation } from '../../ports/confirmations.port';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Expired tokens are deleted on each issue, a bounded number at a time, once they are a day past their
 * expiry: until then a late click still hears "expired" rather than "not valid".
 */
export const PURGE_AFTER_EXPIRY_MS = 24 * 60 * 60_000;
export const PURGE_PER_ISSUE = 100;

const REFUSAL = {
  unknown: 'CONFIRM.INVALID',
  'wrong-actor': 'CONFIRM.INVALID',
  used: 'CONFIRM.USED',
  expired: 'CONFIRM.EXPIRED',
} as const;

export class Confirmations {
  constructor(
    private readonly repository: ConfirmationRepository,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async issue(actor: string, action: Action, target: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(24).toString('base64url');
    const createdAt = this.clock.now();
    const expiresAt = new Date(createdAt.getTime() + this.ttlMs);
    await this.repository.save({ tokenHash: hashToken(token), actor: actor.toLowerCase(), action, target, createdAt, expiresAt });
    await this.repository.purgeExpired(new Date(createdAt.getTime() - PURGE_AFTER_EXPIRY_MS), PURGE_PER_ISSUE);
    return { token, expiresAt };
  }

  /** What consume() would give now, without using the token up (the checks before the change); or the same refusal. */
  async check(actor: string, token: string): Promise<PendingConfirmation> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) throw new HelpdeskError('CONFIRM.INVALID');
    const result = await this.repository.check(hashToken(token), actor.toLowerCase(), this.clock.now());
    if (!result.ok) throw new HelpdeskError(REFUSAL[result.reason]);
    return result.confirmation;
  }

  /** Uses the token up (atomically) or throws CONFIRM.INVALID / USED / EXPIRED. */
  async consume(actor: string, token: string): Promise<PendingConfirmation> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) throw new HelpdeskError('CONFIRM.INVALID');
    const result = await this.repository.consume(hashToken(token), actor.toLowerCase(), this.clock.now());
    if (!result.ok) throw new HelpdeskError(REFUSAL[result.reason]);
    return result.confirmation;
  }
}
