// The per-action policy table: which role an action needs, whether it must be confirmed, and whether it
// only reads (changes nothing, sends nothing).
import type { Role } from './roles';

export const ACTIONS = {
  'user.find': { role: 'agent', destructive: false, targetsAccount: false, readOnly: true },
  'user.view': { role: 'agent', destructive: false, targetsAccount: false, readOnly: true },
  'audit.view': { role: 'agent', destructive: false, targetsAccount: false, readOnly: true },
  'sync.view': { role: 'agent', destructive: false, targetsAccount: false, readOnly: true },
  'enrollment.view': { role: 'supervisor', destructive: false, targetsAccount: false, readOnly: true },
  'account.unlock': { role: 'agent', destructive: true, targetsAccount: true, readOnly: false },
  'portal.unlock': { role: 'agent', destructive: true, targetsAccount: true, readOnly: false },
  'pin.sms': { role: 'agent', destructive: true, targetsAccount: true, readOnly: false },
  'pin.view': { role: 'supervisor', destructive: true, targetsAccount: true, readOnly: false },
  'password.reset': { role: 'agent', destructive: true, targetsAccount: true, readOnly: false },
  'password.reset.view': { role: 'supervisor', destructive: true, targetsAccount: true, readOnly: false },
  'tap.sms': { role: 'agent', destructive: true, targetsAccount: true, readOnly: false },
  'tap.view': { role: 'supervisor', destructive: true, targetsAccount: true, readOnly: false },
  'verify.send': { role: 'agent', destructive: false, targetsAccount: false, readOnly: false },
  'ticket.escalate': { role: 'agent', destructive: false, targetsAccount: false, readOnly: false },
  'approval.list': { role: 'supervisor', destructive: false, targetsAccount: false, readOnly: true },
  'desk.locked': { role: 'agent', destructive: false, targetsAccount: false, readOnly: true },
  'desk.expiring': { role: 'agent', destructive: false, targetsAccount: false, readOnly: true },
  'desk.history': { role: 'agent', destructive: false, targetsAccount: false, readOnly: true },
  'expiry.remind': { role: 'agent', destructive: false, targetsAccount: false, readOnly: false },
  'lockout.view': { role: 'agent', destructive: false, targetsAccount: false, readOnly: true },
} as const satisfies Record<string, { role: Role; destructive: boolean; targetsAccount: boolean; readOnly: boolean }>;

export type Action = keyof typeof ACTIONS;

export function requiredRole(action: Action): Role {
  return ACTIONS[action].role;
}

/**
 * Actions that only read: their audit record must be written before the answer (else the answer is
 * refused) but need not wait for the disk (HelpdeskAuditTrail's 'committed').
 */
export function onlyReads(action: Action): boolean {
  return ACTIONS[action].readOnly;
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
