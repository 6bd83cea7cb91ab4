// Coded error → one short, polite sentence. The only place user-facing error wording lives.
import type { ErrorCode, ErrorParams } from '../../domain/errors';
import type { Action } from '../../domain/policy';
import type { Verb } from '../../domain/verbs';
import { KNOWN_EVENT_TYPES } from '../../domain/portal';
import { viewerClock } from './viewer-time';

/** Every policy action and button verb in words: a message never shows an internal id. */
const ACTION_WORDS: Record<Action | Verb, string> = {
  'user.find': 'Looking up users',
  'user.view': 'Viewing a user',
  'user.show': 'Viewing a user',
  'audit.view': 'Viewing audit events',
  'sync.view': 'Viewing sync transactions',
  'enrollment.view': "Viewing a user's security questions",
  'account.unlock': 'Unlocking an account',
  'portal.unlock': 'Unlocking a portal account',
  'pin.sms': 'Sending a helpdesk PIN by SMS',
  'pin.view': 'Showing a helpdesk PIN',
  'password.reset': 'Resetting a password and sending it by SMS',
  'password.reset.view': 'Resetting a password and showing it',
  'verify.send': 'Verifying a caller by SMS code',
  'ticket.escalate': 'Escalating to a ticket',
  'approval.list': 'Listing pending approval requests',
  'lockout.view': 'Looking into a lockout',
  'confirm.accept': 'Confirming an action',
  'confirm.cancel': 'Cancelling an action',
  'request.show': 'Showing the details of a request',
  'secret.hide': 'Hiding a shown password',
  'audit.more': 'Showing more audit events',
  'tap.view': 'Creating and showing a Temporary Access Pass',
  'tap.sms': 'Sending a Temporary Access Pass by SMS',
  'confirm.accept-keep': 'Confirming an action',
  'confirm.override': 'Going over a change limit',
  'approval.approve': 'Approving a request',
  'approval.deny': 'Denying a request',
  'approval.show': 'Showing a request',
  'verify.check': 'Checking a verification code',
  'ticket.escalate.submit': 'Escalating to a ticket',
  'ticket.show': 'Showing an escalation ticket',
  'desk.locked': 'Listing locked accounts',
  'desk.expiring': 'Listing expiring passwords',
  'desk.history': "Showing a user's helpdesk history",
  'expiry.remind': 'Texting a password expiry reminder',
  'locked.more': 'Listing more locked accounts',
  'expiring.more': 'Listing more expiring passwords',
  'history.more': "Showing more of a user's helpdesk history",
};

/**
 * An action id (a policy action, a verb, or an audit name such as "password.reset.view.prompt") in words;
 * the longest known prefix wins. Anything unknown reads "That action", never the id itself.
 */
export function actionInWords(id: string | number | undefined): string {
  const parts = String(id ?? '').split('.');
  for (let n = parts.length; n > 0; n--) {
    const key = parts.slice(0, n).join('.');
    if (Object.prototype.hasOwnProperty.call(ACTION_WORDS, key)) return ACTION_WORDS[key as Action | Verb];
  }
  return 'That action';
}

/** A typed command as the agent typed it ("reset … sms"), or a button verb in words. */
function commandInWords(command: string | number | undefined): string {
  const text = String(command ?? '');
  if (text === '') return 'That command';
  return /^[a-z-]+(\.[a-z-]+)+$/.test(text) ? actionInWords(text) : `"${text}"`;
}

