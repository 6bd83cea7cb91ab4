// Text messages to a user's registered mobile (the directory's `mobile`): what every SMS use case shares.
// The texts are short, name the organisation (ORG_NAME) and never the agent. A body may carry a secret:
// it goes to the SmsSender only, never to a log, an audit record or a view.
import type { DirectoryEntry } from '../../domain/directory-user';
import { clockTime } from '../../domain/time-text';
import { HelpdeskError, isHelpdeskError } from '../../domain/errors';
import type { SmsReceipt } from '../../ports/sms.port';
import { nameOf, loginOfActor, type IssuedCode, type OneTimeCodes, type UseCaseCall, type ResultView } from '../kernel';
import { showUserButton, targetOf } from '../lookup';

/** "…0199": enough for the agent to confirm the number with the caller, not the whole number. */
export function maskedNumber(mobile: string): string {
  const digits = mobile.replace(/\D/g, '');
  return `…${digits.slice(-4)}`;
}

/** The masked directory mobile a text to this user goes to. */
export function maskedMobileOf(entry: DirectoryEntry): string {
  return maskedNumber(entry.contact.mobile ?? '');
}

/** The agent's answer once a secret went out by SMS: where to (masked), never the secret. */
export function sentBySms(call: UseCaseCall<never>, user: DirectoryEntry, title: string, message: (to: string) => string): ResultView {
  const to = maskedMobileOf(user);
  call.subject.detail = `delivery: sms to ${to}`;
  return { kind: 'result', outcome: 'success', title, message: message(to), target: targetOf(user), actions: [showUserButton(user)] };
}

/** A time in a text message: the phone's reader's zone is not known, so UTC ("13:41 UTC"). */
export function hhmm(at: Date): string {
  return clockTime(at);
}

/** Refuses before anything is issued: SMS not set up here, or no mobile number in the directory. */
export function assertCanText(call: UseCaseCall<never>, entry: DirectoryEntry, command: string): string {
  if (!call.env.sms) throw new HelpdeskError('CMD.NOT_AVAILABLE', undefined, { command });
  const mobile = entry.contact.mobile?.trim();
  if (!mobile || mobile.replace(/\D/g, '').length < 6) {
    call.subject.detail = 'no mobile number in the directory';
    throw new HelpdeskError('SMS.NO_MOBILE', undefined, { user: nameOf(entry) });
  }
  return mobile;
}

/** Sends; an SMS.* failure is rethrown with `next`, what the agent should know about the state left behind. */
export async function textUser(call: UseCaseCall<never>, entry: DirectoryEntry, body: string, next: string): Promise<SmsReceipt> {
  const mobile = assertCanText(call, entry, 'SMS');
  try {
    return await (call.env.sms as NonNullable<typeof call.env.sms>).send({ to: mobile, body });
  } catch (err) {
    const code = isHelpdeskError(err) && err.code.startsWith('SMS.') ? err.code : 'SMS.UNAVAILABLE';
    throw new HelpdeskError(code, 'SMS not sent', { ...(isHelpdeskError(err) ? err.params : {}), user: nameOf(entry), next }, { cause: err });
  }
}

/**
 * Issues a one-time code (a helpdesk PIN, a caller's verification code) and texts it to the user. A code
 * whose text failed is withdrawn: no code is valid that nobody received.
 */
export async function textOneTimeCode(
  call: UseCaseCall<never>, codes: OneTimeCodes, user: DirectoryEntry, noun: 'PIN' | 'code', body: (code: string) => string,
): Promise<IssuedCode> {
  const issued = await codes.issue(user.sAMAccountName, loginOfActor(call.actor));
  try {
    await textUser(call, user, body(issued.code), `No ${noun} is valid: the one generated was withdrawn.`);
  } catch (err) {
    await codes.revoke(user.sAMAccountName, issued.code);
    call.subject.detail = `delivery: sms failed; ${noun} withdrawn`;
    throw err;
  }
  return issued;
}

/**
 * The notice after a helpdesk reset or PIN: no secret, only what happened and whom to call. A failed
 * notice does not undo the action; it is audited and logged (without the text).
 */
export async function notifyUser(call: UseCaseCall<never>, entry: DirectoryEntry, what: 'reset your password' | 'issued you a helpdesk PIN' | 'issued you a Temporary Access Pass'): Promise<'sent' | 'failed' | 'skipped'> {
  const { env, ctx, actor } = call;
  const mobile = entry.contact.mobile?.trim();
  if (!env.sms || !mobile) return 'skipped';
  // The organisation is the sentence's subject, named once ("The IT helpdesk reset your password at …").
  const org = env.settings.orgName;
  const contact = env.settings.notifyContact ? `call ${env.settings.notifyContact}` : `call ${org}`;
  const body = `${org.charAt(0).toUpperCase()}${org.slice(1)} ${what} at ${hhmm(env.clock.now())}. If you did not ask for this, ${contact} now.`;
  try {
    await env.sms.send({ to: mobile, body });
    return 'sent';
  } catch (err) {
    env.logger.warn({ correlationId: ctx.correlationId, code: isHelpdeskError(err) ? err.code : 'unknown' }, 'notice SMS not sent');
    await env.audit.record(ctx, {
      actor: actor.user.sAMAccountName.toLowerCase(), role: actor.role, action: 'notice.sms', target: entry.sAMAccountName, outcome: 'failure',
      code: isHelpdeskError(err) ? err.code : 'SMS.UNAVAILABLE', detail: `notice after the helpdesk ${what === 'reset your password' ? 'reset' : what === 'issued you a helpdesk PIN' ? 'PIN' : 'Temporary Access Pass'} not delivered`,
    });
    return 'failed';
  }
}
