// The confirm card's two buttons. Accept: the token → the action it was issued for, re-checked now
// (role, protection, self, private view), then performed. Cancel: the token is burnt, nothing changes.
import { HelpdeskError } from '../domain/errors';
import { requiredRole } from '../domain/policy';
import { VERBS } from '../domain/verbs';
import { ACCOUNT_ACTIONS, isAccountAction } from './account-actions';
import { assertRole } from './assert-role';
import { withinChangeLimits } from './change-limits';
import { ticketFollowUp } from './ticket-follow-up';
import { resetPassword } from './reset-password';
import { pressRoute } from './route';
import { assertMayChange, findOne, withProtections } from './target-resolver';
import { unlockAccount } from './unlock-account';
import { unlockPortal } from './unlock-portal';
import { loginOfActor, type UseCaseCall } from './use-case';
import type { View } from './views';

async function accept(call: UseCaseCall, token: string): Promise<View> {
  const { env, actor, subject } = call;
  const confirmation = await env.confirmations.consume(loginOfActor(actor), token);
  subject.action = confirmation.action;
  subject.target = confirmation.target;
  assertRole(actor, requiredRole(confirmation.action), confirmation.action);
  if (!isAccountAction(confirmation.action)) throw new HelpdeskError('CONFIRM.INVALID');
  const entry = await findOne(env.directory, confirmation.target);
  const target = await withProtections(env.directory, entry, actor, env.settings.protection);
  assertMayChange(target);
  const action = confirmation.action;
  if (ACCOUNT_ACTIONS[action].requiresPrivateView && call.ctx.conversation !== 'personal') throw new HelpdeskError('POLICY.PRIVATE_ONLY');
  const view = await withinChangeLimits(call, action, target.user.sAMAccountName, () => {
    if (action === 'account.unlock') return unlockAccount(call, target);
    if (action === 'portal.unlock') return unlockPortal(call, target);
    return resetPassword(call, target, { action: 'password.reset.view' });
  });
  // A completed change is noted on the user's open escalation ticket, if any (words only, never a secret).
  if (view.kind === 'result' && view.outcome === 'success') await ticketFollowUp(call, target.user, { action });
  return view;
}

async function cancel({ env, actor, subject }: UseCaseCall, token: string): Promise<View> {
  const confirmation = await env.confirmations.consume(loginOfActor(actor), token);
  subject.target = confirmation.target;
  subject.detail = `cancelled ${confirmation.action}`;
  // The card's outcome label already says "Cancelled": the title names what was cancelled.
  const title = isAccountAction(confirmation.action) ? ACCOUNT_ACTIONS[confirmation.action].title : 'The action';
  return {
    kind: 'result',
    outcome: 'cancelled',
    title,
    message: 'Nothing was changed.',
    target: { login: confirmation.target, displayName: confirmation.target },
    actions: [{ verb: VERBS.userShow, label: 'Show user', data: { user: confirmation.target } }],
  };
}

export const confirmRoutes = [
  pressRoute(VERBS.confirmAccept, {
    action: { needs: 'agent' },
    audit: 'confirm.accept',
    target: () => undefined,
    run: (call, data) => accept(call, data.token ?? ''),
  }),
  pressRoute(VERBS.confirmCancel, {
    action: { needs: 'agent' },
    audit: 'confirm.cancel',
    target: () => undefined,
    run: (call, data) => cancel(call, data.token ?? ''),
  }),
];
