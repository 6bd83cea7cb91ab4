// The account-changing actions this service offers, with the words their confirm and result cards use.
import type { DirectoryEntry } from '../../domain/directory-user';
import type { Action } from '../../domain/policy';

export type AccountAction = Extract<Action, 'account.unlock' | 'password.reset.view' | 'portal.unlock' | 'tap.view' | 'tap.sms' | 'pin.sms' | 'pin.view' | 'password.reset'>;

/** Actions whose secret goes to the user's mobile: the agent never sees it. */
export const BY_SMS: ReadonlySet<AccountAction> = new Set(['pin.sms', 'password.reset', 'tap.sms']);

interface Wording {
  readonly title: string;
  readonly question: (name: string) => string;
  /** What the agent must know before confirming, from the account's state now. */
  readonly warnings: (user: DirectoryEntry) => string[];
  readonly requiresPrivateView: boolean;
}

export const ACCOUNT_ACTIONS: Record<AccountAction, Wording> = {
  'account.unlock': {
    title: 'Unlock account',
    question: (name) => `Unlock the Active Directory account of ${name}?`,
    warnings: (u) => (u.account.enabled ? [] : ['The account is disabled: unlocking it does not let them sign in.']),
    requiresPrivateView: false,
  },
  'portal.unlock': {
    title: 'Unlock portal account',
    question: (name) => `Unlock the self-service portal account of ${name}? Their failed attempts are cleared; the Active Directory account is not touched.`,
    warnings: () => [],
    requiresPrivateView: false,
  },
  'password.reset.view': {
    title: 'Reset password',
    question: (name) =>
      `Reset the password of ${name}? A new password is generated and shown to you once; the user must change it at next logon.`,
    warnings: (u) => [
      ...(u.account.enabled ? [] : ["The account is disabled: they can't sign in with the new password until it is enabled."]),
      ...(u.account.locked ? ['The account is locked: a reset does not unlock it. Unlock it as well.'] : []),
    ],
    requiresPrivateView: true,
  },
  'tap.view': {
    title: 'Temporary Access Pass',
    question: (name) =>
      `Create a Temporary Access Pass for ${name}? It replaces any pass they have, is shown to you once, and lets them sign in to Entra ID and register a method.`,
    warnings: () => [],
    requiresPrivateView: true,
  },
  'tap.sms': {
    title: 'Send a Temporary Access Pass',
    question: (name) =>
      `Send a new Temporary Access Pass to the mobile of ${name}? It replaces any pass they have and lets them sign in to Entra ID and register a method; you won't see it.`,
    warnings: () => [],
    requiresPrivateView: false,
  },
  'password.reset': {
    title: 'Reset password by SMS',
    question: (name) =>
      `Reset the password of ${name} and send the new one to their mobile? You won't see it.`,
    warnings: (u) => [
      ...(u.account.enabled ? [] : ["The account is disabled: they can't sign in with the new password until it is enabled."]),
      ...(u.account.locked ? ['The account is locked: a reset does not unlock it. Unlock it as well.'] : []),
    ],
    requiresPrivateView: false,
  },
  'pin.sms': {
    title: 'Send a helpdesk PIN',
    question: (name) => `Send a new helpdesk PIN to the mobile of ${name}? It replaces any earlier PIN; you won't see it.`,
    warnings: () => [],
    requiresPrivateView: false,
  },
  'pin.view': {
    title: 'Show a helpdesk PIN',
    question: (name) => `Issue a new helpdesk PIN for ${name} and show it to you once? It replaces any earlier PIN.`,
    warnings: () => [],
    requiresPrivateView: true,
  },
};

export function isAccountAction(action: string): action is AccountAction {
  return Object.prototype.hasOwnProperty.call(ACCOUNT_ACTIONS, action);
}

/** "Lena Locked (demo.locked)" — how messages name a user. */
export function nameOf(user: Pick<DirectoryEntry, 'displayName' | 'sAMAccountName'>): string {
  return user.displayName && user.displayName !== user.sAMAccountName ? `${user.displayName} (${user.sAMAccountName})` : user.sAMAccountName;
}
