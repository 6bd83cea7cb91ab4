// Unlock the AD account (lockoutTime = 0), once confirmed. The lock is checked again first: an account
// unlocked meanwhile (by a colleague, or its lock ran out) is answered so, and nothing is written. The
// audit record is written before the directory is touched: if it cannot be written, nothing happens.
import { HelpdeskError } from '../../domain/errors';
import { nameOf, loginOfActor, type Target, type UseCaseCall, type ResultView } from '../kernel';
import { targetOf, showUserButton } from '../lookup';

export async function unlockAccount({ env, ctx, actor }: UseCaseCall<never>, target: Target): Promise<ResultView> {
  const user = target.user;
  if (!user.account.locked) throw new HelpdeskError('ACCOUNT.NOT_LOCKED', undefined, { user: nameOf(user), meanwhile: 'yes' });
  await env.audit.record(ctx, {
    actor: loginOfActor(actor), role: actor.role, action: 'account.unlock', target: user.sAMAccountName, outcome: 'requested',
  });
  await env.directory.unlock(user.dn);
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Account unlocked',
    // Never claim more than the unlock did: a disabled account still cannot sign in.
    message: user.account.enabled
      ? `${nameOf(user)} can sign in again.`
      : `${nameOf(user)} is unlocked, but the account is disabled: they can't sign in until it is enabled.`,
    target: targetOf(user),
    actions: [showUserButton(user)],
  };
}
