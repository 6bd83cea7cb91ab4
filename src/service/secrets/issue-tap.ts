// A Temporary Access Pass (Entra ID), the cloud equivalent of the helpdesk PIN, under the same rules: created
// through Graph once confirmed, with the configured lifetime and one-time use, and delivered like a PIN —
// "sms" texts it to the mobile the directory has (the agent never sees it; a pass that could not be sent is
// deleted again through Graph), "view" (a supervisor, or an agent whose approval request a supervisor
// approved) shows it once to its viewer, with the Hide button and auto-hide of every shown secret. The pass
// itself goes only to the SMS or that card: never to a log, the audit trail or the store.
import type { EntraAccount, TemporaryAccessPass } from '../../domain/entra-account';
import { HelpdeskError } from '../../domain/errors';
import { dateTime } from '../../domain/time-text';
import type { Actor } from '../../domain/roles';
import { nameOf, loginOfActor, type Target, type UseCaseCall, type ResultView } from '../kernel';
import { issueShownSecret } from './hide-secret';
import { notifyUser, sentBySms, textUser } from './sms-delivery';
import { targetOf, showUserButton } from '../lookup';

type Entra = NonNullable<UseCaseCall<never>['env']['entra']>;

/** The Entra account the pass is for; its own directory roles protect it even where the directory's groups did not show them. */
async function linkedAccountOf(call: UseCaseCall<never>, target: Target): Promise<{ entra: Entra; account: EntraAccount }> {
  const entra = call.env.entra;
  if (!entra) throw new HelpdeskError('CMD.NOT_AVAILABLE', undefined, { command: 'tap' });
  const user = target.user;
  const account = await entra.linkedAccount(user);
  if (!account) throw new HelpdeskError('DIR.USER_NOT_FOUND', 'no Entra account is linked to this user', { query: user.sAMAccountName });
  if (account.directoryRoles.length > 0) throw new HelpdeskError('POLICY.PROTECTED_TARGET', undefined, { user: user.sAMAccountName });
  return { entra, account };
}

/** When the pass stops working; `zone` for the agent reading it (an SMS has none: UTC). */
function untilText(tap: TemporaryAccessPass, zone?: string): string {
  const until = new Date(tap.startsAt.getTime() + tap.lifetimeMinutes * 60_000);
  return `${dateTime(until, zone)}${tap.oneTime ? ', once' : ''}`;
}

export async function issueTapBySms(call: UseCaseCall<never>, target: Target): Promise<ResultView> {
  const { env, ctx, actor, subject } = call;
  const user = target.user;
  const { entra, account } = await linkedAccountOf(call, target);
  const { lifetimeMinutes, oneTime } = env.settings.tap;
  await env.audit.record(ctx, {
    actor: loginOfActor(actor), role: actor.role, action: 'tap.sms', target: user.sAMAccountName, outcome: 'requested',
    detail: `delivery: sms; ${lifetimeMinutes} minutes, ${oneTime ? 'one-time' : 'reusable'}`,
  });
  const tap = await entra.createTemporaryAccessPass(account.id, { lifetimeMinutes, oneTime });
  const body = `${env.settings.orgName}: your Temporary Access Pass is ${tap.value}. Sign in to your work account with it until ${untilText(tap)}. Never share it.`;
  try {
    await textUser(call, user, body, 'No Temporary Access Pass is valid: the one created was deleted.');
  } catch (err) {
    // The pass must not outlive a failed delivery: delete it, and say so if even that fails.
    const deleted = await entra.deleteTemporaryAccessPass(account.id, tap.id).then(() => true, () => false);
    subject.detail = `delivery: sms failed; pass ${deleted ? 'deleted' : 'NOT deleted'}`;
    if (!deleted) {
      env.logger.error({ correlationId: ctx.correlationId, target: user.sAMAccountName }, 'undelivered Temporary Access Pass could not be deleted');
      throw new HelpdeskError('SMS.UNAVAILABLE', 'SMS not sent; pass not deleted', {
        user: nameOf(user), next: 'The pass created could not be deleted: remove it in the Entra admin center (Authentication methods) now.',
      }, { cause: err });
    }
    throw err;
  }
  return sentBySms(call, user, 'Temporary Access Pass sent', (to) =>
    `A new Temporary Access Pass was sent by SMS to the mobile of ${nameOf(user)} (${to}). It works until ${untilText(tap, ctx.timeZone)}; any earlier pass no longer works.`);
}

/** Creates a pass and shows it to `viewer` only (a supervisor's `tap view`, or an approved request). */
export async function issueTapToView(call: UseCaseCall<'shownSecrets'>, target: Target, viewer: Actor, via: string): Promise<ResultView> {
  const { env, ctx, actor, subject } = call;
  const user = target.user;
  const { entra, account } = await linkedAccountOf(call, target);
  const { lifetimeMinutes, oneTime } = env.settings.tap;
  await env.audit.record(ctx, {
    actor: loginOfActor(actor), role: actor.role, action: 'tap.view', target: user.sAMAccountName, outcome: 'requested',
    detail: `delivery: shown to ${loginOfActor(viewer)}${via ? `, ${via}` : ''}; ${lifetimeMinutes} minutes, ${oneTime ? 'one-time' : 'reusable'}`,
  });
  const tap = await entra.createTemporaryAccessPass(account.id, { lifetimeMinutes, oneTime });
  const shown = await issueShownSecret(env, viewer, targetOf(user), 'tap', tap.value);
  const notice = env.settings.notifyAfterPin ? await notifyUser(call, user, 'issued you a Temporary Access Pass') : 'skipped';
  subject.detail = `delivery: shown to ${loginOfActor(viewer)}${notice === 'skipped' ? '' : `; notice ${notice}`}`;
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Temporary Access Pass created',
    message:
      `${nameOf(user)} can sign in to Entra ID with this pass until ${untilText(tap, ctx.timeZone)}, and register a sign-in method. ` +
      'Read it to them only after you verified who they are.',
    target: targetOf(user),
    secret: shown.secret,
    actions: [shown.hide, showUserButton(user)],
  };
}
