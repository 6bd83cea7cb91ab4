// Caller verification: `verify <user>` and the details card's "Verify caller" button send a one-time code
// (6 digits, 10 minutes, single use, 3 tries; OneTimeCodes with callerCodePolicy) to the user's mobile in
// the directory. The caller reads it back, the agent types it into the card (verify.check); the details
// card then says "caller verified by code at T" for VERIFY_VALID_MINUTES (caller-verification.ts). The
// code goes to the SmsSender only: no view, log line, audit record, portal event or ticket holds it.
import { HelpdeskError } from '../../domain/errors';
import { portalUserKey } from '../../domain/portal';
import { VERBS } from '../../domain/verbs';
import {
  nameOf,
  withinChangeLimits,
  commandRoute,
  pressRoute,
  findOne,
  withProtections,
  loginOfActor,
  type UseCaseCall,
  type VerifyFormView,
  type View,
} from '../kernel';
import { showUser } from '../lookup';
import { clockTime } from '../../domain/time-text';
import { assertCanText, hhmm, maskedMobileOf, textOneTimeCode } from './sms-delivery';
import { ticketFollowUp } from '../tickets';

async function portalEvent(call: UseCaseCall<'portalEvents'>, login: string, outcome: 'success' | 'failure', detail: string): Promise<void> {
  await call.env.store.portalEvents.append([{
    user: portalUserKey(login), type: 'helpdesk-verify', outcome, at: call.env.clock.now(),
    detail, category: 'self-service', unknownUser: false,
  }]);
}

async function targetOf(call: UseCaseCall<never>, login: string) {
  const entry = await findOne(call.env.directory, login);
  call.subject.target = entry.sAMAccountName;
  const target = await withProtections(call.env.directory, entry, call.actor, call.env.settings.protection);
  // Verifying oneself proves nothing to anyone.
  if (target.self) throw new HelpdeskError('POLICY.SELF_ACTION');
  return target;
}

/** The card that asks for the code; `state` says which buttons it offers. */
function form(user: { sAMAccountName: string; displayName: string }, to: string, note: string, state: VerifyFormView['state'], expiresAt?: Date): VerifyFormView {
  const data = { user: user.sAMAccountName };
  const check = { verb: VERBS.verifyCheck, label: 'Check code', data, style: 'positive' as const };
  const resend = { verb: VERBS.verifySend, label: state === 'ask' ? 'Send code' : 'Send a new code', data };
  return {
    kind: 'verify-form',
    target: { login: user.sAMAccountName, displayName: user.displayName },
    sentTo: to,
    ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
    note,
    state,
    actions: state === 'over' || state === 'ask' ? [resend] : [check, resend],
  };
}

export async function sendCallerCode(call: UseCaseCall<'accountChanges' | 'portalEvents'>, login: string): Promise<VerifyFormView> {
  const { env, subject } = call;
  const { user } = await targetOf(call, login);
  assertCanText(call, user, 'verify');
  const minutes = Math.round(env.callerCodes.policy.ttlMs / 60_000);
  // A code is an issued secret: it counts against the per-account limit of PINs, passes and codes.
  const issued = await withinChangeLimits(call, 'verify.send', user.sAMAccountName, () =>
    textOneTimeCode(call, env.callerCodes, user, 'code', (code) =>
      `${env.settings.orgName}: your verification code is ${code}. Read it to the helpdesk agent on the phone; it expires in ${minutes} minutes.`));
  const to = maskedMobileOf(user);
  subject.detail = `delivery: sms to ${to}`;
  await portalEvent(call, user.sAMAccountName, 'success', `by ${loginOfActor(call.actor)}: a code sent by SMS to ${to}`);
  return form(user, to,
    `A code was sent by SMS to the mobile of ${nameOf(user)} (${to}). Ask the caller to read it to you and type it here. It works once, until ${clockTime(issued.expiresAt, call.ctx.timeZone)}; ${issued.triesLeft} tries.`, 'sent', issued.expiresAt);
}

/**
 * The typed `verify <user>`. In a shared conversation the typed command re-runs for every "Show details"
 * and every refresh of the asker's view (shared-request.ts): there it only offers the Send code button, so
 * that a press, not a refresh, sends a code.
 */
async function verifyCommand(call: UseCaseCall<'accountChanges' | 'portalEvents'>, login: string): Promise<VerifyFormView> {
  if (call.ctx.conversation === 'personal') return sendCallerCode(call, login);
  const { user } = await targetOf(call, login);
  assertCanText(call, user, 'verify');
  const to = maskedMobileOf(user);
  call.subject.detail = 'code offered, not sent (shared conversation)';
  return form(user, to, `Send a one-time code by SMS to the mobile of ${nameOf(user)} (${to})? The caller reads it back to you.`, 'ask');
}

export async function checkCallerCode(call: UseCaseCall, login: string, typed: string): Promise<View> {
  const { env, subject } = call;
  const { user } = await targetOf(call, login);
  const code = typed.replace(/[\s-]/g, '');
  if (!/^\d{6,12}$/.test(code)) {
    // Not a code at all: nothing is spent, one polite answer.
    throw new HelpdeskError('CMD.USAGE', undefined, { usage: 'type the 6-digit code the caller reads to you' });
  }
  const verdict = await env.callerCodes.check(user.sAMAccountName, code);
  const by = loginOfActor(call.actor);
  if (verdict.valid) {
    subject.detail = 'caller verified by code';
    await portalEvent(call, user.sAMAccountName, 'success', `by ${by}: the caller read back the right code`);
    await ticketFollowUp(call, user, { action: 'verify.send' });
    return showUser(call, user.sAMAccountName);
  }
  subject.detail = `code refused: ${verdict.reason}`;
  await portalEvent(call, user.sAMAccountName, 'failure', `by ${by}: the code was refused (${verdict.reason})`);
  const to = maskedMobileOf(user);
  switch (verdict.reason) {
    case 'invalid':
      return form(user, to, 'That is not the code that was sent. Ask the caller to read it again; after 3 wrong codes it stops working.', 'wrong');
    case 'spent':
    case 'locked':
      await ticketFollowUp(call, user, { action: 'verify.send', words: 'could not verify the caller (three wrong codes)' });
      return form(user, to, 'Three wrong codes: the caller is NOT verified and this code no longer works. Treat the call with suspicion; escalate it if in doubt. ' +
        `A new code can be sent after ${hhmm(env.callerCodes.coolDownEndsAt())} (a ${Math.round(env.callerCodes.policy.failuresCarryMs / 60_000)}-minute cool-down).`, 'over');
    case 'expired':
      return form(user, to, 'The code expired before it was entered: the caller is not verified. Send a new code.', 'over');
    case 'used':
      return form(user, to, 'This code was already used. Send a new code to verify the caller again.', 'over');
  }
}

export const verifyCallerRoutes = [
  commandRoute('verify', { action: 'verify.send', target: (c) => c.user, run: (call, c) => verifyCommand(call, c.user) }),
  pressRoute(VERBS.verifySend, { action: 'verify.send', run: (call, data) => sendCallerCode(call, data.user ?? '') }),
  pressRoute(VERBS.verifyCheck, { action: 'verify.send', audit: 'verify.check', run: (call, data) => checkCallerCode(call, data.user ?? '', data.code ?? '') }),
];
