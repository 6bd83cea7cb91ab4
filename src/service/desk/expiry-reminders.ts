// EXPIRY_REMINDER_DAYS (e.g. 14,7,1): users are texted by themselves as their password's expiry nears, once
// per user and threshold. Every replica may run the sweep; each text is claimed first in the store by a
// unique-key insert (a quota place of limit 1 keyed by user, threshold and expiry date), so two replicas
// never send the same reminder, and a changed password (a new expiry date) starts a new round. A text that
// fails gives its claim back: the next sweep tries again.
import type { DirectoryEntry } from '../../domain/directory-user';
import { isHelpdeskError } from '../../domain/errors';
import type { ServiceDeps } from '../kernel';
import { expiringWithin, reminderText } from './expiring';

const DAY_MS = 24 * 3_600_000;
/** How often the directory is asked: thresholds are days apart, an hour late is still in time. */
export const REMINDER_SWEEP_MS = 60 * 60_000;

export interface SweepResult {
  readonly sent: number;
  readonly failed: number;
}

export class ExpiryReminders {
  private timer?: NodeJS.Timeout;

  constructor(private readonly deps: Pick<ServiceDeps, 'directory' | 'store' | 'clock' | 'logger' | 'settings' | 'sms'>) {}

  /** Off unless EXPIRY_REMINDER_DAYS names days and texts can be sent. */
  get enabled(): boolean {
    return this.deps.settings.expiryReminderDays.length > 0 && this.deps.sms !== undefined;
  }

  start(everyMs = REMINDER_SWEEP_MS): void {
    if (!this.enabled || this.timer) return;
    const tick = () => void this.sweep().catch((err: unknown) => this.deps.logger.warn({ code: isHelpdeskError(err) ? err.code : 'unknown' }, 'expiry reminders: sweep failed'));
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass: each user within a threshold gets that threshold's text, unless some replica sent it already. */
  async sweep(): Promise<SweepResult> {
    const { settings, clock, store, sms, logger } = this.deps;
    if (!this.enabled || !sms) return { sent: 0, failed: 0 };
    const thresholds = [...settings.expiryReminderDays].sort((a, b) => a - b);
    const now = clock.now();
    const users = await expiringWithin(this.deps, thresholds[thresholds.length - 1] ?? 0);
    let sent = 0;
    let failed = 0;
    for (const user of users) {
      const expires = user.account.passwordExpiresAt;
      const mobile = user.contact.mobile?.trim();
      if (!expires || user.account.passwordMustChange || expires <= now || !mobile) continue;
      const daysLeft = (expires.getTime() - now.getTime()) / DAY_MS;
      const threshold = thresholds.find((d) => daysLeft <= d);
      if (threshold === undefined) continue;
      const claim = await store.quotas.take(claimKey(user, threshold, expires), 1, (threshold + 1) * DAY_MS, now);
      if (!claim.ok) continue; // this reminder went out already (here or on another replica)
      try {
        await sms.send({ to: mobile, body: reminderText(this.deps, expires) });
        sent += 1;
      } catch (err) {
        failed += 1;
        await store.quotas.giveBack(claim.place);
        logger.warn({ code: isHelpdeskError(err) ? err.code : 'unknown', threshold }, 'expiry reminder not sent');
      }
    }
    return { sent, failed };
  }
}

function claimKey(user: DirectoryEntry, threshold: number, expires: Date): string {
  return `expiry-reminder:${user.sAMAccountName.toLowerCase()}:${threshold}:${expires.toISOString().slice(0, 10)}`;
}
