// The account-changing actions this service offers, with the words their confirm and result cards use.
import type { Action } from '../domain/policy';

export type AccountAction = Extract<Action, 'account.unlock' | 'password.reset.view' | 'portal.unlock'>;

export const ACCOUNT_ACTIONS: Record<AccountAction, { title: string; question: (name: string) => string; requiresPrivateView: boolean }> = {
  'account.unlock': {
    title: 'Unlock account',
    question: (name) => `Unlock the Active Directory account of ${name}?`,
    requiresPrivateView: false,
  },
  'portal.unlock': {
    title: 'Unlock portal account',
    question: (name) => `Unlock the self-service portal account of ${name}? Their failed attempts are cleared; the Active Directory account is not touched.`,
    requiresPrivateView: false,
  },
  'password.reset.view': {
    title: 'Reset password',
    question: (name) =>
      `Reset the password of ${name}? A new password is generated and shown to you once; the user must change it at next logon.`,
    requiresPrivateView: true,
  },
};

export function isAccountAction(action: string): action is AccountAction {
  return Object.prototype.hasOwnProperty.call(ACCOUNT_ACTIONS, action);
}
