// Reset a password in the directory, once confirmed. The audit record is written before the directory is
// touched; the password itself goes only to the directory and to the result card of its viewer.
import { generatePassword } from '../../domain/password-policy';
import { issueShownSecret } from '../secrets';
import { loginOfActor, type Target, type UseCaseCall, type ResultView } from '../kernel';
import { targetOf, showUserButton } from '../lookup';

/** Sets `password` (or a generated one) on the target; must change at next logon unless told otherwise. */
export async function resetPassword(
  { env, ctx, actor }: UseCaseCall<'shownSecrets'>,
  target: Target,
  options: { password?: string; mustChange?: boolean; action?: string } = {},
): Promise<ResultView> {
  const user = target.user;
  const mustChange = options.mustChange ?? env.settings.mustChangeAfterReset;
  await env.audit.record(ctx, {
    actor: loginOfActor(actor), role: actor.role, action: options.action ?? 'password.reset', target: user.sAMAccountName,
    outcome: 'requested', detail: mustChange ? 'must change at next logon' : 'no change required',
  });
  const password = options.password ?? generatePassword(env.settings.passwordPolicy);
  // The reference is stored before the directory changes: a password that is set is always hideable.
  const shown = options.password === undefined
    ? await issueShownSecret(env, actor, targetOf(user), 'password', password)
    : undefined;
  await env.directory.setPassword(user.dn, password, { mustChange });
  // A cloud-only account: sessions and refresh tokens signed in with the old password end now.
  const revoked = user.source === 'graph' && env.entra ? await revokeSessions(env, ctx.correlationId, user.dn) : undefined;
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Password reset',
    message: [
      mustChange
        ? `The password of ${user.displayName} was reset. They must choose a new one at next logon.`
        : `The password of ${user.displayName} was reset.`,
      // What the reset did not change, so the agent does not promise the caller a sign-in that will fail.
      ...(user.account.enabled ? [] : ["The account is still disabled: they can't sign in until it is enabled."]),
      ...(user.account.locked ? ['The account is still locked: unlock it as well.'] : []),
      ...(revoked === true ? ['Their sign-in sessions were revoked: every device must sign in again.'] : []),
      ...(revoked === false ? ["Their sign-in sessions could not be revoked; they end when their tokens expire."] : []),
    ].join(' '),
    target: targetOf(user),
    ...(shown ? { secret: shown.secret } : {}),
    actions: [...(shown ? [shown.hide] : []), showUserButton(user)],
  };
}

/** Revokes the Entra sessions after a reset; a failure does not undo the reset, the card says so. */
async function revokeSessions(env: UseCaseCall<never>['env'], correlationId: string, objectId: string): Promise<boolean> {
  try {
    await env.entra?.revokeSessions(objectId);
    return true;
  } catch (err) {
    env.logger.warn({ err: err instanceof Error ? err.message : String(err), correlationId }, 'revoking Entra sessions after a reset failed');
    return false;
  }
}
