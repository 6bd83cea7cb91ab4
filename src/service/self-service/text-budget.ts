// The self-service portal's texts, counted in the store (so a restart or a second replica counts the
// same): every text takes a place per destination number and in the hour's total, every code also one per
// account; repeated notices of one kind to an account within a short time are combined into the first. The helpdesk's own texts
// (PINs, passwords, caller codes, notices after a helpdesk action: sms-delivery.ts) are not counted here:
// they are staff actions, bounded per agent and per target by the change limits, and an attacker draining
// the portal's budget must not stop the helpdesk from texting a caller.
import { createHmac } from 'node:crypto';
import { inAllowedCountry, type TextBudgetSettings } from '../../domain/text-budget';
import type { Clock } from '../../ports/clock.port';
import type { QuotaPlace, QuotaRepository } from '../../ports/quotas.port';
import { hhmm } from '../secrets';

const HOUR_MS = 60 * 60_000;
/** Notices of one kind to one account within this time after the first are combined into it. */
export const NOTICE_COMBINED_MS = 15 * 60_000;

/** A quota key, its limit, and why a text is refused when it is full. */
type Limit = readonly [key: string, limit: number, why: string];

export type TextClaim = { readonly ok: true } | { readonly ok: false; readonly why: string; readonly until: Date };

export class TextBudget {
  constructor(
    private readonly quotas: QuotaRepository,
    private readonly clock: Clock,
    /** Keys the numbers in the store's quota keys: a phone number is personal data, stored only sealed or hashed. */
    private readonly numberKey: Buffer,
    private readonly settings: TextBudgetSettings,
  ) {}

  get allowedCountries(): readonly string[] {
    return this.settings.allowedCountries;
  }

  /** Whether a mobile may be registered (and texted as registered): its country code is allowed. */
  allows(e164: string): boolean {
    return inAllowedCountry(e164, this.settings.allowedCountries);
  }

  /** A code for `account` to `number` (sign-in, registration): a place per account, per number and in the total. */
  claimCode(account: string, number: string): Promise<TextClaim> {
    const s = this.settings;
    return this.claim([[`sms-account:${account}`, s.perAccount, `this account was sent ${s.perAccount} codes in the last hour`], this.perNumber(number), this.total()]);
  }

  /**
   * A notice to `number`: a place per number and in the total. Not per account: a notice is what tells the
   * owner, so codes asked for their account (by anyone who types the login) must not use up its place;
   * firstNotice bounds an account's notices instead.
   */
  claimNotice(number: string): Promise<TextClaim> {
    return this.claim([this.perNumber(number), this.total()]);
  }

  private perNumber(number: string): Limit {
    const digits = number.replace(/\D/g, '');
    const key = `sms-number:${createHmac('sha256', this.numberKey).update(digits).digest('base64url')}`;
    return [key, this.settings.perNumber, `this number was sent ${this.settings.perNumber} texts in the last hour`];
  }

  private total(): Limit {
    return ['sms-total', this.settings.total, `the portal sent its ${this.settings.total} texts for the hour`];
  }

  /** A place under every limit, or none (places already taken are given back when a later limit refuses). */
  private async claim(limits: readonly Limit[]): Promise<TextClaim> {
    const taken: QuotaPlace[] = [];
    const at = this.clock.now();
    for (const [key, limit, why] of limits) {
      const got = await this.quotas.take(key, limit, HOUR_MS, at);
      if (!got.ok) {
        await Promise.all(taken.map((p) => this.quotas.giveBack(p)));
        return { ok: false, why: `${why}; the next one can go after ${hhmm(got.freeAt)}`, until: got.freeAt };
      }
      taken.push(got.place);
    }
    return { ok: true };
  }

  /** True for the first notice of `kind` to `account` in NOTICE_COMBINED_MS; later ones are combined into it. */
  async firstNotice(account: string, kind: string): Promise<boolean> {
    return (await this.quotas.take(`sms-notice:${kind}:${account}`, 1, NOTICE_COMBINED_MS, this.clock.now())).ok;
  }
}
