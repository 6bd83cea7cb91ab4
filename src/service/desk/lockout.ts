// `lockout <user>` (agent): why this account locks. Every DC's own bad-password count and times (read on
// each DC's own connection by the directory adapter), the DC and time the lockout came from, the effective
// policy, the DCs still counting after an unlock, and the user's recent failed portal challenges — said in words.
import { HelpdeskError } from '../../domain/errors';
import { portalUserKey } from '../../domain/portal';
import { VERBS } from '../../domain/verbs';
import { commandRoute, findOne, withProtections, type ActionButton, type LockoutView, type UseCaseCall } from '../kernel';
import { dcName, lockoutSentence } from './lockout-words';

/** How far back the card looks for failed portal challenges, and how many it lists. */
const PORTAL_LOOKBACK_MS = 24 * 3600_000;
const PORTAL_ROWS = 10;

export async function lockoutAnalysis(call: UseCaseCall, login: string): Promise<LockoutView> {
  const { env, subject, actor } = call;
  const entry = await findOne(env.directory, login);
  subject.target = entry.sAMAccountName;
  if (!env.directory.lockoutForensics) throw new HelpdeskError('CMD.NOT_AVAILABLE', 'lockout forensics need Active Directory', { command: 'lockout' });
  const now = env.clock.now();
  const [forensics, policy, failures, target] = await Promise.all([
    env.directory.lockoutForensics(entry.dn),
    env.directory.lockoutPolicy(entry.dn).catch(() => undefined),
    env.store.portalEvents.list({ user: portalUserKey(entry.sAMAccountName), type: 'challenge', outcome: 'failure', since: new Date(now.getTime() - PORTAL_LOOKBACK_MS), limit: PORTAL_ROWS }),
    withProtections(env.directory, entry, actor, env.settings.protection),
  ]);
  // Locked while any DC holds a lockoutTime the policy has not yet ended (duration 0: until unlocked).
  const locked = forensics.dcs.some((d) => d.lockoutTime !== undefined && (policy?.durationMs === undefined || d.lockoutTime.getTime() + policy.durationMs > now.getTime()));
  const addresses = [...new Set(failures.map((e) => e.ip).filter((ip): ip is string => Boolean(ip)))];
  const summary = lockoutSentence({ locked, dcs: forensics.dcs, portalFailures: failures.length, portalAddresses: addresses, ...(forensics.origin ? { origin: forensics.origin } : {}), ...(policy ? { policy } : {}) }, call.ctx.timeZone);
  const actions: ActionButton[] = [{ verb: VERBS.userShow, label: 'Show user', data: { user: entry.sAMAccountName } }];
  if (locked && !target.protected && !target.self) actions.push({ verb: VERBS.accountUnlock, label: 'Unlock account', data: { user: entry.sAMAccountName }, style: 'destructive' });
  subject.detail = `${forensics.dcs.length} DCs${forensics.origin?.dc ? `, origin ${dcName(forensics.origin.dc)}` : ''}`;
  return {
    kind: 'lockout',
    target: { login: entry.sAMAccountName, displayName: entry.displayName },
    locked,
    summary,
    ...(forensics.origin ? { origin: { ...(forensics.origin.dc ? { dc: dcName(forensics.origin.dc) } : {}), at: forensics.origin.at.toISOString(), from: forensics.origin.from } } : {}),
    ...(policy ? { policy: { threshold: policy.threshold, windowMinutes: Math.round(policy.observationWindowMs / 60_000), ...(policy.durationMs !== undefined ? { durationMinutes: Math.round(policy.durationMs / 60_000) } : {}), source: policy.source } } : {}),
    dcs: forensics.dcs.map((d) => ({
      dc: dcName(d.dc),
      hostName: d.dc,
      reachable: d.reachable,
      ...(d.badPwdCount !== undefined ? { badPwdCount: d.badPwdCount } : {}),
      ...(d.badPasswordTime ? { badPasswordTime: d.badPasswordTime.toISOString() } : {}),
      ...(d.lastLogon ? { lastLogon: d.lastLogon.toISOString() } : {}),
    })),
    portalFailures: failures.map((e) => ({ at: e.at.toISOString(), ...(e.ip ? { ip: e.ip } : {}), ...(e.userAgent ? { client: e.userAgent } : {}) })),
    actions,
  };
}

export const lockoutRoutes = [
  commandRoute('lockout', { action: 'lockout.view', target: (c) => c.user, run: (call, c) => lockoutAnalysis(call, c.user) }),
];
