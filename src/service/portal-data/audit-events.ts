// `audit <user> [days=N] [type=T]`: the user's self-service events, newest first, a page at a time. The
// "More" button carries the last shown event's id as the cursor (and the agent's own filters), never
// the events: the server reads the next page again, after re-checking the presser's role.
import type { PortalEvent } from '../../domain/portal';
import { VERBS } from '../../domain/verbs';
import {
  escalateButton,
  commandRoute,
  pressRoute,
  type UseCaseCall,
  type ActionButton,
  type AuditEventsView,
  type PortalEventRow,
} from '../kernel';
import { portalTarget } from './portal-target';
import { indicatorsFor } from './vishing-facts';

export const AUDIT_PAGE_SIZE = 10;
const DAY_MS = 24 * 3_600_000;
const MAX_CLIENT = 120;

export interface AuditQuery {
  readonly days?: number;
  readonly type?: string;
  /** The last shown event's id: the page starts after it. */
  readonly cursor?: number;
}

export function eventRow(e: PortalEvent): PortalEventRow {
  return {
    at: e.at.toISOString(),
    type: e.type,
    outcome: e.outcome,
    ...(e.ip ? { ip: e.ip } : {}),
    ...(e.userAgent ? { client: e.userAgent.slice(0, MAX_CLIENT) } : {}),
    ...(e.detail ? { detail: e.detail } : {}),
  };
}

export async function auditEvents(call: UseCaseCall<'portalEvents'>, login: string, q: AuditQuery): Promise<AuditEventsView> {
  const { env, subject } = call;
  const target = await portalTarget(call, login);
  const since = q.days ? new Date(env.clock.now().getTime() - q.days * DAY_MS) : undefined;
  const [page, indicators] = await Promise.all([
    env.store.portalEvents.list({
      user: target.key,
      limit: AUDIT_PAGE_SIZE + 1,
      category: 'self-service',
      ...(since ? { since } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(q.cursor !== undefined ? { beforeSeq: q.cursor } : {}),
    }),
    indicatorsFor(env, target.key, call.ctx.timeZone),
  ]);
  const shown = page.slice(0, AUDIT_PAGE_SIZE);
  const last = shown[shown.length - 1];
  const actions: ActionButton[] =
    page.length > AUDIT_PAGE_SIZE && last
      ? [{
          verb: VERBS.auditMore,
          label: 'More',
          data: { user: target.view.login, cursor: String(last.seq), ...(q.days ? { days: String(q.days) } : {}), ...(q.type ? { type: q.type } : {}) },
        }]
      : [];
  if (target.view.inDirectory) actions.push(...escalateButton(env, call.actor, target.view.login));
  subject.detail = [subject.detail, `${shown.length} events${q.cursor !== undefined ? ' (more)' : ''}`].filter(Boolean).join('; ');
  return {
    kind: 'audit-events',
    target: target.view,
    filter: { ...(q.days ? { days: q.days } : {}), ...(q.type ? { type: q.type } : {}) },
    events: shown.map(eventRow),
    continued: q.cursor !== undefined,
    indicators,
    actions,
  };
}

/** A "More" press's data back to a query; anything malformed reads as no filter (the page is still the user's). */
function queryOf(data: Readonly<Record<string, string>>): AuditQuery {
  const cursor = /^\d{1,15}$/.test(data.cursor ?? '') ? Number(data.cursor) : undefined;
  const days = /^\d{1,4}$/.test(data.days ?? '') && Number(data.days) >= 1 ? Number(data.days) : undefined;
  const type = /^[\w.-]{1,64}$/.test(data.type ?? '') ? data.type : undefined;
  return { ...(cursor !== undefined ? { cursor } : {}), ...(days ? { days } : {}), ...(type ? { type } : {}) };
}

export const auditEventsRoutes = [
  commandRoute('audit', {
    action: 'audit.view',
    target: (c) => c.user,
    run: (call, c) => auditEvents(call, c.user, { ...(c.days ? { days: c.days } : {}), ...(c.type ? { type: c.type } : {}) }),
  }),
  pressRoute(VERBS.auditMore, { action: 'audit.view', run: (call, data) => auditEvents(call, data.user ?? '', queryOf(data)) }),
];
