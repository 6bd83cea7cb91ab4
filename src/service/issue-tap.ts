// A Temporary Access Pass (Entra ID), the cloud equivalent of the helpdesk PIN: created through Graph once
// confirmed, with the configured lifetime and one-time use, and shown once to the supervisor who asked, in
// a private conversation, with the same Hide button and two-minute auto-hide as a password
// (hide-secret.ts). The pass itself goes only to that card: never to a log, the audit trail or the store.
import { HelpdeskError } from '../domain/errors';
import { VERBS } from '../domain/verbs';
import { nameOf } from './account-actions';
import { issueShownSecret } from './hide-secret';
import type { Target } from './target-resolver';
import { loginOfActor, type UseCaseCall } from './use-case';
import type { ResultView } from './views';

export const TAP_LABEL = 'Temporary Access Pass (shown once)';

export async function issueTemporaryAccessPass({ env, ctx, actor }: UseCaseCall, target: Target): Promise<ResultView> {
  const entra = env.entra;
  if (!entra) throw new HelpdeskError('CMD.NOT_AVAILABLE', undefined, { command: 'tap' });
  const user = target.user;
  const account = await entra.linkedAccount(user);
  if (!account) throw new HelpdeskError('DIR.USER_NOT_FOUND', 'no Entra account is linked to this user', { query: user.sAMAccountName });
  // The Entra account's own roles protect it even where the directory's groups did not show them.
  if (account.directoryRoles.length > 0) throw new HelpdeskError('POLICY.PROTECTED_TARGET', undefined, { user: user.sAMAccountName });
  const { lifetimeMinutes, oneTime } = env.settings.tap;
  await env.audit.record(ctx, {
    actor: loginOfActor(actor), role: actor.role, action: 'tap.view', target: user.sAMAccountName, outcome: 'requested',
    detail: `${lifetimeMinutes} minutes, ${oneTime ? 'one-time' : 'reusable'}`,
  });
  const tap = await entra.createTemporaryAccessPass(account.id, { lifetimeMinutes, oneTime });
  const shown = await issueShownSecret(env, actor, { login: user.sAMAccountName, displayName: user.displayName }, TAP_LABEL, tap.value);
  const until = new Date(tap.startsAt.getTime() + tap.lifetimeMinutes * 60_000);
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Temporary Access Pass created',
    message:
      `${nameOf(user)} can sign in to Entra ID with this pass until ${until.toISOString().slice(0, 16).replace('T', ' ')} UTC` +
      `${tap.oneTime ? ', once' : ''}, and register a sign-in method. Read it to them only after you verified who they are.`,
    target: { login: user.sAMAccountName, displayName: user.displayName },
    secret: shown.secret,
    actions: [shown.hide, { verb: VERBS.userShow, label: 'Show user', data: { user: user.sAMAccountName } }],
  };
}
