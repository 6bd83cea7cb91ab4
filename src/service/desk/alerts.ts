// Alerts to the supervisors: each alert is sent once across replicas — the replica whose claim of the alert's
// key (rule, subject, window) the store accepts posts it, the others stand down — and deduplicated within its
// window (the key holds the window's start). The rules turn what was seen into an alert in words.
import { hasRole, type Actor } from '../../domain/roles';
import { VERBS } from '../../domain/verbs';
import type { AlertClaimRepository } from '../../ports/alert-claims.port';
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import type { AlertView } from '../kernel';

/** Where alerts go: the supervisors' Teams conversation and/or Slack channel, posted proactively (each surface renders the view). */
export interface AlertSink {
  readonly name: string;
  post(alert: AlertView): Promise<void>;
}

/** Whether this actor is sent alerts where a surface picks its receivers itself (the local console's conversations): a supervisor. */
export function receivesAlerts(actor: Actor): boolean {
  return hasRole(actor.role, 'supervisor');
}

export interface AlertSettings {
  /** ALERT_LOCKOUTS: lockouts (AD or portal) within the window that make a storm. */
  readonly lockouts: number;
  /** ALERT_WINDOW_MINUTES, in ms: the storm's window and every alert's deduplication window. */
  readonly windowMs: number;
  /** ALERT_VIP_GROUPS: group names or DNs whose members' lockouts alert at once (as a protected account's). */
  readonly vipGroups: readonly string[];
  /** ALERT_POLL_SECONDS, in ms: how often one replica asks the directory who is locked. */
  readonly pollMs: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = { lockouts: 5, windowMs: 10 * 60_000, vipGroups: [], pollMs: 30_000 };

export interface Alert {
  readonly rule: AlertView['rule'];
  /** What makes two alerts the same one within a window (an address, a login, or '' for a storm). */
  readonly subject: string;
  readonly text: string;
  readonly users: readonly string[];
  /** The locked accounts among the users: each gets an Unlock button beside its Show (the press re-checks the role). */
  readonly locks?: readonly { readonly login: string; readonly where: 'AD' | 'portal' }[];
}

/** Each rule's heading, the same on every surface. */
const TITLES: Readonly<Record<AlertView['rule'], string>> = {
  'lockout-storm': 'Lockout storm',
  'portal-address': 'Portal challenges failing from one address',
  'protected-lockout': 'Watched account locked out',
  'limit-override': 'A supervisor went over a limit',
  'agent-limit': 'An agent is over the change limit',
};

/** At most this many users get a Show button on one alert; the text says how many there were. */
const BUTTONS = 10;

export class AlertDispatcher {
  constructor(
    private readonly claims: AlertClaimRepository,
    private readonly sinks: readonly AlertSink[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: AlertSettings = DEFAULT_ALERT_SETTINGS,
  ) {}

  /** Whether alerts go anywhere (ALERTS_TEAMS_CONVERSATION / ALERTS_SLACK_CHANNEL). */
  get enabled(): boolean {
    return this.sinks.length > 0;
  }

  /** Posts the alert unless this window's copy was already claimed (here or by another replica). True when this call sent it. */
  async raise(alert: Alert): Promise<boolean> {
    if (this.sinks.length === 0) return false;
    const now = this.clock.now();
    const windowStart = Math.floor(now.getTime() / this.settings.windowMs) * this.settings.windowMs;
    const key = `${alert.rule}:${alert.subject}:${windowStart}`;
    if (!(await this.claims.claim(key, now, new Date(windowStart + this.settings.windowMs)))) return false;
    const view: AlertView = {
      kind: 'alert',
      rule: alert.rule,
      title: TITLES[alert.rule],
      text: alert.text,
      at: now.toISOString(),
      users: alert.users,
      actions: alert.users.slice(0, BUTTONS).flatMap((user) => [
        { verb: VERBS.userShow, label: `Show ${user}`, data: { user } },
        ...(alert.locks ?? []).filter((l) => l.login === user).map((l) => (l.where === 'AD'
          ? { verb: VERBS.accountUnlock, label: `Unlock ${user}`, data: { user } }
          : { verb: VERBS.portalUnlock, label: `Unlock ${user} on the portal`, data: { user } })),
      ]),
    };
    // A sink that fails does not keep the others from getting it; the claim stands (never sent twice).
    await Promise.all(this.sinks.map((s) => s.post(view).catch((e: unknown) => {
      this.logger.error({ sink: s.name, rule: alert.rule, err: e instanceof Error ? e.message : String(e) }, 'an alert could not be posted');
    })));
    this.logger.info({ rule: alert.rule, users: alert.users.length }, 'alert sent');
    return true;
  }
}

/** A lockout storm: at least `lockouts` accounts locked within the window (AD or portal), newest first. */
export function lockoutStorm(locked: readonly { readonly login: string; readonly at: Date; readonly where: 'AD' | 'portal' }[], now: Date, settings: AlertSettings = DEFAULT_ALERT_SETTINGS): Alert | undefined {
  const recent = locked.filter((l) => now.getTime() - l.at.getTime() <= settings.windowMs).sort((a, b) => b.at.getTime() - a.at.getTime());
  if (recent.length < settings.lockouts) return undefined;
  const ad = recent.filter((l) => l.where === 'AD').length;
  const minutes = Math.round(settings.windowMs / 60_000);
  return {
    rule: 'lockout-storm',
    subject: '',
    text: `Lockout storm: ${recent.length} accounts locked out in the last ${minutes} minutes (${ad} in Active Directory, ${recent.length - ad} on the portal). Something may be trying passwords, or a changed password is still used by a service.`,
    users: recent.map((l) => l.login),
    locks: recent.map((l) => ({ login: l.login, where: l.where })),
  };
}
