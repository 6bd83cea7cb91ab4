// `escalate <user> <reason>`, and the "Escalate" button of the details and audit cards (which asks for the
// reason in a card first). The ticket gets the user's summary and recent history (ticket-text.ts); a user
// with an open ticket gets a comment on it instead (ticket-desk.ts). The escalation is audited before the
// ticket system is called: if the audit record cannot be written, no ticket is filed.
import { createHash } from 'node:crypto';
import { HelpdeskError } from '../../domain/errors';
import { portalUserKey } from '../../domain/portal';
import { VERBS } from '../../domain/verbs';
import {
  callerVerificationLine,
  commandRoute,
  pressRoute,
  findOne,
  loginOfActor,
  type UseCaseCall,
  type UseCaseEnv,
  type ActionButton,
  type EscalateFormView,
  type EscalationView,
} from '../kernel';
import type { EscalationOutcome, TicketDesk } from './ticket-desk';
import { escalationText, MAX_REASON, ticketSubject, type EscalationFacts } from './ticket-text';
import { indicatorsFor } from '../portal-data';
import { targetOf } from '../lookup';

const DAY_MS = 24 * 3_600_000;
const EVENTS_IN_TICKET = 10;

function desk(env: UseCaseEnv<never>, what: string): TicketDesk {
  if (!env.tickets) throw new HelpdeskError('CMD.NOT_AVAILABLE', undefined, { command: what });
  return env.tickets;
}

function cleanReason(reason: string): string {
  // One line per line, no control characters; the length bound keeps a ticket subject and a card readable.
  return reason.replace(/\r\n?/g, '\n').replace(/\p{Cc}/gu, (c) => (c === '\n' ? c : ' ')).trim();
}

async function gather(call: UseCaseCall<'audit' | 'portalAccounts' | 'portalEvents'>, login: string, reason: string): Promise<EscalationFacts> {
  const { env, ctx, actor, subject } = call;
  const user = await findOne(env.directory, login);
  subject.target = user.sAMAccountName;
  const key = portalUserKey(user.sAMAccountName);
  const now = env.clock.now();
  const [portal, events, indicators, trail, verified] = await Promise.all([
    env.store.portalAccounts.get(key),
    env.store.portalEvents.list({ user: key, category: 'self-service', limit: EVENTS_IN_TICKET }),
    indicatorsFor(env, key),
    env.store.audit.list({ target: user.sAMAccountName, limit: 100 }),
    callerVerificationLine(env, user.sAMAccountName),
  ]);
  const dayAgo = now.getTime() - DAY_MS;
  return {
    reason, actor, ctx, user, portal, events, indicators, verified, now,
    trail: trail.filter((t) => t.at.getTime() >= dayAgo && !t.action.startsWith('ticket.')),
  };
}

export async function escalate(call: UseCaseCall<'audit' | 'portalAccounts' | 'portalEvents'>, login: string, rawReason: string): Promise<EscalationView> {
  const { env, ctx, actor, subject } = call;
  const tickets = desk(env, 'escalate');
  const reason = cleanReason(rawReason);
  if (reason === '' || reason.length > MAX_REASON) throw new HelpdeskError('CMD.USAGE', undefined, { usage: `escalate <user> <reason> (a reason of 1 to ${MAX_REASON} characters)` });
  if (login.trim() === '') throw new HelpdeskError('DIR.USER_NOT_FOUND', undefined, { query: '' });
  const facts = await gather(call, login, reason);
  const user = facts.user;
  await env.audit.record(ctx, { actor: loginOfActor(actor), role: actor.role, action: 'ticket.escalate', target: user.sAMAccountName, outcome: 'requested' });
  const reasonKey = createHash('sha256').update(reason.toLowerCase()).digest('hex').slice(0, 32);
  const outcome = await tickets.escalate(
    user.sAMAccountName,
    { subject: ticketSubject(user, reason), body: escalationText(facts), ...(user.contact.mail ? { requestor: user.contact.mail } : {}) },
    escalationText(facts, 'Escalated again'),
    reasonKey,
  );
  subject.detail = detailOf(outcome);
  return escalationView(targetOf(user), outcome);
}

function detailOf(o: EscalationOutcome): string {
  switch (o.kind) {
    case 'created':
      return `ticket ${o.ticket.label} created (${o.ref})`;
    case 'commented':
      return `comment on ticket ${o.ticket.label} (${o.ref})${o.posted ? '' : ', to be posted'}`;
    case 'pending':
      return `ticket system unavailable: kept for retry (${o.ref})`;
    case 'already':
      return `already escalated with this reason (${o.ref})`;
    case 'refused':
      return `ticket system refused the ticket (${o.ref})`;
  }
}

type Who = { readonly login: string; readonly displayName: string };

const showUser = (who: Who): ActionButton => ({ verb: VERBS.userShow, label: 'Show user', data: { user: who.login } });

