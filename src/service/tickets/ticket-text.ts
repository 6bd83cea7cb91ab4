// What an escalation ticket says, built only from what may be written down: the reason, who escalated
// from where, the user's summary (account and lock state, portal state, department, manager), whether
// the caller was verified, the last self-service events and vishing indicators, and what the helpdesk did
// for the user in the last 24 hours (its own audit trail, which never holds a secret). Never a PIN,
// password, verification code or enrollment answer: none of them is read here.
import type { DirectoryEntry } from '../../domain/directory-user';
import type { AuditEntry } from '../../domain/audit-entry';
import type { PortalAccount, PortalEvent } from '../../domain/portal';
import type { Actor } from '../../domain/roles';
import { utc, loginOfActor, type RequestContext, type IndicatorView } from '../kernel';

export const MAX_REASON = 500;

export interface EscalationFacts {
  readonly reason: string;
  readonly actor: Actor;
  readonly ctx: RequestContext;
  readonly user: DirectoryEntry;
  readonly portal: PortalAccount | null;
  readonly events: readonly PortalEvent[];
  readonly indicators: readonly IndicatorView[];
  readonly trail: readonly AuditEntry[];
  readonly verified: string;
  readonly now: Date;
}

const SURFACES: Record<string, string> = { teams: 'Microsoft Teams', slack: 'Slack', local: 'the local console' };

/** "Alice Agent (hd.agent, agent) via Microsoft Teams, a private chat (conversation a:1…)" */
export function escalatedBy(actor: Actor, ctx: RequestContext): string {
  const where = ctx.conversation === 'personal' ? 'a private chat' : 'a shared conversation';
  const conversation = ctx.conversationId ? ` (conversation ${ctx.conversationId.slice(0, 120)})` : '';
  return `${actor.user.displayName || loginOfActor(actor)} (${loginOfActor(actor)}, ${actor.role}) via ${SURFACES[ctx.surface] ?? ctx.surface}, ${where}${conversation}`;
}

export function ticketSubject(user: DirectoryEntry, reason: string): string {
  const short = reason.length > 80 ? `${reason.slice(0, 79)}…` : reason;
  return `Helpdesk escalation: ${user.displayName || user.sAMAccountName} (${user.sAMAccountName}): ${short}`;
}

function userSummary(f: EscalationFacts): string[] {
  const u = f.user;
  const a = u.account;
  const lock = a.locked ? `LOCKED${a.lockedAt ? ` since ${utc(a.lockedAt)}` : ''}` : 'not locked';
  const p = f.portal;
  const portal = !p
    ? 'no portal account'
    : [
        p.enrolled ? `enrolled (${p.methods.join(', ') || 'no method'})` : 'not enrolled',
        p.locked ? `portal LOCKED${p.lockedAt ? ` since ${utc(p.lockedAt)}` : ''}` : 'portal not locked',
        `${p.failedAttempts} failed attempts`,
      ].join(', ');
  return [
    `User: ${u.displayName} (${u.sAMAccountName})${u.userPrincipalName ? `, ${u.userPrincipalName}` : ''}`,
    `Account: ${a.enabled ? 'enabled' : 'DISABLED'}, ${lock}${a.passwordExpired ? ', password expired' : ''}${a.passwordMustChange ? ', must change password at next logon' : ''}`,
    `Portal: ${portal}`,
    `Department: ${u.organisation.department ?? '—'}; title: ${u.organisation.title ?? '—'}; manager: ${u.organisation.manager ?? '—'}`,
  ];
}

function eventLines(events: readonly PortalEvent[]): string[] {
  if (events.length === 0) return ['  (none)'];
  return events.map((e) => `  ${utc(e.at)}  ${e.type}  ${e.outcome}${e.ip ? `  from ${e.ip}` : ''}${e.detail ? `  ${e.detail.slice(0, 120)}` : ''}`);
}

function trailLines(trail: readonly AuditEntry[]): string[] {
  if (trail.length === 0) return ['  (nothing)'];
  return trail.map((t) => `  ${utc(t.at)}  ${t.action}  ${t.outcome}  by ${t.actor} (${t.surface})${t.detail ? `  ${t.detail.slice(0, 120)}` : ''}`);
}

/** The ticket's first text (and the comment of a later escalation, under its own heading). */
export function escalationText(f: EscalationFacts, heading = 'Escalated'): string {
  return [
    `${heading} by ${escalatedBy(f.actor, f.ctx)} at ${utc(f.now)}.`,
    '',
    'Reason:',
    f.reason,
    '',
    ...userSummary(f),
    f.verified,
    '',
    'Vishing indicators:',
    ...(f.indicators.length ? f.indicators.map((i) => `  ${i.text}`) : ['  (none)']),
    '',
    'Last self-service events (newest first):',
    ...eventLines(f.events),
    '',
    'Helpdesk actions for this user in the last 24 hours:',
    ...trailLines(f.trail),
    '',
    '(Filed by MyPass Helpdesk. No password, PIN, verification code or security answer is ever written into a ticket.)',
  ].join('\n');
}
