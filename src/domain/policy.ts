// The per-action policy table: which role an action needs and whether it must be confirmed.
import type { Role } from './roles';

export const ACTIONS = {
  'user.find': { role: 'agent', destructive: false, targetsAccount: false },
  'user.view': { role: 'agent', destructive: false, targetsAccount: false },
  'audit.view': { role: 'agent', destructive: false, targetsAccount: false },
  'sync.view': { role: 'agent', destructive: false, targetsAccount: false },
  'enrollment.view': { role: 'supervisor', destructive: false, targetsAccount: false },
  'account.unlock': { role: 'agent', destructive: true, targetsAccount: true },
  'portal.unlock': { role: 'agent', destructive: true, targetsAccount: true },
  'pin.sms': { role: 'agent', destructive: true, targetsAccount: true },
  'pin.view': { role: 'supervisor', destructive: true, targetsAccount: true },
  'password.reset': { role: 'agent', destructive: true, targetsAccount: true },
  'password.reset.view': { role: 'supervisor', destructive: true, targetsAccount: true },
  'tap.sms': { role: 'agent', destructive: true, targetsAccount: true },
  'tap.view': { role: 'supervisor', destructive: true, targetsAccount: true },
  'verify.send': { role: 'agent', destructive: false, targetsAccount: false },
  'ticket.escalate': { role: 'agent', destructive: false, targetsAccount: false },
  'approval.list': { role: 'supervisor', destructive: false, targetsAccount: false },
  'desk.locked': { role: 'agent', destructive: false, targetsAccount: false },
  'desk.expiring': { role: 'agent', destructive: false, targetsAccount: false },
  'desk.history': { role: 'agent', destructive: false, targetsAccount: false },
  'expiry.remind': { role: 'agent', destructive: false, targetsAccount: false },
  'lockout.view': { role: 'agent', destructive: false, targetsAccount: false },
} as const satisfies Record<string, { role: Role; destructive: boolean; targetsAccount: boolean }>;

export type Action = keyof typeof ACTIONS;

export function requiredRole(action: Action): Role {
  return ACTIONS[action].role;
}

/** Actions that change an account: refused on protected targets and on oneself. */
export function actsOnAccount(action: Action): boolean {
  return ACTIONS[action].targetsAccount;
}

/**
 * AD's privileged groups: always protected (PROTECTED_GROUPS adds to them, as do the role groups). A domain
 * that lacks one (e.g. Enterprise Admins outside the forest root) just skips it.
 */
export const DEFAULT_PROTECTED_GROUPS = [
  'Domain Admins',
  'Enterprise Admins',
  'Administrators',
  'Schema Admins',
  'Account Operators',
  'Server Operators',
  'Backup Operators',
  'Print Operators',
  'DnsAdmins',
  'Group Policy Creator Owners',
  'Key Admins',
  'Enterprise Key Admins',
  'Domain Controllers',
] as const;
