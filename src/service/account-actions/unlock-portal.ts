// `unlock-portal <user>` and the details card's button: the same confirm step as the AD unlock (a portal
// account that is not locked is answered at once, with no confirm step), then the portal lock and its
// failed-attempt count are cleared and a `helpdesk-unlock` portal event says who did it. The audit record
// is written first: if it cannot be, nothing changes. An account no longer locked by then changes nothing
// (and so does not count against the change limits).
import { HelpdeskError } from '../../domain/errors';
import { portalUserKey } from '../../domain/portal';
import { nameOf, commandRoute, pressRoute, loginOfActor, type Target, type UseCaseCall, type ResultView } from '../kernel';
import { VERBS } from '../../domain/verbs';
import { promptConfirmation } from './prompt-confirmation';
import { targetOf, showUserButton } from '../lookup';

export async function unlockPortal({ env, ctx, actor, subject }: UseCaseCall<'portalAccounts' | 'portalEvents'>, target: Target): Promise<ResultView> {
  const user = target.user;
  const key = portalUserKey(user.sAMAccountName);
  const by = loginOfActor(actor);
  const who = targetOf(user);
  const show = [showUserButton(user)];
  const notLocked = () => new HelpdeskError('ACCOUNT.NOT_LOCKED', undefined, { user: nameOf(user), where: 'portal', meanwhile: 'yes' });
  if (!(await env.store.portalAccounts.get(key))?.locked) throw notLocked();
  await env.audit.record(ctx, { actor: by, role: actor.role, action: 'portal.unlock', target: user.sAMAccountName, outcome: 'requested' });
  const now = env.clock.now();
  const unlocked = await env.store.portalAccounts.unlock(key, now);
  // A colleague's unlock won the race: the audit says requested, the answer says nothing was changed.
  if (!unlocked?.wasLocked) throw notLocked();
  await env.store.portalEvents.append([
    { user: key, type: 'helpdesk-unlock', outcome: 'success', at: now, detail: `by ${by}`, category: 'self-service', unknownUser: false },
  ]);
  subject.detail = 'portal lock cleared';
  return {
    kind: 'result',
    outcome: 'success',
    title: 'Portal account unlocked',
    message: `${user.displayName} (${user.sAMAccountName}) can use the self-service portal again.`,
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
