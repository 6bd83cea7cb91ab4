// The details card's "Entra ID" lines: the Entra account linked to the user (or the cloud-only user
// itself) — enabled, synced or cloud-only, last sign-in, registered method kinds and counts, directory
// roles — and the Temporary Access Pass buttons (by SMS for agents, shown once for supervisors). Only when Graph is configured.
import { hasRole, type Actor } from '../../domain/roles';
import { VERBS } from '../../domain/verbs';
import type { Target, UseCaseEnv, UserDetailsView } from '../kernel';

export async function withEntra(env: UseCaseEnv, viewer: Actor, target: Target, view: UserDetailsView): Promise<UserDetailsView> {
  if (!env.entra) return view;
  const account = await env.entra.linkedAccount(target.user);
  if (!account) return { ...view, entra: { found: false } };
  const mayIssue = !target.protected && !target.self && account.enabled && account.directoryRoles.length === 0;
  const user = target.user.sAMAccountName;
  // Like the PIN: agents send the pass by SMS (to the mobile the directory has), supervisors may see it once.
  const buttons = mayIssue
    ? [
      ...(hasRole(viewer.role, 'agent') && target.user.contact.mobile ? [{ verb: VERBS.tapSms, label: 'Send Temporary Access Pass by SMS', data: { user } }] : []),
      ...(hasRole(viewer.role, 'supervisor') ? [{ verb: VERBS.tapView, label: 'Temporary Access Pass (show once)', data: { user }, style: 'destructive' as const }] : []),
    ]
    : [];
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
      ...buttons,
    ],
  };
}
