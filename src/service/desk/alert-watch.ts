// The alerts' watcher: every ALERT_POLL_SECONDS one replica — the one whose claim of that poll slot the store
// accepts — asks the directory who is locked now (lockedNow: one indexed query), reads the portal's locks and
// the audit trail's last window, and turns what it saw into alerts. What it already counted is remembered in
// the store, not in memory (a claim per lock and per audit record, kept past the window), so the next poll —
// on any replica — does not raise the same lock or override again. Sending once is the dispatcher's claim.
import type { DirectoryEntry } from '../../domain/directory-user';
import { isHelpdeskError } from '../../domain/errors';
import { protectionReason } from '../../domain/protection';
import { isAgentLimitRefusal, LIMIT_OVERRIDE_ACTION, type ServiceDeps } from '../kernel';
import { AlertDispatcher, lockoutStorm, type Alert, type AlertSettings } from './alerts';
import { lockedNow, type LockedAccount } from './locked';

/** This many accounts locked on the portal from one address within the window make a `portal-address` alert. */
export const PORTAL_ADDRESS_ACCOUNTS = 3;
/** Audit records read per poll (a window of a busy helpdesk holds far fewer overrides and refusals). */
const AUDIT_READ = 500;
/** Portal locks read per poll (newest first). */
const PORTAL_LOCKS_READ = 1000;

export interface WatchResult {
  /** False when another replica held this poll slot (nothing was read). */
  readonly polled: boolean;
  readonly sent: number;
}

type WatchDeps = Pick<ServiceDeps, 'directory' | 'store' | 'clock' | 'logger' | 'settings'>;

export class AlertWatch {
  private timer?: NodeJS.Timeout;

  constructor(private readonly deps: WatchDeps, private readonly dispatcher: AlertDispatcher, private readonly settings: AlertSettings) {}

  start(): void {
    if (!this.dispatcher.enabled || this.timer) return;
    const tick = () => void this.poll().catch((err: unknown) =>
      this.deps.logger.warn({ code: isHelpdeskError(err) ? err.code : 'unknown', err: err instanceof Error ? err.message : String(err) }, 'alerts: poll failed'));
    this.timer = setInterval(tick, this.settings.pollMs);
    this.timer.unref();
    tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One poll, unless another replica holds this slot. */
  async poll(): Promise<WatchResult> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const slot = Math.floor(now.getTime() / this.settings.pollMs) * this.settings.pollMs;
    if (!this.dispatcher.enabled || !(await store.alertClaims.claim(`poll:${slot}`, now, new Date(slot + this.settings.pollMs)))) return { polled: false, sent: 0 };
    const [ad, portal] = await Promise.all([lockedNow(this.deps, now), store.portalAccounts.locked(PORTAL_LOCKS_READ)]);
    const alerts: Alert[] = [];
    const storm = lockoutStorm([
      ...ad.map((a) => ({ login: a.login, at: a.lockedAt, where: 'AD' as const })),
      ...portal.map((p) => ({ login: p.user, at: p.lockedAt, where: 'portal' as const })),
    ], now, this.settings);
    if (storm) alerts.push(storm);
    alerts.push(...(await this.protectedLockouts(ad, now)));
    alerts.push(...(await this.portalAddresses(portal, now)));
    alerts.push(...(await this.fromAuditTrail(now)));
    let sent = 0;
    for (const alert of alerts) if (await this.dispatcher.raise(alert)) sent += 1;
    return { polled: true, sent };
  }

  /** True the first time any replica sees this thing (a claim kept a window past `at`, longer than it is looked at). */
  private firstSight(key: string, at: Date, now: Date): Promise<boolean> {
    return this.deps.store.alertClaims.claim(`seen:${key}`, now, new Date(Math.max(at.getTime(), now.getTime()) + 2 * this.settings.windowMs));
  }

  private recent(at: Date, now: Date): boolean {
    return now.getTime() - at.getTime() <= this.settings.windowMs;
  }

