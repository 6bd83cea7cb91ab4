// Supervisor approvals of an agent's `pin <user> view` or `tap <user> view` (DESIGN "Roles and rules"): the
// same flow for either secret, by the approval's kind. The agent's command
// opens a request (asking again reuses the open one) whose card goes to the conversation; Approve / Deny
// act only for supervisors other than the requester, their role re-checked on the press; the first
// decision wins atomically, later presses are told who decided and when; a request expires after
// APPROVAL_TTL_MINUTES. Once approved, the requester's own view (approval.show by the requester) issues
// the secret and shows it once; everyone else sees only the state. Every step is audited by the service.
import { randomBytes } from 'node:crypto';
import { HelpdeskError } from '../../domain/errors';
import { hasRole, type Actor } from '../../domain/roles';
import { VERBS } from '../../domain/verbs';
import type { Approval, ApprovalKind } from '../../ports/approvals.port';
import {
  assertRole,
  assertWithinChangeLimits,
  withinChangeLimits,
  assertCallerVerified,
  commandRoute,
  pressRoute,
  assertMayChange,
  findOne,
  withProtections,
  loginOfActor,
  type Target,
  type UseCaseCall,
  type ApprovalListView,
  type ApprovalView,
  type ResultView,
  type View,
} from '../kernel';
import { issuePinToView, issueTapToView, hhmm } from '../secrets';
import { promptConfirmation } from '../account-actions';

/** Each kind of secret an approval can show: its command word, name, the least role's action and how it is issued. */
const SECRETS: Record<ApprovalKind, {
  readonly command: 'pin' | 'tap';
  readonly name: string;
  readonly short: string;
  readonly issue: (call: UseCaseCall<'portalEvents' | 'shownSecrets'>, target: Target, viewer: Actor, via: string) => Promise<ResultView>;
}> = {
  'pin.view': { command: 'pin', name: 'helpdesk PIN', short: 'PIN', issue: issuePinToView },
  'tap.view': { command: 'tap', name: 'Temporary Access Pass', short: 'pass', issue: issueTapToView },
};

const ID = /^[A-Za-z0-9_-]{16,64}$/;

/** How many open requests `approvals` lists (each is a few lines and two buttons). */
const LISTED = 10;

function nameOfActor(call: UseCaseCall<never>): string {
  return call.actor.user.displayName || loginOfActor(call.actor);
}

function approvalView(a: Approval, note: string, extra: Partial<Pick<ApprovalView, 'secret' | 'actions'>> = {}): ApprovalView {
  const data = { approvalId: a.id };
  return {
    kind: 'approval',
    approvalId: a.id,
    status: a.status,
    requestedBy: a.requesterName || a.requester,
    requesterChatUserId: a.requesterChatUserId,
    command: SECRETS[a.kind].command,
    secretName: SECRETS[a.kind].name,
    target: a.target,
    createdAt: a.createdAt.toISOString(),
    expiresAt: a.expiresAt.toISOString(),
    ...(a.decidedByName || a.decidedBy ? { decidedBy: a.decidedByName || a.decidedBy } : {}),
    ...(a.decidedAt ? { decidedAt: a.decidedAt.toISOString() } : {}),
    note,
    refresh: { verb: VERBS.approvalShow, label: 'Refresh', data },
    actions: extra.actions ?? (a.status === 'pending'
      ? [
        { verb: VERBS.approvalApprove, label: 'Approve', data, style: 'positive' },
        { verb: VERBS.approvalDeny, label: 'Deny', data, style: 'destructive' },
      ]
      // Where no client refreshes the card by itself (the console, Web Chat, Slack), the requester asks for
      // their own view; anyone else pressing it gets the state only.
      : a.status === 'approved' && !a.shownAt ? [{ verb: VERBS.approvalShow, label: 'Show the PIN (requester only)', data }] : []),
    ...(extra.secret ? { secret: extra.secret } : {}),
  };
}

function stateNote(a: Approval): string {
  const secret = SECRETS[a.kind].short;
  switch (a.status) {
    case 'pending':
      return `Waiting for a supervisor other than ${a.requesterName || a.requester}; open until ${hhmm(a.expiresAt)}.`;
    case 'approved':
      return a.shownAt
        ? `Approved by ${a.decidedByName ?? a.decidedBy ?? 'a supervisor'}; the ${secret} was shown to ${a.requesterName || a.requester} at ${hhmm(a.shownAt)}.`
        : `Approved by ${a.decidedByName ?? a.decidedBy ?? 'a supervisor'}; the ${secret} is shown to ${a.requesterName || a.requester} only.`;
    case 'denied':
      return `Denied by ${a.decidedByName ?? a.decidedBy ?? 'a supervisor'}${a.decidedAt ? ` at ${hhmm(a.decidedAt)}` : ''}. No ${secret} was issued.`;
    case 'expired':
      return `This request expired at ${hhmm(a.expiresAt)} without a decision. No ${secret} was issued.`;
  }
}