const TEXT: Record<ErrorCode, (p: ErrorParams) => string> = {
  'CMD.UNKNOWN': (p) => `I don't know the command "${p.word ?? ''}". Type "help" to see what I can do.`,
  'CMD.USAGE': (p) => badOption(p) ?? (p.usage ? `Usage: ${p.usage}` : 'That command is malformed. Type "help" to see the usage.'),
  'CMD.NOT_AVAILABLE': (p) => `${commandInWords(p.command)} is not available in this installation yet.`,
  'AUTH.UNKNOWN_IDENTITY': () => "I couldn't match your chat account to a directory user, so I can't help you here. Ask your administrator.",
  'AUTH.NOT_STAFF': () => 'Sorry, this bot is for helpdesk staff only, and you are not in a helpdesk group.',
  'AUTH.FORBIDDEN': (p) => {
    const role = p.role === 'agent' ? 'agent' : 'supervisor';
    return `${actionInWords(p.action)} needs the ${role} role. Ask a ${role} to do it.`;
  },
  'POLICY.PROTECTED_TARGET': (p) => `${p.user ?? 'That account'} is a protected account; it can't be changed through the helpdesk bot.`,
  'POLICY.SELF_ACTION': () => "You can't act on your own account through the helpdesk bot. Ask a colleague.",
  'POLICY.PRIVATE_ONLY': () => 'For safety, a password is only shown in a private chat with the bot. Send me the command there.',
  'POLICY.RATE_LIMITED': (p) => rateLimited(p),
  'ACCOUNT.NOT_LOCKED': (p) => {
    const where = p.where === 'portal' ? ' on the portal' : '';
    return p.meanwhile
      ? `${p.user ?? 'That account'} is no longer locked${where} (someone unlocked it, or the lock ran out), so nothing was changed.`
      : `${p.user ?? 'That account'} is not locked${where} — nothing to unlock.`;
  },
  'DIR.USER_NOT_FOUND': (p) => `No user matches "${p.query ?? ''}".`,
  'DIR.AMBIGUOUS': (p) => `Several users match "${p.query ?? ''}". Use their login (e.g. from "user ${p.query ?? '<name>'}").`,
  'DIR.UNAVAILABLE': () => 'The directory is not reachable right now. Nothing was changed; please try again in a moment.',
  'DIR.BIND_FAILED': () => "The bot can't sign in to the directory (service account). Nothing was changed; tell your administrator.",
  'DIR.TLS': () => "The bot can't trust the directory's certificate. Nothing was changed; tell your administrator.",
  'DIR.INSUFFICIENT_RIGHTS': () => "The bot's directory account is not allowed to do that. Tell your administrator.",
  'DIR.PASSWORD_POLICY': () => 'The directory refused the new password under its password policy. Nothing was changed.',
  'DIR.ERROR': () => 'The directory answered with an error. Nothing was changed; please try again.',
  'CONFIRM.INVALID': () => "That button isn't valid for you. Run the command again.",
  'CONFIRM.USED': () => 'That button has already been used. Run the command again if needed.',
  'CONFIRM.EXPIRED': () => 'That button has expired. Run the command again.',
  'SMS.NO_MOBILE': (p) => `${p.user ?? 'That user'} has no mobile number in the directory, so nothing was sent and nothing was changed.`,
  'SMS.INVALID_NUMBER': (p) => `The SMS provider refused the mobile number of ${p.user ?? 'that user'} (not a valid mobile number). ${p.next ?? 'Nothing was changed.'} Fix the number in the directory.`,
  'SMS.SENDER_REJECTED': (p) => `The SMS provider refused our sender number. ${p.next ?? 'Nothing was changed.'} Tell your administrator (TWILIO_FROM).`,
  'SMS.UNAVAILABLE': (p) => `The SMS provider did not take the message (down or too slow). ${p.next ?? 'Nothing was changed.'} Try again in a moment.`,
  'SMS.REFUSED': (p) => `The SMS provider refused the message${p.providerCode ? ` (code ${p.providerCode})` : ''}. ${p.next ?? 'Nothing was changed.'}`,
  'PIN.LOCKED': (p) => {
    // A short cool-down (caller verification) is named; a day-long one is simply "until".
    const coolDown = Number(p.minutes) > 0 && Number(p.minutes) <= 60 ? ` (a ${p.minutes}-minute cool-down)` : '';
    return `Too many wrong ${p.what ?? 'PINs'} were tried for ${p.user ?? 'that user'} recently, so no new one is issued until ${clockOf(p.until) ?? 'later'}${coolDown}. Escalate it.`;
  },
  'VERIFY.REQUIRED': (p) => `Verify the caller first: run "verify ${p.user ?? '<user>'}" and enter the code they read back.`,
  'VERIFY.NO_CODE': () => 'No verification code is waiting for this user (none was sent, or a newer one replaced it). Send one with "verify <user>".',
  'APPROVAL.OWN_REQUEST': () => "You can't decide your own request: another supervisor has to.",
  'APPROVAL.DECIDED': (p) => `This request was already ${p.status ?? 'decided'} by ${p.by ?? 'a supervisor'} at ${clockOf(p.at) ?? 'an earlier time'}; nothing was changed.`,
  'APPROVAL.EXPIRED': () => 'This request has expired; nothing was changed. The agent can ask again.',
  'AUDIT.UNAVAILABLE': () => "The audit trail can't be written right now, so nothing was done. Please try again shortly.",
  'STORE.UNAVAILABLE': () => "The bot's store is not available right now, so nothing was done. Please try again shortly.",
  'TICKETS.UNAVAILABLE': () => 'The ticket system is not reachable right now. Please try again shortly.',
  'TICKETS.REJECTED': () => 'The ticket system refused the request (its credentials or rights). Tell your administrator.',
  INTERNAL: (p) => `Sorry, something went wrong on my side. Reference: ${p.ref ?? 'unknown'}.`,
};

