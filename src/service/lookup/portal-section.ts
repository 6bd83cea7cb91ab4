// The details card's "Self-service portal" section and vishing indicators, and its "Unlock portal
// account" button when the portal account is locked (same rules as the AD unlock button).
import { portalUserKey } from '../../domain/portal';
import { hasRole, type Actor } from '../../domain/roles';
import { VERBS } from '../../domain/verbs';
import { escalateButton, type Target, type UseCaseEnv, type PortalSectionView, type UserDetailsView } from '../kernel';
import { indicatorsFor } from '../portal-data';

export async function withPortal(env: UseCaseEnv, viewer: Actor, target: Target, view: UserDetailsView, timeZone?: string): Promise<UserDetailsView> {
  const key = portalUserKey(target.user.sAMAccountName);
  const [account, last, indicators] = await Promise.all([
    env.store.portalAccounts.get(key),
    env.store.portalEvents.list({ user: key, category: 'self-service', limit: 1 }),
    indicatorsFor(env, key, timeZone),
  ]);
  const latest = last[0];
  const portal: PortalSectionView = {
    hasAccount: account !== null,
    enrolled: account?.enrolled ?? false,
    methods: account?.methods ?? [],
    locked: account?.locked ?? false,
    ...(account?.locked && account.lockedAt ? { lockedAt: account.lockedAt.toISOString() } : {}),
    failedAttempts: account?.failedAttempts ?? 0,
    ...(latest ? { lastActivity: { at: latest.at.toISOString(), type: latest.type, outcome: latest.outcome } } : {}),
  };
  const mayUnlock = portal.locked && !target.protected && !target.self && hasRole(viewer.role, 'agent');
  const actions = [
    ...(mayUnlock
      ? [...view.actions, { verb: VERBS.portalUnlock, label: 'Unlock portal account', data: { user: target.user.sAMAccountName }, style: 'destructive' as const }]
      : view.actions),
    ...escalateButton(env, viewer, target.user.sAMAccountName),
  ];
  return { ...view, portal, indicators, actions };
}
