// `unlock-portal <user>` and the details card's button: the same confirm step as the AD unlock, then the
// portal lock and its failed-attempt count are cleared and a `helpdesk-unlock` portal event says who did
// it. The audit record is written first: if it cannot be, nothing changes.
import { portalUserKey } from '../domain/portal';
import { VERBS } from '../domain/verbs';
import { promptConfirmation } from './prompt-confirmation';
import { commandRoute, pressRoute } from './route';
import type { Target } from './target-resolver';
import { loginOfActor, type UseCaseCall } from './use-case';
import type { ResultView } from './views';
import { targetOf, showUserButton } from './user-details';

export async function unlockPortal({ env, ctx, actor, subject }: UseCaseCall, target: Target): Promise<ResultView> {
  const user = target.user;
  const key = portalUserKey(user.sAMAccountName);
  const by = loginOfActor(actor);
  const who = targetOf(user);
  const show = [showUserButton(user)];
  await env.audit.record(ctx, { actor: by, role: actor.role, action: 'portal.unlock', target: user.sAMAccountName, outcome: 'requested' });
  const now = env.clock.now();
  const unlocked = await env.store.portalAccounts.unlock(key, now);
  if (!unlocked) {
    subject.detail = 'no portal account';
    return { kind: 'result', outcome: 'failure', title: 'Nothing to unlock', message: `${user.displayName} has no self-service portal account yet.`, target: who, actions: show };
  }
  await env.store.portalEvents.append([
    { user: key, type: 'helpdesk-unlock', outcome: 'success', at: now, detail: `by ${by}`, category: 'self-service', unknownUser: false },
  ]);
  subject.detail = unlocked.wasLocked ? 'portal lock cleared' : 'was not locked; failed attempts cleared';
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Portal account unlocked',
    message: unlocked.wasLocked
      ? `${user.displayName} (${user.sAMAccountName}) can use the self-service portal again.`
      : `${user.displayName} (${user.sAMAccountName}) was not locked out of the portal; the failed attempts were cleared.`,
    target: who,
    actions: show,
  };
}

export const unlockPortalRoutes = [
  commandRoute('unlock-portal', {
    action: 'portal.unlock',
    audit: 'portal.unlock.prompt',
    target: (c) => c.user,
    run: (call, c) => promptConfirmation(call, 'portal.unlock', c.user),
  }),
  pressRoute(VERBS.portalUnlock, {
    action: 'portal.unlock',
    audit: 'portal.unlock.prompt',
    run: (call, data) => promptConfirmation(call, 'portal.unlock', data.user ?? ''),
  }),
];
