// The confirm card's two buttons. Accept: the token → the action it was issued for, re-checked now
// (role, protection, self, private view), the token spent, then performed. Cancel: the token is burnt, nothing changes.
import { HelpdeskError } from '../../domain/errors';
import { requiredRole } from '../../domain/policy';
import { VERBS } from '../../domain/verbs';
import {
  ACCOUNT_ACTIONS,
  isAccountAction,
  assertRole,
  assertCallerVerified,
  isLimitRefusalFor,
  overrideReason,
  overridingChangeLimits,
  withinChangeLimits,
  pressRoute,
  assertMayChange,
  findOne,
  withProtections,
  loginOfActor,
  type AccountAction,
  type Target,
  type UseCaseCall,
  type View,
} from '../kernel';
import { issueTapBySms, issueTapToView, issuePinBySms, issuePinToView } from '../secrets';
import { resetPasswordAndShow, resetPasswordBySms } from './confirmed-reset';
import { ticketFollowUp } from '../tickets';
import { promptConfirmation } from './prompt-confirmation';
import { unlockAccount } from './unlock-account';
import { unlockPortal } from './unlock-portal';

/** What a confirmed account action does, by action: adding an action adds a row here, never a branch. */
const PERFORM: Record<AccountAction, (call: UseCaseCall<'portalAccounts' | 'portalEvents' | 'shownSecrets'>, target: Target, mustChange: boolean) => Promise<View>> = {
  'account.unlock': (call, target) => unlockAccount(call, target),
  'portal.unlock': (call, target) => unlockPortal(call, target),
  'tap.view': (call, target) => issueTapToView(call, target, call.actor, ''),
  'tap.sms': (call, target) => issueTapBySms(call, target),
  'pin.sms': (call, target) => issuePinBySms(call, target),
  'pin.view': (call, target) => issuePinToView(call, target, call.actor, ''),
  'password.reset': (call, target, mustChange) => resetPasswordBySms(call, target, mustChange),
  'password.reset.view': (call, target, mustChange) => resetPasswordAndShow(call, target, mustChange),
};

interface AcceptOptions {
  /** "Confirm, no change at next logon". */
  readonly keepPassword?: boolean;
  /** A supervisor goes over a change limit, with this typed reason. */
  readonly overLimitBecause?: string;
}

async function accept(call: UseCaseCall, token: string, options: AcceptOptions = {}): Promise<View> {
  const { env, actor, subject } = call;
  // Checked before the token is spent, so a forgotten reason costs only a second press.
  if (options.overLimitBecause !== undefined) {
    assertRole(actor, 'supervisor', VERBS.confirmOverride);
    overrideReason(options.overLimitBecause);
  }
  // The token is read here and spent only after the checks below, just before the change: a directory lost
  // during the checks leaves the button usable. consume() is still the one atomic claim (of two presses, one acts).
  const confirmation = await env.confirmations.check(loginOfActor(actor), token);
  subject.action = confirmation.action;
  subject.target = confirmation.target;
  assertRole(actor, requiredRole(confirmation.action), confirmation.action);
  const action = confirmation.action;
  if (!isAccountAction(action)) throw new HelpdeskError('CONFIRM.INVALID');
  const entry = await findOne(env.directory, confirmation.target);
  const target = await withProtections(env.directory, entry, actor, env.settings.protection);
  assertMayChange(target);
  await assertCallerVerified(call, action, target.user);
  if (ACCOUNT_ACTIONS[action].requiresPrivateView && call.ctx.conversation !== 'personal') throw new HelpdeskError('POLICY.PRIVATE_ONLY');
  const mustChange = call.env.settings.mustChangeAfterReset && !(options.keepPassword === true && call.env.settings.resetMayKeepPassword);
  const login = target.user.sAMAccountName;
  const perform = () => PERFORM[action](call, target, mustChange);
  await env.confirmations.consume(loginOfActor(actor), token);
  let view: View;
  try {
    view = options.overLimitBecause !== undefined
      ? await overridingChangeLimits(call, action, login, options.overLimitBecause, perform)
      : await withinChangeLimits(call, action, login, perform);
  } catch (err) {
    // The last place went since the card was drawn: a supervisor gets the card again, offering to go over it.
    if (options.overLimitBecause === undefined && isLimitRefusalFor(call, err)) {
      subject.action = `${action}.prompt`; // nothing was done: the audit trail says a card was offered again
      return promptConfirmation(call, action, login);
    }
    throw err;
  }
  // A completed change is noted on the user's open escalation ticket, if any (words only, never a secret).
  if (view.kind === 'result' && view.outcome === 'success') await ticketFollowUp(call, target.user, { action });
  return view;
}

async function cancel({ env, actor, subject }: UseCaseCall<never>, token: string): Promise<View> {
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
  pressRoute(VERBS.confirmAcceptKeep, {
    action: { needs: 'agent' },
    audit: 'confirm.accept',
    target: () => undefined,
    run: (call, data) => accept(call, data.token ?? '', { keepPassword: true }),
  }),
  pressRoute(VERBS.confirmOverride, {
    action: { needs: 'supervisor' },
    audit: 'confirm.accept',
    target: () => undefined,
    run: (call, data) => accept(call, data.token ?? '', { overLimitBecause: data.reason ?? '' }),
  }),
  pressRoute(VERBS.confirmCancel, {
    action: { needs: 'agent' },
    audit: 'confirm.cancel',
    target: () => undefined,
    run: (call, data) => cancel(call, data.token ?? ''),
  }),
];
