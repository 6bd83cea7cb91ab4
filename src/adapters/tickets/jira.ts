// Jira Cloud through REST v3: an issue in a project (POST /rest/api/3/issue, description in Atlassian
// Document Format), or, with a service desk id, a Jira Service Management request (POST
// /rest/servicedeskapi/request). Our reference is a label on the issue (JQL `labels = "…"` finds it
// before a retry creates). Follow-ups are comments (JSM: internal, `public: false`). Basic auth with the
// account's e-mail and an API token, or a bearer token (a personal access token on Data Center).
import { HelpdeskError } from '../../domain/errors';
import type { TicketDraft, TicketHandle, TicketSink, TicketState } from '../../ports/ticket-sink.port';
import { assertRef, authHeader, field, requiredString, ticketRequest, trimSlash, type TicketHttpOptions } from './ticket-http';

export interface JiraOptions {
  readonly url: string;
  readonly token: string;
  /** The account's e-mail (Basic auth with the API token); without it the token is a bearer token. */
  readonly user?: string;
  /** Project key for REST v3 issues. */
  readonly project?: string;
  readonly issueType?: string;
  /** Jira Service Management: create requests in this service desk, of this request type. */
  readonly serviceDeskId?: string;
  readonly requestTypeId?: string;
  readonly timeoutMs?: number;
}

/** Plain text as an Atlassian Document: one paragraph per line (empty lines dropped). */
export function adf(text: string): object {
  const paragraphs = text.split('\n').map((line) => line.trimEnd());
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((line) => (line === '' ? { type: 'paragraph', content: [] } : { type: 'paragraph', content: [{ type: 'text', text: line }] })),
  };
}

export function jiraSink(o: JiraOptions): TicketSink {
  const base = trimSlash(o.url);
  const http: TicketHttpOptions = { timeoutMs: o.timeoutMs ?? 10_000, headers: authHeader(o.token, o.user) };
  const handle = (key: string): TicketHandle => ({ id: key, label: key, url: `${base}/browse/${encodeURIComponent(key)}` });
  const keyOf = (t: TicketHandle) => {
    if (!/^[A-Z][A-Z0-9_]*-\d+$/.test(t.id)) throw new Error('not a Jira issue key');
    return t.id;
  };
  const serviceDesk = o.serviceDeskId !== undefined;

  return {
    kind: 'jira',
    async create(d: TicketDraft): Promise<TicketHandle> {
      const label = assertRef(d.ref);
      if (serviceDesk) {
        const res = await ticketRequest(http, 'POST', `${base}/rest/servicedeskapi/request`, {
          serviceDeskId: o.serviceDeskId,
          requestTypeId: o.requestTypeId,
          requestFieldValues: { summary: d.subject, description: d.body, labels: [label] },
        });
        if (res.status !== 201) throw new HelpdeskError('TICKETS.REJECTED', `Jira Service Management create answered HTTP ${res.status}`);
        return handle(requiredString(res.json, 'an issue key', 'issueKey'));
      }
      const res = await ticketRequest(http, 'POST', `${base}/rest/api/3/issue`, {
        fields: {
          project: { key: o.project },
          issuetype: { name: o.issueType ?? 'Task' },
          summary: d.subject,
          description: adf(d.body),
          labels: [label],
        },
      });
      if (res.status !== 201) throw new HelpdeskError('TICKETS.REJECTED', `Jira create answered HTTP ${res.status}`);
      return handle(requiredString(res.json, 'an issue key', 'key'));
    },
    async comment(t: TicketHandle, text: string): Promise<void> {
      const key = keyOf(t);
      const res = serviceDesk
        ? await ticketRequest(http, 'POST', `${base}/rest/servicedeskapi/request/${key}/comment`, { body: text, public: false })
        : await ticketRequest(http, 'POST', `${base}/rest/api/3/issue/${key}/comment`, { body: adf(text) });
      if (res.status === 404) throw new HelpdeskError('TICKETS.REJECTED', 'Jira has no such issue');
    },
    async state(t: TicketHandle): Promise<TicketState> {
      const res = await ticketRequest(http, 'GET', `${base}/rest/api/3/issue/${keyOf(t)}?fields=status`);
      if (res.status === 404) return 'closed';
      return field(res.json, 'fields', 'status', 'statusCategory', 'key') === 'done' ? 'closed' : 'open';
    },
    async findByRef(ref: string): Promise<TicketHandle | undefined> {
      const q = new URLSearchParams({ jql: `labels = "${assertRef(ref)}" ORDER BY created DESC`, fields: 'status', maxResults: '1' });
      const res = await ticketRequest(http, 'GET', `${base}/rest/api/3/search/jql?${q.toString()}`);
      const first = (field(res.json, 'issues') as unknown[] | undefined)?.[0];
      return first === undefined ? undefined : handle(requiredString(first, 'an issue key', 'key'));
    },
  };
}
