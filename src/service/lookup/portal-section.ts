// The details card's "Self-service portal" section and vishing indicators, and its "Unlock portal
// account" button when the portal account is locked (same rules as the AD unlock button).
import { hasRole, type Actor } from '../../domain/roles';
import { VERBS } from '../../domain/verbs';
import type { PortalCardState } from '../../ports/portal.port';
import { escalateButton, type IndicatorView, type Target, type UseCaseEnv, type PortalSectionView, type UserDetailsView } from '../kernel';

/** `state`: the card's one read (details-card.ts); `indicators`: the vishing indicators drawn from it. */
export function withPortal(env: UseCaseEnv, viewer: Actor, target: Target, view: UserDetailsView, state: PortalCardState, indicators: IndicatorView[]): UserDetailsView {
  const { account, lastSelfService: latest } = state;
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
