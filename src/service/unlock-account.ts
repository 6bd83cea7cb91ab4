// Unlock the AD account (lockoutTime = 0), once confirmed. The audit record is written before the
// directory is touched: if it cannot be written, nothing happens.
import type { Target } from './target-resolver';
import { loginOfActor, type UseCaseCall } from './use-case';
import type { ResultView } from './views';
import { VERBS } from '../domain/verbs';

export async function unlockAccount({ env, ctx, actor }: UseCaseCall, target: Target): Promise<ResultView> {
  const user = target.user;
  await env.audit.record(ctx, {
    actor: loginOfActor(actor), role: actor.role, action: 'account.unlock', target: user.sAMAccountName, outcome: 'requested',
  });
  await env.directory.unlock(user.dn);
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Account unlocked',
    message: `${user.displayName} (${user.sAMAccountName}) can sign in again.`,
    target: { login: user.sAMAccountName, displayName: user.displayName },
    actions: [{ verb: VERBS.userShow, label: 'Show user', data: { user: user.sAMAccountName } }],
  };
}
