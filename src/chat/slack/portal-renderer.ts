// Portal-data views → Block Kit: audit events, sync transactions, enrollment, and the details card's
// portal section and vishing indicators (always the second block, right under the name or title). Plain translation; within Slack's limits by summarising.
import type {
  AuditEventsView, EnrollmentView, IndicatorView, PortalTargetView, SyncTransactionsView, UserDetailsView,
} from '../../service/kernel';
import { eventTypeInWords } from '../../domain/portal-event-words';
import { lastDays } from '../cards/format';
import {
  LIMITS,
  actionsBlocks,
  capBlocks,
  context,
  esc,
  fieldSections,
  header,
  section,
  slackDate,
  truncate,
  type Block,
} from './block-kit';

interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

const who = (t: PortalTargetView) => (t.displayName && t.displayName !== t.login ? `${t.displayName} (${t.login})` : t.login);
const code = (text: string) => `\`${esc(truncate(text, 256).replace(/`/g, 'ˋ'))}\``;
const METHOD_NAMES: Record<string, string> = { questions: 'security questions', mobile: 'mobile (SMS codes)', pin: 'helpdesk PIN' };
const methods = (m: readonly string[]) => (m.length ? m.map((x) => METHOD_NAMES[x] ?? x).join(', ') : 'none');

export function indicatorBlocks(indicators: readonly IndicatorView[] | undefined): Block[] {
  if (!indicators || indicators.length === 0) return [];
  const lines = indicators.map((i) => `• ${esc(i.text)}`).join('\n');
  return [section(truncate(`:warning: *Possible vishing: verify the caller before acting*\n${lines}`, LIMITS.sectionText))];
}

function flagged(t: PortalTargetView): Block[] {
  return t.inDirectory ? [] : [context([':grey_question: Not in the directory: these events were accepted but flagged.'])];
}

export function auditEventsMessage(view: AuditEventsView): SlackMessage {
  // The indicators come second, right under the title, as on the details message.
  const blocks: Block[] = [header(`Self-service events — ${who(view.target)}`), ...indicatorBlocks(view.indicators)];
  const filters = [view.filter.days ? lastDays(view.filter.days) : 'all time', view.filter.type ? `type ${esc(view.filter.type)}` : ''].filter(Boolean);
  blocks.push(context([`Newest first · ${filters.join(' · ')}${view.continued ? ' · continued' : ''}`]), ...flagged(view.target));
  if (view.events.length === 0) blocks.push(section(view.continued ? '_No older events._' : `_No self-service events for ${esc(who(view.target))}._`));
  for (const e of view.events) {
    const mark = e.outcome === 'success' ? ':white_check_mark:' : ':x:';
    const what = `${mark} *${esc(eventTypeInWords(e.type))}*${e.detail ? ` (${esc(truncate(e.detail, 200))})` : ''} — ${e.outcome}`;
    const origin = [e.ip ? code(e.ip) : 'no address', e.client ? esc(truncate(e.client, 120)) : 'no client'].join(' · ');
    blocks.push(section(`${what}\n${slackDate(e.at) ?? esc(e.at)} · ${origin}`));
  }
  const buttons = actionsBlocks(view.actions, { targetName: view.target.displayName }, 1);
  return {
    text: truncate(`Self-service events: ${who(view.target)} (${view.events.length} shown)`, LIMITS.fallbackText),
    blocks: capBlocks([...blocks, ...buttons], buttons.length),
  };
}

const STATUS = { failed: ':x: *FAILED*', pending: ':hourglass: pending', succeeded: ':white_check_mark: succeeded' } as const;

export function syncMessage(view: SyncTransactionsView): SlackMessage {
  const blocks: Block[] = [header(`Sync transactions — ${who(view.target)}`)];
  blocks.push(context([view.failedOnly ? 'Failures only' : `${view.failedCount} failed of ${view.transactions.length} shown · failures first${view.truncated ? ' · more exist' : ''}`]));
  blocks.push(...flagged(view.target));
  if (view.transactions.length === 0) blocks.push(section(`_No ${view.failedOnly ? 'failed ' : ''}sync transactions for ${esc(who(view.target))}._`));
  for (const t of view.transactions) {
    const what = [t.system, t.operation].filter(Boolean).map((x) => esc(String(x))).join(' · ');
    const error = t.error ? `\n:warning: ${esc(truncate(t.error, 500))}` : '';
    blocks.push(section(`${STATUS[t.status]} — ${what}\n${slackDate(t.at) ?? esc(t.at)}${error}`));
  }
  return { text: truncate(`Sync transactions: ${who(view.target)}`, LIMITS.fallbackText), blocks: capBlocks(blocks) };
}

export function enrollmentMessage(view: EnrollmentView): SlackMessage {
  const blocks: Block[] = [header(`Enrollment — ${who(view.target)}`)];
  blocks.push(...fieldSections(undefined, [
    ['Enrolled', view.enrolled ? 'Yes' : 'No'],
    ['Methods', esc(methods(view.methods))],
    ['Last changed', slackDate(view.changedAt)],
  ]));
  if (view.questions.length === 0) blocks.push(section('_No security questions enrolled._'));
  else blocks.push(...fieldSections(`Security questions (${view.questions.length})`, view.questions.map((q) => [truncate(q.question, 200), code(q.maskedAnswer)] as const)));
  blocks.push(context([`Answers are masked (${esc(view.mask)}); this view is recorded in the helpdesk audit trail.`]));
  return { text: truncate(`Enrollment: ${who(view.target)}`, LIMITS.fallbackText), blocks: capBlocks(blocks) };
}

/** The details message's "Self-service portal" fields (its indicators come second, under the name: slack-renderer.ts). */
export function portalDetailBlocks(view: UserDetailsView): Block[] {
  const p = view.portal;
  if (!p) return [];
  const lock = p.locked
    ? `:lock: Locked${p.lockedAt ? ` since ${slackDate(p.lockedAt)}` : ''}, after ${p.failedAttempts} failed attempts`
    : `Not locked${p.failedAttempts ? ` (${p.failedAttempts} failed attempts)` : ''}`;
  return [
    ...fieldSections('Self-service portal', [
      ['Enrolled', p.enrolled ? `Yes — ${esc(methods(p.methods))}` : 'No'],
      ['Portal lock', lock],
      ['Last portal activity', p.lastActivity ? `${esc(eventTypeInWords(p.lastActivity.type))} (${p.lastActivity.outcome}), ${slackDate(p.lastActivity.at)}` : 'None'],
    ]),
  ];
}
