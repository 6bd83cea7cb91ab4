// A confirmed reset, by how the password is delivered. `reset <user> sms`: a generated password is set in
// the directory and sent to the user's mobile; the agent never sees it. The directory is changed first (a
// password the DC refuses is reported as such and nothing is sent); if the SMS then fails, the password is
// already set, and the agent is told so plainly with what to do next. `reset … view`: shown to its viewer
// (reset-password.ts), then the user's mobile gets a notice without the password (NOTIFY_AFTER_RESET).
// Both file the portal's reset event.
import { isHelpdeskError } from '../../domain/errors';
import { generatePassword } from '../../domain/password-policy';
import { portalUserKey } from '../../domain/portal';
import { nameOf, loginOfActor, type Target, type UseCaseCall, type ResultView } from '../kernel';
import { resetPassword } from './reset-password';
import { assertCanText, maskedMobileOf, notifyUser, textUser } from '../secrets';
import { targetOf, showUserButton } from '../lookup';

async function resetEvent(call: UseCaseCall<'portalEvents'>, login: string, outcome: 'success' | 'failure', detail: string): Promise<void> {
  await call.env.store.portalEvents.append([{
    user: portalUserKey(login), type: 'helpdesk-password-reset', outcome, at: call.env.clock.now(), detail, category: 'self-service', unknownUser: false,
  }]);
}

export async function resetPasswordBySms(call: UseCaseCall<'portalEvents'>, target: Target, mustChange: boolean): Promise<ResultView> {
  const { env, ctx, actor, subject } = call;
  const user = target.user;
  const by = loginOfActor(actor);
  const who = targetOf(user);
  const show = [showUserButton(user)];
  await env.audit.record(ctx, {
    actor: by, role: actor.role, action: 'password.reset', target: user.sAMAccountName, outcome: 'requested',
    detail: `delivery: sms; ${mustChange ? 'must change at next logon' : 'no change required'}`,
  });
  assertCanText(call, user, 'reset … sms'); // before the directory changes
  const password = generatePassword(env.settings.passwordPolicy);
  await env.directory.setPassword(user.dn, password, { mustChange });
  const body = `${env.settings.orgName}: your password was reset. Your new password is ${password}${mustChange ? ' - you must change it when you sign in' : ''}.`;
  const to = maskedMobileOf(user);
  try {
    await textUser(call, user, body, '');
  } catch (err) {
    const code = isHelpdeskError(err) ? err.code : 'SMS.UNAVAILABLE';
    // The directory already has the new password; only the SMS failed. Say exactly that.
    await env.audit.record(ctx, {
      actor: by, role: actor.role, action: 'password.reset', target: user.sAMAccountName, outcome: 'failure', code,
      detail: 'password set in the directory; SMS not delivered',
    });
    await resetEvent(call, user.sAMAccountName, 'failure', `by ${by}: password set, SMS not delivered`);
    subject.detail = 'password set; SMS not delivered';
    const why = smsWhy(code);
    return {
      kind: 'result',
      outcome: 'failure',
      title: 'Password reset, but the SMS was not sent',
      message: `The password of ${nameOf(user)} was changed in the directory, but the SMS to ${to} failed (${why}), so they do not know the new password and their old one no longer works. Next: fix the cause and run "reset ${user.sAMAccountName} sms" again, or ask a supervisor for "reset ${user.sAMAccountName} view".`,
      target: who,
      actions: show,
    };
  }
  await resetEvent(call, user.sAMAccountName, 'success', `by ${by}, sent by SMS`);
  subject.detail = `delivery: sms to ${to}`;
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Password reset by SMS',
    message: [
      `The password of ${nameOf(user)} was reset and sent by SMS to their mobile (${to}).`,
      mustChange ? 'They must choose a new one at next logon.' : 'They need not change it at next logon.',
      ...(user.account.enabled ? [] : ["The account is still disabled: they can't sign in until it is enabled."]),
      ...(user.account.locked ? ['The account is still locked: unlock it as well.'] : []),
    ].join(' '),
    target: who,
    actions: show,
  };
}

function smsWhy(code: string): string {
  switch (code) {
    case 'SMS.INVALID_NUMBER':
      return 'the provider refused the mobile number';
    case 'SMS.SENDER_REJECTED':
      return 'the provider refused our sender number';
    case 'SMS.UNAVAILABLE':
      return 'the provider was down or too slow';
    default:
      return 'the provider refused the message';
  }
}

/** `reset … view` as before, then the portal event and the notice to the user's mobile. */
export async function resetPasswordAndShow(call: UseCaseCall<'portalEvents' | 'shownSecrets'>, target: Target, mustChange: boolean): Promise<ResultView> {
  const view = await resetPassword(call, target, { action: 'password.reset.view', mustChange });
  const by = loginOfActor(call.actor);
  await resetEvent(call, target.user.sAMAccountName, 'success', `by ${by}, shown to the agent`);
  if (call.env.settings.notifyAfterReset) {
    const notice = await notifyUser(call, target.user, 'reset your password');
    call.subject.detail = `delivery: shown to ${by}; notice ${notice}`;
  }
  return view;
}
