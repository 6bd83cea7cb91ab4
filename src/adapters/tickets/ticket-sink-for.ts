// TICKETS_KIND → the adapter (the composition root's one switch over ticket systems).
import type { TicketsConfig } from '../../config/config';
import type { TicketSink } from '../../ports/ticket-sink.port';
import { jiraSink } from './jira';
import { requestTrackerSink } from './request-tracker';
import { serviceNowSink } from './servicenow';
import { webhookSink } from './webhook';

export function ticketSinkFor(c: TicketsConfig): TicketSink {
  switch (c.kind) {
    case 'rt':
      return requestTrackerSink({ url: c.url, token: c.token, queue: c.queue ?? 'General', timeoutMs: c.timeoutMs });
    case 'servicenow':
      return serviceNowSink({ url: c.url, token: c.token, ...(c.user ? { user: c.user } : {}), ...(c.queue ? { assignmentGroup: c.queue } : {}), timeoutMs: c.timeoutMs });
    case 'jira':
      return jiraSink({
        url: c.url, token: c.token, timeoutMs: c.timeoutMs,
        ...(c.user ? { user: c.user } : {}),
        ...(c.project ? { project: c.project } : {}),
        ...(c.issueType ? { issueType: c.issueType } : {}),
        ...(c.serviceDeskId ? { serviceDeskId: c.serviceDeskId } : {}),
        ...(c.requestTypeId ? { requestTypeId: c.requestTypeId } : {}),
      });
    case 'webhook':
      return webhookSink({ url: c.url, secret: c.token, timeoutMs: c.timeoutMs });
  }
}
