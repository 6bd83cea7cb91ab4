// The details card's "Entra ID" lines: the Entra account linked to the user (or the cloud-only user
// itself) — enabled, synced or cloud-only, last sign-in, registered method kinds and counts, directory
// roles — and, for a supervisor, the Temporary Access Pass button. Only when Graph is configured.
import { hasRole, type Actor } from '../domain/roles';
import { VERBS } from '../domain/verbs';
import type { Target } from './target-resolver';
import type { UseCaseEnv } from './use-case';
import type { UserDetailsView } from './views';

export async function withEntra(env: UseCaseEnv, viewer: Actor, target: Target, view: UserDetailsView): Promise<UserDetailsView> {
  if (!env.entra) return view;
  const account = await env.entra.linkedAccount(target.user);
  if (!account) return { ...view, entra: { found: false } };
  const mayIssue = hasRole(viewer.role, 'supervisor') && !target.protected && !target.self && account.enabled;
  return {
    ...view,
    entra: {
      found: true,
      userPrincipalName: account.userPrincipalName,
      enabled: account.enabled,
      origin: account.origin,
      ...(account.lastSignIn ? { lastSignIn: account.lastSignIn.toISOString() } : {}),
      lastSignInReported: account.lastSignInReported,
      methods: account.methods.map((m) => ({ ...m })),
      directoryRoles: [...account.directoryRoles],
    },
    actions: [
      ...view.actions,
      ...(mayIssue ? [{ verb: VERBS.tapView, label: 'Temporary Access Pass (show once)', data: { user: target.user.sAMAccountName }, style: 'destructive' as const }] : []),
    ],
  };
}