  /** A protected account or an ALERT_VIP_GROUPS member newly locked in AD: each lock once. */
  private async protectedLockouts(ad: readonly LockedAccount[], now: Date): Promise<Alert[]> {
    const out: Alert[] = [];
    for (const lock of ad) {
      if (!lock.entry || !this.recent(lock.lockedAt, now)) continue;
      const why = await this.whyWatched(lock.entry);
      if (!why || !(await this.firstSight(`lock:${lock.login.toLowerCase()}:${lock.lockedAt.getTime()}`, lock.lockedAt, now))) continue;
      out.push({
        rule: 'protected-lockout',
        subject: lock.login.toLowerCase(),
        text: `${why} is locked out: ${lock.displayName} (${lock.login}), in Active Directory since ${lock.lockedAt.toISOString().slice(11, 16)} UTC. ` +
          'Find out what is failing to sign in before unlocking it.',
        users: [lock.login],
        locks: [{ login: lock.login, where: 'AD' }],
      });
    }
    return out;
  }

  /** 'A protected account', 'A member of <VIP group>', or undefined for anyone else. */
  private async whyWatched(entry: DirectoryEntry): Promise<string | undefined> {
    const groups = await this.deps.directory.groupsOf(entry.dn, entry.memberOf);
    if (protectionReason(entry, groups, this.deps.settings.protection)) return 'A protected account';
    const vip = this.settings.vipGroups.map((v) => v.toLowerCase());
    const group = groups.find((g) => vip.includes(g.name.toLowerCase()) || vip.includes(g.id.toLowerCase()));
    return group ? `A member of ${group.name}` : undefined;
  }

  /** Several portal accounts locked from one address within the window: the portal's failed challenges came from there. */
  private async portalAddresses(portal: readonly { readonly user: string; readonly lockedAt: Date }[], now: Date): Promise<Alert[]> {
    const { portalEvents } = this.deps.store;
    const since = new Date(now.getTime() - this.settings.windowMs);
    const addresses = new Set<string>();
    for (const lock of portal.filter((p) => this.recent(p.lockedAt, now))) {
      const [event] = await portalEvents.list({ user: lock.user, type: 'portal-lock', since, limit: 1 });
      if (event?.ip) addresses.add(event.ip);
    }
    const out: Alert[] = [];
    for (const ip of addresses) {
      const users = await portalEvents.usersLockedFrom(ip, since);
      if (users.length < PORTAL_ADDRESS_ACCOUNTS) continue;
      out.push({
        rule: 'portal-address',
        subject: ip,
        text: `Failed portal challenges from one address: ${users.length} accounts were locked on the self-service portal from ${ip} in the last ` +
          `${Math.round(this.settings.windowMs / 60_000)} minutes. Someone there may be guessing answers or codes.`,
        users,
        locks: users.map((login) => ({ login, where: 'portal' as const })),
      });
    }
    return out;
  }

  /** From the audit trail's window: a supervisor's override of a limit, an agent's change refused over their limit; each record once. */
  private async fromAuditTrail(now: Date): Promise<Alert[]> {
    const entries = await this.deps.store.audit.list({ since: new Date(now.getTime() - this.settings.windowMs), limit: AUDIT_READ });
    const out: Alert[] = [];
    for (const e of [...entries].reverse()) {
      const alert: Alert | undefined = e.action === LIMIT_OVERRIDE_ACTION
        ? {
            rule: 'limit-override', subject: e.actor.toLowerCase(),
            text: `A supervisor went over a limit: ${e.actor} made a change past the hourly limit${e.target ? ` on ${e.target}` : ''} (${e.detail ?? 'no detail'}).`,
            users: e.target ? [e.target] : [],
          }
        : isAgentLimitRefusal(e)
          ? {
              rule: 'agent-limit', subject: e.actor.toLowerCase(),
              text: `An agent's account changes exceed the per-agent limit: ${e.actor} was refused a change${e.target ? ` on ${e.target}` : ''} (${e.detail ?? 'over the limit'}).`,
              users: e.target ? [e.target] : [],
            }
          : undefined;
      if (alert && (await this.firstSight(`audit:${e.seq}`, e.at, now))) out.push(alert);
    }
    return out;
  }
}
