// ServiceNow through its Table API: an `incident` per escalation, our reference in `correlation_id`
// (so a retry can look it up before creating), follow-ups as `work_notes` (internal). Basic auth (an
// integration user and its password) or an OAuth bearer token. Closed: inactive, or state Resolved (6),
// Closed (7) or Canceled (8).
import { HelpdeskError } from '../../domain/errors';
import type { TicketDraft, TicketHandle, TicketSink, TicketState } from '../../ports/ticket-sink.port';
import { assertRef, authHeader, field, requiredString, ticketRequest, trimSlash, type TicketHttpOptions } from './ticket-http';

export interface ServiceNowOptions {
  /** The instance, e.g. https://example.service-now.com */
  readonly url: string;
  readonly token: string;
  /** With a user: Basic auth (user + password in `token`); without: `token` is an OAuth bearer token. */
  readonly user?: string;
  /** assignment_group (a group's sys_id or name), when set. */
  readonly assignmentGroup?: string;
  readonly timeoutMs?: number;
}

const CLOSED_STATES = new Set(['6', '7', '8']);

export function serviceNowSink(o: ServiceNowOptions): TicketSink {
  const base = trimSlash(o.url);
  const table = `${base}/api/now/table/incident`;
  const http: TicketHttpOptions = { timeoutMs: o.timeoutMs ?? 10_000, headers: authHeader(o.token, o.user) };
  const handle = (sysId: string, number: string): TicketHandle => ({
    id: sysId,
    label: number,
    url: `${base}/nav_to.do?uri=${encodeURIComponent(`incident.do?sys_id=${sysId}`)}`,
  });
  const recordUrl = (t: TicketHandle) => {
    if (!/^[0-9a-f]{32}$/i.test(t.id)) throw new Error('not a ServiceNow sys_id');
    return `${table}/${t.id}`;
  };

  return {
    kind: 'servicenow',
    async create(d: TicketDraft): Promise<TicketHandle> {
      const res = await ticketRequest(http, 'POST', `${table}?sysparm_fields=sys_id,number`, {
        short_description: d.subject,
        description: d.body,
        correlation_id: assertRef(d.ref),
        correlation_display: 'MyPass Helpdesk',
        ...(o.assignmentGroup ? { assignment_group: o.assignmentGroup } : {}),
      });
      if (res.status !== 201) throw new HelpdeskError('TICKETS.REJECTED', `ServiceNow create answered HTTP ${res.status}`);
      return handle(requiredString(res.json, 'a sys_id', 'result', 'sys_id'), requiredString(res.json, 'a number', 'result', 'number'));
    },
    async comment(t: TicketHandle, text: string): Promise<void> {
      const res = await ticketRequest(http, 'PATCH', `${recordUrl(t)}?sysparm_fields=sys_id`, { work_notes: text });
      if (res.status === 404) throw new HelpdeskError('TICKETS.REJECTED', 'ServiceNow has no such incident');
    },
    async state(t: TicketHandle): Promise<TicketState> {
      const res = await ticketRequest(http, 'GET', `${recordUrl(t)}?sysparm_fields=state,active`);
      if (res.status === 404) return 'closed';
      const active = field(res.json, 'result', 'active');
      const state = field(res.json, 'result', 'state');
      return active === 'false' || active === false || CLOSED_STATES.has(String(state)) ? 'closed' : 'open';
    },
    async findByRef(ref: string): Promise<TicketHandle | undefined> {
      const q = new URLSearchParams({
        sysparm_query: `correlation_id=${assertRef(ref)}^ORDERBYDESCsys_created_on`,
        sysparm_fields: 'sys_id,number',
        sysparm_limit: '1',
      });
      const res = await ticketRequest(http, 'GET', `${table}?${q.toString()}`);
      const first = (field(res.json, 'result') as unknown[] | undefined)?.[0];
      return first === undefined ? undefined : handle(requiredString(first, 'a sys_id', 'sys_id'), requiredString(first, 'a number', 'number'));
    },
  };
}