/** `pin|tap <user> view`: a supervisor gets the confirm card; an agent opens (or reopens) an approval request. */
async function secretView(call: UseCaseCall, kind: ApprovalKind, login: string): Promise<View> {
  const { env, ctx, actor, subject } = call;
  if (kind === 'tap.view' && !env.entra) throw new HelpdeskError('CMD.NOT_AVAILABLE', undefined, { command: 'tap' });
  if (hasRole(actor.role, 'supervisor')) {
    if (ctx.conversation !== 'personal') throw new HelpdeskError('POLICY.PRIVATE_ONLY');
    return promptConfirmation(call, kind, login);
  }
  const entry = await findOne(env.directory, login);
  subject.target = entry.sAMAccountName;
  assertMayChange(await withProtections(env.directory, entry, actor, env.settings.protection));
  await assertCallerVerified(call, kind, entry);
  await assertWithinChangeLimits(call, kind, entry.sAMAccountName);
  const now = env.clock.now();
  const requester = loginOfActor(actor);
  let approval = await env.store.approvals.findPending(kind, requester, entry.sAMAccountName.toLowerCase(), now);
  if (!approval) {
    approval = {
      id: randomBytes(18).toString('base64url'), kind, requester, requesterChatUserId: ctx.identity.chatUserId,
      requesterName: nameOfActor(call), target: entry.sAMAccountName.toLowerCase(), targetName: entry.displayName, status: 'pending',
      createdAt: now, expiresAt: new Date(now.getTime() + env.settings.approvalTtlMs),
    };
    await env.store.approvals.create(approval);
    subject.detail = `approval requested (${approval.id.slice(0, 8)}…)`;
  } else {
    subject.detail = `approval request already open (${approval.id.slice(0, 8)}…)`;
  }
  subject.action = 'approval.request';
  const forDeciders = approvalView(approval, stateNote(approval));
  // The requester never gets Approve / Deny: in their private conversation the card is their own view;
  // where everyone reads it, the deciders' card (Teams refreshes the requester's view of it by itself).
  const here = ctx.conversation === 'personal' ? requesterView(approval) : forDeciders;
  return { ...here, forDeciders };
}

/** The requester's own view of their open request: the state, and only Refresh. */
function requesterView(a: Approval): ApprovalView {
  return approvalView(a, stateNote(a), { actions: [{ verb: VERBS.approvalShow, label: 'Refresh', data: { approvalId: a.id } }] });
}

async function load(call: UseCaseCall<'approvals'>, id: string): Promise<Approval> {
  if (!ID.test(id)) throw new HelpdeskError('CONFIRM.INVALID');
  const approval = await call.env.store.approvals.find(id, call.env.clock.now());
  if (!approval) throw new HelpdeskError('CONFIRM.INVALID');
  call.subject.target = approval.target;
  return approval;
}

async function decide(call: UseCaseCall<'approvals'>, id: string, status: 'approved' | 'denied'): Promise<View> {
  const { env, actor, subject } = call;
  const approval = await load(call, id);
  assertRole(actor, 'supervisor', status === 'approved' ? 'approval.approve' : 'approval.deny');
  if (approval.requester === loginOfActor(actor)) throw new HelpdeskError('APPROVAL.OWN_REQUEST');
  const decision = await env.store.approvals.decide(id, status, loginOfActor(actor), nameOfActor(call), env.clock.now());
  const now = decision.approval ?? approval;
  if (!decision.ok) {
    if (now.status === 'expired') throw new HelpdeskError('APPROVAL.EXPIRED');
    subject.detail = `too late: ${now.status} by ${now.decidedBy ?? '?'}`;
    throw new HelpdeskError('APPROVAL.DECIDED', undefined, {
      status: now.status, by: now.decidedByName ?? now.decidedBy ?? 'a supervisor', ...(now.decidedAt ? { at: now.decidedAt.toISOString() } : {}),
    });
  }
  subject.detail = `${status} the request of ${approval.requester} (${id.slice(0, 8)}…)`;
  return approvalView(decision.approval, stateNote(decision.approval));
}

