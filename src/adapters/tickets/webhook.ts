// A generic webhook: each ticket event is one JSON POST to TICKETS_URL, signed with the shared secret
// (TICKETS_TOKEN) like this:
//
//   X-MyPass-Timestamp: 1764583200                       (unix seconds when it was sent)
//   X-MyPass-Delivery:  mypass-…                         (the same on every retry of one event)
//   X-MyPass-Signature: t=1764583200,v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
//
// A receiver recomputes the HMAC over the raw body, compares in constant time, refuses a timestamp older
// than a few minutes (a replayed delivery) and handles a delivery id once (a retried one). Failures
// (network, 429, 5xx) are retried here with exponential backoff; a 2xx answer may carry
// `{"id": "...", "url": "..."}` naming the receiver's ticket. A webhook cannot be asked whether a ticket
// was closed, so its tickets stay open as far as the helpdesk knows (later escalations comment on them).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HelpdeskError, isHelpdeskError } from '../../domain/errors';
import type { TicketDraft, TicketHandle, TicketSink, TicketState } from '../../ports/ticket-sink.port';
import { assertRef, field, ticketRequest } from './ticket-http';

export interface WebhookOptions {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs?: number;
  /** Attempts per event (default 4) and the first pause between them (doubling; default 500 ms). */
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly now?: () => Date;
}

export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export type WebhookCheck = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'bad-signature' | 'stale' };

/** What a receiver does: the signature over the raw body, and the timestamp within `toleranceSec` of now. */
export function verifyWebhook(secret: string, header: string | undefined, rawBody: string, now: Date, toleranceSec = 300): WebhookCheck {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m?.[1] || !m[2]) return { ok: false, reason: 'malformed' };
  const timestamp = Number(m[1]);
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody).slice(-64), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(m[2], 'hex'))) return { ok: false, reason: 'bad-signature' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSec) return { ok: false, reason: 'stale' };
  return { ok: true, timestamp };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function webhookSink(o: WebhookOptions): TicketSink {
  const now = o.now ?? (() => new Date());
  const attempts = o.attempts ?? 4;
  const backoffMs = o.backoffMs ?? 500;

  async function deliver(delivery: string, event: Record<string, unknown>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      // A fresh timestamp (and so signature) on every attempt; the delivery id stays.
      const sentAt = now();
      const timestamp = Math.floor(sentAt.getTime() / 1000);
      const body = JSON.stringify({ ...event, delivery, sentAt: sentAt.toISOString() });
      try {
        const res = await ticketRequest({ timeoutMs: o.timeoutMs ?? 10_000, headers: {} }, 'POST', o.url, body, {
          'X-MyPass-Timestamp': String(timestamp),
          'X-MyPass-Delivery': delivery,
          'X-MyPass-Signature': signWebhook(o.secret, timestamp, body),
        });
        if (res.status === 404) throw new HelpdeskError('TICKETS.REJECTED', 'webhook answered HTTP 404');
        return res.json;
      } catch (err) {
        if (!isHelpdeskError(err) || err.code !== 'TICKETS.UNAVAILABLE' || attempt >= attempts) throw err;
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  return {
    kind: 'webhook',
    async create(d: TicketDraft): Promise<TicketHandle> {
      const ref = assertRef(d.ref);
      const answer = await deliver(`${ref}.create`, { type: 'ticket.create', ref, subject: d.subject, body: d.body, ...(d.requestor ? { requestor: d.requestor } : {}) });
      const id = field(answer, 'id');
      const url = field(answer, 'url');
      return {
        id: typeof id === 'string' && id !== '' ? id.slice(0, 200) : ref,
        label: typeof id === 'string' && id !== '' ? id.slice(0, 60) : ref,
        url: typeof url === 'string' && /^https?:\/\//.test(url) ? url : '',
      };
    },
    async comment(t: TicketHandle, text: string): Promise<void> {
      const digest = createHmac('sha256', 'delivery').update(`${t.id}\n${text}`).digest('hex').slice(0, 16);
      await deliver(`${t.id}.comment.${digest}`, { type: 'ticket.comment', ticket: t.id, text });
    },
    async state(): Promise<TicketState> {
      return 'open';
    },
    async findByRef(): Promise<TicketHandle | undefined> {
      return undefined;
    },
  };
}
