// The follow-up hook: after any completed account-changing action on a user with an open (or pending)
// escalation ticket, a comment on that ticket says what the helpdesk did, who did it, from where, and how
// anything was delivered — never the secret itself (callers pass words, not values). confirm-action.ts
// calls it after every accepted action; other actions (caller verification) call it themselves.
import { nameOf, utc, type UseCaseCall } from '../kernel';
import { escalatedBy } from './ticket-text';

export interface CompletedAction {
  /** The policy action ('account.unlock', 'pin.sms', …). */
  readonly action: string;
  /** What was done, in words; defaults to the action's words below. */
  readonly words?: string;
  /** How anything was delivered: 'sms', 'shown to the agent once', … (never the value). */
  readonly channel?: string;
}

const WORDS: Readonly<Record<string, string>> = {
  'account.unlock': 'unlocked the Active Directory account',
  'portal.unlock': 'unlocked the self-service portal account',
  'password.reset': 'reset the password',
  'password.reset.view': 'reset the password (must change at next logon)',
  'pin.sms': 'assigned a helpdesk PIN',
  'pin.view': 'assigned a helpdesk PIN',
  'tap.sms': 'created a Temporary Access Pass',
  'tap.view': 'created a Temporary Access Pass',
  'verify.send': 'verified the caller with a one-time code',
};

const CHANNELS: Readonly<Record<string, string>> = {
  'password.reset': 'sent to the user by SMS',
  'password.reset.view': 'shown once to the agent',
  'pin.sms': 'sent to the user by SMS',
  'pin.view': 'shown once to the agent',
  'tap.sms': 'sent to the user by SMS',
  'tap.view': 'shown once to the agent',
  'verify.send': 'sent by SMS to the registered mobile',
};

export function followUpText(call: UseCaseCall<never>, user: { sAMAccountName: string; displayName: string }, done: CompletedAction): string {
  const words = done.words ?? WORDS[done.action] ?? `did ${done.action}`;
  const channel = done.channel ?? CHANNELS[done.action];
  return `${utc(call.env.clock.now())}: ${escalatedBy(call.actor, call.ctx)} ${words} of ${nameOf(user)}${channel ? `; delivery: ${channel}` : ''}. (No secret is written into tickets.)`;
}

/** Never throws and never delays the action's answer: the comment is stored and posted in the background. */
export async function ticketFollowUp(call: UseCaseCall<never>, user: { sAMAccountName: string; displayName: string }, done: CompletedAction): Promise<void> {
  const tickets = call.env.tickets;
  if (!tickets) return;
  await tickets.followUp(user.sAMAccountName, followUpText(call, user, done));
}