export function escalationView(who: Who, o: EscalationOutcome): EscalationView {
  const name = `${who.displayName} (${who.login})`;
  const ticket = 'ticket' in o && o.ticket ? { label: o.ticket.label, ...(o.ticket.url ? { url: o.ticket.url } : {}) } : undefined;
  const base = { kind: 'escalation' as const, target: who, ref: o.ref, ...(ticket ? { ticket } : {}), actions: [showUser(who)] };
  switch (o.kind) {
    case 'created':
      return { ...base, outcome: 'created', title: `Ticket ${o.ticket.label} opened`, message: `The escalation of ${name} is in ticket ${o.ticket.label}.` };
    case 'commented':
      return {
        ...base,
        outcome: 'commented',
        title: `Added to ticket ${o.ticket.label}`,
        message: o.posted
          ? `${name} already has an open ticket, ${o.ticket.label}: your escalation was added to it as a comment.`
          : `${name} already has an open ticket, ${o.ticket.label}. The ticket system did not take the comment just now; it is kept and posted as soon as it can be.`,
      };
    case 'pending':
      return {
        ...base,
        outcome: 'pending',
        title: 'Escalation kept; ticket to follow',
        message: o.queued
          ? `The ticket for ${name} is not created yet (the ticket system was not reachable). Your escalation is added to it; I'll update this message when the ticket exists.`
          : `The ticket system is not reachable right now. Your escalation of ${name} is kept and filed automatically as soon as it answers; I'll update this message with the ticket.`,
      };
    case 'already':
      return {
        ...base,
        outcome: 'already',
        title: ticket ? `Already in ticket ${ticket.label}` : 'Already escalated',
        message: `${name} was escalated with this reason a few minutes ago${ticket ? ` (ticket ${ticket.label})` : ''}: nothing was added.`,
      };
    case 'refused':
      return {
        ...base,
        outcome: 'failed',
        title: 'No ticket: the ticket system refused it',
        message: `The ticket system refused the ticket for ${name} (its credentials or rights). The escalation is recorded in the audit trail; tell your administrator, and escalate by other means meanwhile.`,
      };
  }
}

/** The Escalate button: a card that asks for the reason (the user's open ticket named, if any). */
async function escalateForm({ env, subject }: UseCaseCall<'escalations'>, login: string): Promise<EscalateFormView> {
  const tickets = desk(env, 'escalate');
  const user = await findOne(env.directory, login);
  subject.target = user.sAMAccountName;
  const active = await env.store.escalations.active(user.sAMAccountName.toLowerCase(), tickets.kind);
  const open = active?.ticket ? { label: active.ticket.label, ...(active.ticket.url ? { url: active.ticket.url } : {}) } : undefined;
  return {
    kind: 'escalate-form',
    target: targetOf(user),
    ...(open ? { openTicket: open } : {}),
    maxReason: MAX_REASON,
    actions: [{ verb: VERBS.ticketEscalateSubmit, label: open ? `Add to ${open.label}` : 'Open ticket', data: { user: user.sAMAccountName } }],
  };
}

/** An escalation's state now: what a surface shows in place of a "ticket to follow" message. */
async function showTicket({ env, subject }: UseCaseCall<'escalations'>, ref: string): Promise<EscalationView> {
  desk(env, 'escalate');
  if (!/^mypass-[0-9a-f]{8,64}$/.test(ref)) throw new HelpdeskError('CONFIRM.INVALID');
  const record = await env.store.escalations.get(ref);
  if (!record) throw new HelpdeskError('CONFIRM.INVALID');
  subject.target = record.user;
  const user = await env.directory.findByLogin(record.user);
  const who = { login: user?.sAMAccountName ?? record.user, displayName: user?.displayName ?? record.user };
  if (record.ticket) return escalationView(who, { kind: 'created', ref, ticket: record.ticket });
  if (record.state === 'failed') return escalationView(who, { kind: 'refused', ref });
  return escalationView(who, { kind: 'pending', ref, queued: false });
}

export const escalateRoutes = [
  commandRoute('escalate', {
    action: 'ticket.escalate',
    target: (c) => c.user,
    run: (call, c) => escalate(call, c.user, c.reason),
  }),
  pressRoute(VERBS.ticketEscalate, { action: 'ticket.escalate', audit: 'ticket.escalate.prompt', run: (call, data) => escalateForm(call, data.user ?? '') }),
  pressRoute(VERBS.ticketEscalateSubmit, {
    action: 'ticket.escalate',
    run: (call, data) => escalate(call, data.user ?? '', data.reason ?? ''),
  }),
  pressRoute(VERBS.ticketShow, { action: 'ticket.escalate', audit: 'ticket.show', target: () => undefined, run: (call, data) => showTicket(call, data.ref ?? '') }),
];
