// Issuing and checking one-time numeric codes (helpdesk PINs, caller verification codes). The store keeps
// only HMAC-SHA256(key, user ‖ code) under a key derived from SECRETS_KEY, so neither the store file nor
// a backup gives the codes away. A new code replaces the old one and inherits its failure count.
import { createHmac } from 'node:crypto';
import { generateDigits, type CodeVerdict, type OneTimeCodePolicy } from '../../domain/one-time-code';
import { HelpdeskError } from '../../domain/errors';
import type { Clock } from '../../ports/clock.port';
import type { OneTimeCodeRepository } from '../../ports/one-time-codes.port';

export interface IssuedCode {
  readonly code: string;
  readonly expiresAt: Date;
  readonly triesLeft: number;
}

export class OneTimeCodes {
  constructor(
    private readonly repo: OneTimeCodeRepository,
    private readonly clock: Clock,
    private readonly key: Buffer,
    readonly policy: OneTimeCodePolicy,
    /** "PINs", "verification codes": how refusals name them. */
    private readonly what: string,
  ) {}

  /** `bound`: what else the code is only good for (a mobile being registered), mixed into the HMAC. */
  hmac(user: string, code: string, bound = ''): string {
    return createHmac('sha256', this.key).update(`${user.toLowerCase()}\n${code}${bound ? `\n${bound}` : ''}`, 'utf8').digest('hex');
  }

  /** A new code for `user` (lower-cased login), replacing any earlier one. PIN.LOCKED when no tries are left. */
  async issue(user: string, createdBy: string, bound = ''): Promise<IssuedCode> {
    const now = this.clock.now();
    const code = generateDigits(this.policy.length);
    const expiresAt = new Date(now.getTime() + this.policy.ttlMs);
    const key = user.toLowerCase();
    const hmac = this.hmac(key, code, bound);
    const carryMs = this.policy.failuresCarryMs;
    const { failedTries } = await this.repo.issue({ user: key, hmac, createdAt: now, expiresAt, createdBy }, new Date(now.getTime() - carryMs));
    if (failedTries >= this.policy.maxTries) {
      // Issued with no tries left, so it can never be used: say so, and when one can be, rather than send a dead code.
      await this.repo.revoke(key, hmac, now);
      throw new HelpdeskError('PIN.LOCKED', undefined, { what: this.what, until: new Date(now.getTime() + carryMs).toISOString(), minutes: Math.round(carryMs / 60_000) });
    }
    return { code, expiresAt, triesLeft: this.policy.maxTries - failedTries };
  }

  /** Withdraws a code that could not be delivered (only if it is still the current one). */
  async revoke(user: string, code: string, bound = ''): Promise<void> {
    await this.repo.revoke(user.toLowerCase(), this.hmac(user, code, bound), this.clock.now());
  }

  /** Checks once; `user` undefined (unknown login) costs the same HMAC and answers like a wrong code. */
  async check(user: string | undefined, code: string, bound = ''): Promise<CodeVerdict> {
    const key = (user ?? '\u0000unknown').toLowerCase();
    const hmac = this.hmac(key, code, bound);
    const candidate = /^\d{1,32}$/.test(code) ? hmac : this.hmac(key, `x${code}`, bound);
    const result = await this.repo.check(key, candidate, this.clock.now(), this.policy.maxTries);
    if (result === 'valid') return { valid: true };
    return { valid: false, reason: result === 'unknown' ? 'invalid' : result };
  }

  /** When a code can be issued again after the failures of the current one ("now" if it fails now). */
  coolDownEndsAt(): Date {
    return new Date(this.clock.now().getTime() + this.policy.failuresCarryMs);
  }

  usedSince(user: string, since: Date): Promise<Date | undefined> {
    return this.repo.usedSince(user.toLowerCase(), since);
  }
}
