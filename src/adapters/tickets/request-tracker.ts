// Request Tracker 5 through its REST2 API (token auth: "Authorization: token <authstring>"). The
// escalation's reference is kept in a ticket custom field (default "ExternalRef", applied to the queue),
// so a retry finds a ticket whose create answer was lost (TicketSQL `CF.{ExternalRef} = '…'`). Follow-ups
// are comments (internal: RT does not mail them to the requestor).
import { HelpdeskError } from '../../domain/errors';
import type { TicketDraft, TicketHandle, TicketSink, TicketState } from '../../ports/ticket-sink.port';
import { assertRef, field, requiredString, ticketRequest, trimSlash, type TicketHttpOptions } from './ticket-http';

export interface RequestTrackerOptions {
  /** RT's web base URL (e.g. https://rt.example.com or …/rt); REST2 is under /REST/2.0. */
  readonly url: string;
  readonly token: string;
  readonly queue: string;
  readonly refField?: string;
  readonly timeoutMs?: number;
}

/** RT 5's inactive statuses: the ticket is done with. */
const CLOSED = new Set(['resolved', 'rejected', 'deleted']);

export function requestTrackerSink(o: RequestTrackerOptions): TicketSink {
  const base = trimSlash(o.url);
  const api = `${base}/REST/2.0`;
  const refField = o.refField ?? 'ExternalRef';
  const http: TicketHttpOptions = { timeoutMs: o.timeoutMs ?? 10_000, headers: { Authorization: `token ${o.token}` } };
  const handle = (id: string): TicketHandle => ({ id, label: `RT #${id}`, url: `${base}/Ticket/Display.html?id=${encodeURIComponent(id)}` });
  const ticketPath = (t: TicketHandle) => {
    if (!/^\d+$/.test(t.id)) throw new Error('not an RT ticket id');
    return `${api}/ticket/${t.id}`;
  };

  return {
    kind: 'rt',
    async create(d: TicketDraft): Promise<TicketHandle> {
      const res = await ticketRequest(http, 'POST', `${api}/ticket`, {
        Queue: o.queue,
        Subject: d.subject,
        Content: d.body,
        ContentType: 'text/plain',
        ...(d.requestor ? { Requestor: d.requestor } : {}),
        CustomFields: { [refField]: assertRef(d.ref) },
      });
      if (res.status !== 201) throw new HelpdeskError('TICKETS.REJECTED', `RT create answered HTTP ${res.status}`);
      return handle(requiredString(res.json, 'a ticket id', 'id'));
    },
    async comment(t: TicketHandle, text: string): Promise<void> {
      const res = await ticketRequest(http, 'POST', `${ticketPath(t)}/comment`, { Content: text, ContentType: 'text/plain' });
      if (res.status === 404) throw new HelpdeskError('TICKETS.REJECTED', 'RT has no such ticket');
    },
    async state(t: TicketHandle): Promise<TicketState> {
      const res = await ticketRequest(http, 'GET', ticketPath(t));
      if (res.status === 404) return 'closed';
      const status = field(res.json, 'Status');
      return typeof status === 'string' && CLOSED.has(status.toLowerCase()) ? 'closed' : 'open';
    },
    async findByRef(ref: string): Promise<TicketHandle | undefined> {
      const q = new URLSearchParams({ query: `CF.{${refField}} = '${assertRef(ref)}'`, orderby: 'id', order: 'DESC', fields: 'Status' });
      const res = await ticketRequest(http, 'GET', `${api}/tickets?${q.toString()}`);
      const first = (field(res.json, 'items') as unknown[] | undefined)?.[0];
      return first === undefined ? undefined : handle(requiredString(first, 'a ticket id', 'id'));
    },
  };
}
