// Portal-data views → the data their templates (cards/audit-events.json, sync-transactions.json,
// enrollment.json, and the portal part of user-details.json) are expanded with. Presentation only.
// Every value that came from outside (events, questions, addresses, clients) lands in a TextRun.
import type {
  AuditEventsView, EnrollmentView, IndicatorView, PortalTargetView, SyncTransactionsView, UserDetailsView,
} from '../../service/kernel';
import { cardAction } from './card-action';
import { eventTypeInWords } from '../../domain/portal-event-words';
import { formatWhen, lastDays, person, truncate } from './format';

type TextColor = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

interface Fact {
  readonly label: string;
  readonly value: string;
  readonly color: TextColor;
  readonly weight: 'Default' | 'Bolder';
}

const MAX_VALUE = 256;

function fact(label: string, value: string | undefined, color: TextColor = 'Default'): Fact[] {
  if (value === undefined || value === '') return [];
  return [{ label, value: truncate(value, MAX_VALUE), color, weight: color === 'Default' ? 'Default' : 'Bolder' }];
}

function who(t: PortalTargetView): string {
  return truncate(person(t), 120);
}

const notInDirectory = (t: PortalTargetView) => (t.inDirectory ? '' : 'Not in the directory: these events were accepted but flagged.');

export const VISHING_HEADING = '⚠ Possible vishing: verify the caller before acting';

function indicatorsData(indicators: readonly IndicatorView[] | undefined) {
  return (indicators ?? []).map((i) => ({ text: truncate(i.text, MAX_VALUE) }));
}

const METHOD_NAMES: Record<string, string> = { questions: 'security questions', mobile: 'mobile (SMS codes)', pin: 'helpdesk PIN' };
export const methodsText = (methods: readonly string[]) => methods.map((m) => METHOD_NAMES[m] ?? m).join(', ');

// -------------------------------------------------------------------------------------- audit events

export function auditEventsData(view: AuditEventsView, now: Date) {
  const filters = [view.filter.days ? lastDays(view.filter.days) : 'all time', view.filter.type ? `type ${view.filter.type}` : ''].filter(Boolean);
  return {
    title: `Self-service events — ${who(view.target)}`,
    subtitle: `Newest first · ${filters.join(' · ')}${view.continued ? ' · continued' : ''}`,
    flagged: notInDirectory(view.target),
    vishingHeading: VISHING_HEADING,
    indicators: indicatorsData(view.indicators),
    emptyText: view.continued ? 'No older events.' : `No self-service events for ${who(view.target)}${view.filter.days || view.filter.type ? ' with these filters' : ''}.`,
    rows: view.events.map((e) => ({
      when: formatWhen(e.at, now) ?? e.at,
      type: truncate(e.detail ? `${eventTypeInWords(e.type)} (${e.detail})` : eventTypeInWords(e.type), 120),
      outcomeLabel: e.outcome === 'success' ? '✔ success' : '✖ failure',
      outcomeColor: e.outcome === 'success' ? 'Good' : 'Attention',
      style: e.outcome === 'success' ? 'default' : 'warning',
      ip: e.ip ?? 'no address',
      client: e.client ? truncate(e.client, 120) : 'no client',
    })),
    actions: view.actions.map(cardAction),
  };
}

// --------------------------------------------------------------------------------- sync transactions

const STATUS = {
  failed: { label: '✖ FAILED', color: 'Attention', style: 'attention' },
  pending: { label: '… pending', color: 'Warning', style: 'default' },
  succeeded: { label: '✔ succeeded', color: 'Good', style: 'default' },
} as const;

export function syncData(view: SyncTransactionsView, now: Date) {
  const shown = view.transactions.length;
  return {
    title: `Sync transactions — ${who(view.target)}`,
    subtitle: view.failedOnly
      ? `Failures only · ${shown} shown${view.truncated ? ' (more exist)' : ''}`
      : `${view.failedCount} failed of ${shown} shown · failures first${view.truncated ? ' · more exist' : ''}`,
    flagged: notInDirectory(view.target),
    emptyText: view.failedOnly ? `No failed sync transactions for ${who(view.target)}.` : `No sync transactions for ${who(view.target)}.`,
    rows: view.transactions.map((t) => ({
      when: formatWhen(t.at, now) ?? t.at,
      what: truncate([t.system, t.operation].filter(Boolean).join(' · '), 160),
      ...STATUS[t.status],
      error: t.error ? truncate(t.error, MAX_VALUE) : '',
      detail: t.detail ? truncate(t.detail, MAX_VALUE) : '',
    })),
  };
}

// ---------------------------------------------------------------------------------------- enrollment

export function enrollmentData(view: EnrollmentView, now: Date) {
  return {
    title: `Enrollment — ${who(view.target)}`,
    facts: [
      ...fact('Enrolled', view.enrolled ? 'Yes' : 'No', view.enrolled ? 'Good' : 'Warning'),
      ...fact('Methods', view.methods.length ? methodsText(view.methods) : 'none'),
      ...fact('Last changed', formatWhen(view.changedAt, now)),
    ],
    questionsHeading: view.questions.length ? `Security questions (${view.questions.length})` : 'No security questions enrolled.',
    questions: view.questions.map((q) => ({ question: truncate(q.question, MAX_VALUE), answer: q.maskedAnswer })),
    note: `Answers are masked (${view.mask}); this view is recorded in the helpdesk audit trail.`,
  };
}

// ------------------------------------------------------------------------- user details: the portal

export function portalDetailsData(view: UserDetailsView, now: Date) {
  const p = view.portal;
  const portal = !p
    ? []
    : [
        ...fact('Enrolled', p.enrolled ? `Yes — ${p.methods.length ? methodsText(p.methods) : 'no method'}` : 'No', p.enrolled ? 'Default' : 'Warning'),
        ...fact(
          'Portal lock',
          p.locked
            ? `Locked${p.lockedAt ? ` since ${formatWhen(p.lockedAt, now)}` : ''}, after ${p.failedAttempts} failed attempt${p.failedAttempts === 1 ? '' : 's'}`
            : p.failedAttempts > 0 ? `Not locked (${p.failedAttempts} failed attempt${p.failedAttempts === 1 ? '' : 's'})` : 'Not locked',
          p.locked ? 'Attention' : 'Good',
        ),
        ...fact('Last portal activity', p.lastActivity ? `${eventTypeInWords(p.lastActivity.type)} (${p.lastActivity.outcome}), ${formatWhen(p.lastActivity.at, now)}` : 'None'),
      ];
  return {
    hasPortal: p !== undefined,
    portalHeading: p && !p.hasAccount && !p.lastActivity ? 'Self-service portal: not used yet' : 'Self-service portal',
    portal,
    vishingHeading: VISHING_HEADING,
    indicators: indicatorsData(view.indicators),
  };
}