/** `audit <user> days=… type=…` with an option it does not take: what it takes, with an example. */
function badOption(p: ErrorParams): string | undefined {
  const user = p.user ?? '<user>';
  const value = String(p.value ?? '');
  switch (p.option) {
    case 'days':
      return `"days=${value}" is not a number of days: write days=N with N a whole number from 1 to 3650, for example "audit ${user} days=7".`;
    case 'type':
      return `There is no self-service event type "${value}". The types are ${KNOWN_EVENT_TYPES.join(', ')}; for example "audit ${user} type=sign-in".`;
    case 'unknown':
      return `"${value}" is not an option of audit, which takes days=N and type=T; for example "audit ${user} days=7 type=sign-in".`;
    default:
      return undefined;
  }
}

/** An ISO time parameter as the viewer reads it ("14:41 CET (13:41 UTC)"); anything else → undefined. */
function clockOf(iso: unknown): string | undefined {
  return typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? viewerClock(new Date(iso)) : undefined;
}

/** "You have made 20 account changes in the last hour, the limit; try again after 10:42 UTC or ask a supervisor." */
function rateLimited(p: ErrorParams): string {
  const count = Number(p.count ?? p.limit ?? 0);
  const limit = Number(p.limit ?? count);
  const howMuch = count > limit ? `over the limit of ${limit}` : 'the limit';
  const until = clockOf(p.until) ?? 'a while';
  if (p.scope === 'target' && p.kind === 'secret') {
    return `${count} PINs, passes or codes were issued for ${p.user ?? 'that user'} in the last hour, ${howMuch} for one account; try again after ${until}, or ask a supervisor: they may go over it with a reason.`;
  }
  return p.scope === 'target'
    ? `${p.user ?? "That user"}'s account was changed ${count} times in the last hour, ${howMuch} for one account; try again after ${until}, or ask a supervisor: they may go over it with a reason.`
    : `You have made ${count} account changes in the last hour, ${howMuch}; try again after ${until} or ask a supervisor.`;
}

export function errorText(code: ErrorCode, params: ErrorParams = {}): string {
  return TEXT[code](params);
}

/** When a surface has more work waiting than it will queue: one polite answer, nothing done. */
export const BUSY_TEXT = "I'm busy right now and did nothing with that; please try again in a moment.";