/** The card's refresh: the requester's own view shows the approved secret once; everyone else sees the state. */
async function show(call: UseCaseCall<'accountChanges' | 'approvals' | 'portalEvents' | 'shownSecrets'>, id: string): Promise<View> {
  const { env, ctx, actor, subject } = call;
  const approval = await load(call, id);
  const isRequester = approval.requester === loginOfActor(actor) && approval.requesterChatUserId === ctx.identity.chatUserId;
  // The requester may not decide their own request: their view of an open one offers only Refresh.
  if (isRequester && approval.status === 'pending') return requesterView(approval);
  if (!isRequester || approval.status !== 'approved' || approval.shownAt) return approvalView(approval, stateNote(approval));
  // The requester, approved, not shown yet: take the one showing atomically, then issue and show the secret.
  if (!(await env.store.approvals.markShown(id, env.clock.now()))) {
    return approvalView((await env.store.approvals.find(id, env.clock.now())) ?? approval, stateNote(approval));
  }
  const entry = await findOne(env.directory, approval.target);
  const target = await withProtections(env.directory, entry, actor, env.settings.protection);
  assertMayChange(target);
  subject.action = approval.kind;
  const result = await withinChangeLimits(call, approval.kind, entry.sAMAccountName, () =>
    SECRETS[approval.kind].issue(call, target, actor, `approved by ${approval.decidedBy ?? '?'}`));
  const shownNow = { ...approval, shownAt: env.clock.now() };
  return approvalView(shownNow, `${result.message} Approved by ${approval.decidedByName ?? approval.decidedBy ?? 'a supervisor'}.`, {
    ...(result.secret ? { secret: result.secret } : {}),
    actions: result.actions.filter((a) => a.verb === VERBS.secretHide),
  });
}

/** Whether this actor is sent the requests to decide (a supervisor; everyone else may not decide them). */
export function decidesApprovals(actor: Actor): boolean {
  return hasRole(actor.role, 'supervisor');
}

/** `approvals`: the open requests a supervisor may decide, newest first (their own are listed, without buttons). */
async function listPending(call: UseCaseCall<'approvals'>): Promise<ApprovalListView> {
  const { env, actor, subject } = call;
  const open = await env.store.approvals.listPending(env.clock.now(), LISTED + 1);
  const me = loginOfActor(actor);
  subject.detail = `${Math.min(open.length, LISTED)}${open.length > LISTED ? '+' : ''} pending`;
  return {
    kind: 'approval-list',
    requests: open.slice(0, LISTED).map((a) => a.requester === me
      ? approvalView(a, `${stateNote(a)} This is your own request: another supervisor decides it.`, { actions: [] })
      : approvalView(a, stateNote(a))),
    truncated: open.length > LISTED,
  };
}

export const approvalRoutes = [
  commandRoute('approvals', { action: 'approval.list', target: () => undefined, run: (call) => listPending(call) }),
  commandRoute('pin', {
    action: 'pin.sms', // the least role: an agent's `view` becomes a request; a supervisor's is the real thing
    audit: 'pin.view.prompt',
    when: (c) => c.delivery === 'view',
    sharedOk: true,
    target: (c) => c.user,
    run: (call, c) => secretView(call, 'pin.view', c.user),
  }),
  pressRoute(VERBS.pinView, { action: 'pin.sms', audit: 'pin.view.prompt', run: (call, data) => secretView(call, 'pin.view', data.user ?? '') }),
  commandRoute('tap', {
    action: 'tap.sms', // as for `pin`: an agent's `view` becomes a request
    audit: 'tap.view.prompt',
    when: (c) => c.delivery === 'view',
    sharedOk: true,
    target: (c) => c.user,
    run: (call, c) => secretView(call, 'tap.view', c.user),
  }),
  pressRoute(VERBS.tapView, { action: 'tap.sms', audit: 'tap.view.prompt', run: (call, data) => secretView(call, 'tap.view', data.user ?? '') }),
  pressRoute(VERBS.approvalApprove, { action: { needs: 'supervisor' }, audit: 'approval.approve', target: () => undefined, run: (call, data) => decide(call, data.approvalId ?? '', 'approved') }),
  pressRoute(VERBS.approvalDeny, { action: { needs: 'supervisor' }, audit: 'approval.deny', target: () => undefined, run: (call, data) => decide(call, data.approvalId ?? '', 'denied') }),
  pressRoute(VERBS.approvalShow, { action: { needs: 'agent' }, audit: 'approval.show', target: () => undefined, run: (call, data) => show(call, data.approvalId ?? '') }),
];
