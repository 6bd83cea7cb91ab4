// Escalations go into a ticket system: Request Tracker, ServiceNow, Jira, a signed webhook, or the dev
// outbox on a developer's machine (shown in the local console, refused in production). Texts handed to a
// sink never hold a PIN, password, verification code or enrollment answer (src/service/tickets/ticket-text.ts
// builds them from what may be shown). Failures are HelpdeskErrors: TICKETS.UNAVAILABLE (down, timing
// out, 5xx: worth retrying) or TICKETS.REJECTED (auth, permissions, a request it refuses: not retried).
export type TicketSinkKind = 'rt' | 'servicenow' | 'jira' | 'webhook' | 'outbox';

export interface TicketDraft {
  /** Our reference for the escalation: kept in the ticket (a custom field, correlation id, label) and in our store. */
  readonly ref: string;
  readonly subject: string;
  /** Plain text. */
  readonly body: string;
  /** The user the ticket is about (their mail), where the system has requestors. */
  readonly requestor?: string;
}

export interface TicketHandle {
  /** The system's own id (RT ticket number, ServiceNow sys_id, Jira key). */
  readonly id: string;
  /** What people see: "RT #12", "INC0010001", "HD-7". */
  readonly label: string;
  readonly url: string;
}

export type TicketState = 'open' | 'closed';

export interface TicketSink {
  readonly kind: TicketSinkKind;
  create(draft: TicketDraft): Promise<TicketHandle>;
  /** An internal note (not mailed to the requestor where the system tells comments from replies). */
  comment(ticket: TicketHandle, text: string): Promise<void>;
  /** Open or closed (resolved, rejected…) in the system; a ticket the system no longer has is 'closed'. */
  state(ticket: TicketHandle): Promise<TicketState>;
  /**
   * The ticket created earlier with this reference, if the system can be searched for it: a retry looks
   * before it creates, so a create whose answer was lost does not make a second ticket. Sinks that cannot
   * search (the webhook) return undefined and send the reference as an idempotency key instead.
   */
  findByRef(ref: string): Promise<TicketHandle | undefined>;
}
