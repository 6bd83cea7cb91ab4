// A directory user as the viewer may see it: badges, summarised groups and the buttons their role allows.
import { hasRole, type Actor } from '../../domain/roles';
import { VERBS } from '../../domain/verbs';
import type { Target, ActionButton, UserBadge, UserDetailsView, UserSummaryView } from '../kernel';
import type { DirectoryEntry } from '../../domain/directory-user';

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

/** `o` without its empty fields (a loop: this runs for every details card). */
function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) if (value !== undefined && value !== '') out[key] = value;
  return out as T;
}

/** Who a result card is about: its login and name, nothing more. */
export function targetOf(user: DirectoryEntry): { login: string; displayName: string } {
  return { login: user.sAMAccountName, displayName: user.displayName };
}

/** The button back from a result to the user's details card. */
export function showUserButton(user: DirectoryEntry): ActionButton {
  return { verb: VERBS.userShow, label: 'Show user', data: { user: user.sAMAccountName } };
}

export function summaryOf(e: DirectoryEntry): UserSummaryView {
  return compact({
    login: e.sAMAccountName,
    displayName: e.displayName,
    userPrincipalName: e.userPrincipalName,
    mail: e.contact.mail,
    department: e.organisation.department,
    title: e.organisation.title,
    enabled: e.account.enabled,
    locked: e.account.locked,
  });
}

function actionsFor(viewer: Actor, target: Target): ActionButton[] {
  if (target.protected || target.self) return [];
  const user = target.user.sAMAccountName;
  const buttons: ActionButton[] = [];
  if (target.user.account.locked && hasRole(viewer.role, 'agent')) {
    buttons.push({ verb: VERBS.accountUnlock, label: 'Unlock account', data: { user }, style: 'destructive' });
  }
  // PINs, SMS resets and caller verification go to the registered mobile: offered only when there is one.
  if (hasRole(viewer.role, 'agent') && target.user.contact.mobile) {
    buttons.push({ verb: VERBS.pinSms, label: 'Send PIN by SMS', data: { user } });
    buttons.push({ verb: VERBS.passwordResetSms, label: 'Reset password by SMS', data: { user }, style: 'destructive' });
    buttons.push({ verb: VERBS.verifySend, label: 'Verify caller', data: { user } });
  }
  if (hasRole(viewer.role, 'supervisor')) {
    buttons.push({ verb: VERBS.passwordResetView, label: 'Reset password (show once)', data: { user }, style: 'destructive' });
  }
  return buttons;
}

export function userDetailsView(viewer: Actor, target: Target): UserDetailsView {
  const u = target.user;
  const a = u.account;
  const badges: UserBadge[] = [];
  if (a.locked) badges.push('locked');
  if (!a.enabled) badges.push('disabled');
  if (a.passwordExpired) badges.push('password-expired');
  if (a.passwordMustChange) badges.push('must-change-password');
  if (target.protected) badges.push('protected');
  if (u.source === 'demo') badges.push('demo');
  const groups = u.groups.map((g) => g.name).sort((x, y) => x.localeCompare(y));
  return {
    kind: 'user-details',
    source: u.source,
    badges,
    login: u.sAMAccountName,
    displayName: u.displayName,
    account: compact({
      sAMAccountName: u.sAMAccountName,
      userPrincipalName: u.userPrincipalName,
      enabled: a.enabled,
      locked: a.locked,
      lockedAt: iso(a.lockedAt),
      lockoutEndsAt: iso(a.lockoutEndsAt),
      badPwdCount: a.badPwdCount,
      passwordLastSet: iso(a.passwordLastSet),
      passwordExpiresAt: iso(a.passwordExpiresAt),
      passwordMustChange: a.passwordMustChange,
      lastLogon: iso(a.lastLogon),
      accountExpiresAt: iso(a.accountExpiresAt),
      createdAt: iso(a.createdAt),
    }),
    organisation: compact({ ...u.organisation }),
    contact: compact({ ...u.contact }),
    linked: { ...(u.linked.upnSuffix ? { upnSuffix: u.linked.upnSuffix } : {}), proxyAddresses: [...u.linked.proxyAddresses] },
    groups,
    groupCount: groups.length,
    actions: actionsFor(viewer, target),
  };
}
