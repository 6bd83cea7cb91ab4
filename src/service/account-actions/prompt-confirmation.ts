// The first step of every account-changing action: check everything, change nothing, and hand out a
// confirm card whose buttons carry only a single-use token bound to this agent, action and target.
// A name that fits several users gets the pick list instead, whose rows lead back here by login; an
// unlock of an account that is not locked is answered at once, with no confirm step.
import type { DirectoryEntry } from '../../domain/directory-user';
import { HelpdeskError } from '../../domain/errors';
import { portalUserKey } from '../../domain/portal';
import { hasRole } from '../../domain/roles';
import { VERBS } from '../../domain/verbs';
import {
  ACCOUNT_ACTIONS,
  BY_SMS,
  nameOf,
  assertCallerVerified,
  checkChangeLimits,
  limitRefusal,
  MAX_OVERRIDE_REASON,
  overLimitText,
  commandRoute,
  pressRoute,
  assertMayChange,
  withProtections,
  loginOfActor,
  type AccountAction,
  type UseCaseCall,
  type ConfirmView,
  type PickListView,
} from '../kernel';
import { assertCanText } from '../secrets';
import { matchesDetail, pickListView } from '../lookup';

/** Exact login first; otherwise a search: one hit is the user, several are offered as a pick list. */
async function oneOrMany({ env }: UseCaseCall<never>, query: string): Promise<DirectoryEntry | DirectoryEntry[]> {
  if (query.trim() === '') throw new HelpdeskError('DIR.USER_NOT_FOUND', undefined, { query: '' });
  const exact = await env.directory.findByLogin(query);
  if (exact) return exact;
  const hits = await env.directory.search(query, env.settings.pickListSize + 1);
  if (hits.length === 0) throw new HelpdeskError('DIR.USER_NOT_FOUND', undefined, { query: query.slice(0, 80) });
  return hits.length === 1 ? (hits[0] as DirectoryEntry) : hits;
}

export async function promptConfirmation(call: UseCaseCall, action: AccountAction, login: string): Promise<ConfirmView | PickListView> {
  const { env, ctx, actor, subject } = call;
  const wording = ACCOUNT_ACTIONS[action];
  if (wording.requiresPrivateView && ctx.conversation !== 'personal') throw new HelpdeskError('POLICY.PRIVATE_ONLY');
  const found = await oneOrMany(call, login);
  if (Array.isArray(found)) {
    subject.detail = matchesDetail(found, env.settings.pickListSize);
    return pickListView(env, login, found, action);
  }
  const entry = found;
  subject.target = entry.sAMAccountName;
  assertMayChange(await withProtections(env.directory, entry, actor, env.settings.protection));
  // Entra has no lockout the helpdesk can clear: unlock applies to AD accounts only.
  if (action === 'account.unlock' && entry.source === 'graph') throw new HelpdeskError('CMD.NOT_AVAILABLE', undefined, { command: 'unlock of a cloud-only account' });
  if ((action === 'tap.view' || action === 'tap.sms') && !env.entra) throw new HelpdeskError('CMD.NOT_AVAILABLE', undefined, { command: 'tap' });
  if (action === 'account.unlock' && !entry.account.locked) {
    throw new HelpdeskError('ACCOUNT.NOT_LOCKED', undefined, { user: nameOf(entry) });
  }
  // Likewise the portal: an unlock that would clear no lock is answered at once, and changes nothing.
  if (action === 'portal.unlock' && !(await env.store.portalAccounts.get(portalUserKey(entry.sAMAccountName)))?.locked) {
    throw new HelpdeskError('ACCOUNT.NOT_LOCKED', undefined, { user: nameOf(entry), where: 'portal' });
  }
  if (BY_SMS.has(action)) assertCanText(call, entry, `${action === 'pin.sms' ? 'pin' : action === 'tap.sms' ? 'tap' : 'reset'} … sms`);
  await assertCallerVerified(call, action, entry);
  // Over a limit: an agent is refused; a supervisor's card offers to go over it with a reason.
  const limit = await checkChangeLimits(call, action, entry.sAMAccountName);
  if (!limit.ok && !hasRole(actor.role, 'supervisor')) throw limitRefusal(call, action, limit, entry.sAMAccountName);
  const { token, expiresAt } = await env.confirmations.issue(loginOfActor(actor), action, entry.sAMAccountName);
  subject.detail = limit.ok ? 'confirmation issued' : 'confirmation issued, over a limit (override offered)';
  const warnings = wording.warnings(entry);
  if (!limit.ok) {
    return {
      kind: 'confirm',
      title: `${wording.title}: over the limit`,
      message: wording.question(entry.displayName),
      target: { login: entry.sAMAccountName, displayName: entry.displayName },
      ...(warnings.length ? { warnings } : {}),
      override: { text: overLimitText(call, action, limit, nameOf(entry)), maxReason: MAX_OVERRIDE_REASON },
      expiresAt: expiresAt.toISOString(),
      actions: [
        { verb: VERBS.confirmOverride, label: 'Override the limit and confirm', data: { token }, style: 'destructive' },
        { verb: VERBS.confirmCancel, label: 'Cancel', data: { token } },
      ],
    };
  }
  return {
    kind: 'confirm',
    title: wording.title,
    message: wording.question(entry.displayName),
    target: { login: entry.sAMAccountName, displayName: entry.displayName },
    ...(warnings.length ? { warnings } : {}),
    expiresAt: expiresAt.toISOString(),
    actions: [
      { verb: VERBS.confirmAccept, label: 'Confirm', data: { token }, style: 'destructive' },
      { verb: VERBS.confirmCancel, label: 'Cancel', data: { token } },
    ],
    // A reset must change at next logon; where policy allows, keeping the password is a separate choice,
    // away from Confirm, so that a hurried click never leaves a permanent password that travelled by SMS.
    ...(isReset(action) && env.settings.resetMayKeepPassword && env.settings.mustChangeAfterReset
      ? { alternative: { explanation: KEEP_EXPLANATION, action: { verb: VERBS.confirmAcceptKeep, label: 'Reset, no change at next logon', data: { token } } } }
      : {}),
  };
}

const KEEP_EXPLANATION =
  'Only if the user cannot choose a password of their own: reset without asking them for a new one at next logon. The new password then stays until someone changes it.';

function isReset(action: AccountAction): boolean {
  return action === 'password.reset' || action === 'password.reset.view';
}

/** The account actions a typed command or a details-card button leads to (each to its confirm card). */
const PROMPTS: readonly { command: 'pin' | 'reset' | 'tap'; delivery: 'sms' | 'view'; action: AccountAction; verb: (typeof VERBS)[keyof typeof VERBS] }[] = [
  { command: 'pin', delivery: 'sms', action: 'pin.sms', verb: VERBS.pinSms },
  { command: 'reset', delivery: 'sms', action: 'password.reset', verb: VERBS.passwordResetSms },
  { command: 'tap', delivery: 'sms', action: 'tap.sms', verb: VERBS.tapSms },
];

export const promptConfirmationRoutes = [
  ...PROMPTS.flatMap((p) => [
    commandRoute(p.command, {
      action: p.action,
      audit: `${p.action}.prompt`,
      when: (c) => c.delivery === p.delivery,
      target: (c) => c.user,
      run: (call, c) => promptConfirmation(call, p.action, c.user),
    }),
    pressRoute(p.verb, { action: p.action, audit: `${p.action}.prompt`, run: (call, data) => promptConfirmation(call, p.action, data.user ?? '') }),
  ]),
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
