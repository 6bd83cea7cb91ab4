// The first step of every account-changing action: check everything, change nothing, and hand out a
// confirm card whose buttons carry only a single-use token bound to this agent, action and target.
import { HelpdeskError } from '../domain/errors';
import { VERBS } from '../domain/verbs';
import { ACCOUNT_ACTIONS, type AccountAction } from './account-actions';
import { assertWithinChangeLimits } from './change-limits';
import { commandRoute, pressRoute } from './route';
import { assertMayChange, findOne, withProtections } from './target-resolver';
import { loginOfActor, type UseCaseCall } from './use-case';
import type { ConfirmView } from './views';

export async function promptConfirmation(call: UseCaseCall, action: AccountAction, login: string): Promise<ConfirmView> {
  const { env, ctx, actor, subject } = call;
  const wording = ACCOUNT_ACTIONS[action];
  if (wording.requiresPrivateView && ctx.conversation !== 'personal') throw new HelpdeskError('POLICY.PRIVATE_ONLY');
  const entry = await findOne(env.directory, login);
  subject.target = entry.sAMAccountName;
  assertMayChange(await withProtections(env.directory, entry, actor, env.settings.protection));
  await assertWithinChangeLimits(call, action, entry.sAMAccountName);
  const { token, expiresAt } = await env.confirmations.issue(loginOfActor(actor), action, entry.sAMAccountName);
  subject.detail = 'confirmation issued';
  return {
    kind: 'confirm',
    title: wording.title,
    message: wording.question(entry.displayName),
    target: { login: entry.sAMAccountName, displayName: entry.displayName },
    expiresAt: expiresAt.toISOString(),
    actions: [
      { verb: VERBS.confirmAccept, label: 'Confirm', data: { token }, style: 'destructive' },
      { verb: VERBS.confirmCancel, label: 'Cancel', data: { token } },
    ],
  };
}

export const promptConfirmationRoutes = [
  commandRoute('unlock', {
    action: 'account.unlock',
    audit: 'account.unlock.prompt',
    target: (c) => c.user,
    run: (call, c) => promptConfirmation(call, 'account.unlock', c.user),
  }),
  commandRoute('reset', {
    action: 'password.reset.view',
    audit: 'password.reset.view.prompt',
    when: (c) => c.delivery === 'view',
    target: (c) => c.user,
    run: (call, c) => promptConfirmation(call, 'password.reset.view', c.user),
  }),
  pressRoute(VERBS.accountUnlock, {
    action: 'account.unlock',
    audit: 'account.unlock.prompt',
    run: (call, data) => promptConfirmation(call, 'account.unlock', data.user ?? ''),
  }),
  pressRoute(VERBS.passwordResetView, {
    action: 'password.reset.view',
    audit: 'password.reset.view.prompt',
    run: (call, data) => promptConfirmation(call, 'password.reset.view', data.user ?? ''),
  }),
];
