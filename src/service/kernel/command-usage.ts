// The commands this installation offers, with who may run them. Commands of later releases are listed
// in DESIGN.md; they are added here when they work.
import type { Role } from '../../domain/roles';

/** What a command needs this installation to have; help lists it only where it is there. */
export type Capability = 'entra' | 'sms' | 'tickets';

export const USAGE_LINES: readonly { usage: string; description: string; role: Role; needs?: Capability }[] = [
  { usage: 'user <name, login, e-mail or phone>', description: 'Find a user and show their account', role: 'agent' },
  { usage: 'unlock <user>', description: 'Unlock their Active Directory account (asks to confirm)', role: 'agent' },
  { usage: 'audit <user> [days=N] [type=T]', description: 'Their self-service portal events, newest first', role: 'agent' },
  { usage: 'sync <user> [failed]', description: 'Their sync transactions, failures first', role: 'agent' },
  { usage: 'pin <user> sms', description: 'Send them a new helpdesk PIN by SMS; you never see it (asks to confirm)', role: 'agent', needs: 'sms' },
  { usage: 'pin <user> view', description: 'A PIN shown once: for an agent, a request a supervisor approves', role: 'agent' },
  { usage: 'reset <user> sms', description: 'Reset their password and send it to their mobile (asks to confirm)', role: 'agent', needs: 'sms' },
  { usage: 'verify <user>', description: 'Send a code to their mobile; the caller reads it back to prove it is them', role: 'agent', needs: 'sms' },
  { usage: 'unlock-portal <user>', description: 'Unlock their self-service portal account (asks to confirm)', role: 'agent' },
  { usage: 'escalate <user> <reason>', description: 'Open a ticket about them (or add to their open one) and link it', role: 'agent', needs: 'tickets' },
  { usage: 'enrollment <user>', description: 'Their enrolled security questions, answers masked', role: 'supervisor' },
  { usage: 'tap <user> sms|view', description: 'An Entra Temporary Access Pass', role: 'agent', needs: 'entra' },
  { usage: 'approvals', description: 'Pending approval requests, newest first, each with Approve and Deny', role: 'supervisor' },
  { usage: 'reset <user> view', description: 'Reset their password and show it to you once (private chat only)', role: 'supervisor' },
  { usage: 'locked', description: 'Accounts locked out now (Active Directory and portal), newest first, with Unlock', role: 'agent' },
  { usage: 'expiring [days]', description: 'Passwords that expire within N days (default 7) or have expired', role: 'agent' },
  { usage: 'history <user>', description: 'What the helpdesk did to them (its audit trail), newest first', role: 'agent' },
  { usage: 'lockout <user>', description: 'Why their account locks: each DC\'s bad passwords, where the lockout came from, the policy', role: 'agent' },
  { usage: 'help', description: 'This list', role: 'agent' },
];
