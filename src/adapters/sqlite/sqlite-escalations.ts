// Escalation tickets and their pending comments on SQLite. The partial unique index on (user, sink) for
// pending and open tickets makes "one open ticket per user" atomic: a second insert is refused.
import type Database from 'better-sqlite3';
import type { EscalationRecord, EscalationRepository, PendingComment } from '../../ports/escalations.port';
import type { TicketSinkKind } from '../../ports/ticket-sink.port';
import { guard } from './store-unavailable';

interface Row {
  ref: string;
  user: string;
  sink: string;
  state: string;
  ticket_id: string | null;
  ticket_label: string | null;
  ticket_url: string | null;
  subject: string;
  body: string;
  requestor: string | null;
  reason_key: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
}

function record(r: Row): EscalationRecord {
  return {
    ref: r.ref,
    user: r.user,
    sink: r.sink as TicketSinkKind,
    state: r.state as EscalationRecord['state'],
    ...(r.ticket_id !== null ? { ticket: { id: r.ticket_id, label: r.ticket_label ?? r.ticket_id, url: r.ticket_url ?? '' } } : {}),
    subject: r.subject,
    body: r.body,
    ...(r.requestor !== null ? { requestor: r.requestor } : {}),
    reasonKey: r.reason_key,
    createdAt: new Date(r.created_at),
    attempts: r.attempts,
    ...(r.next_attempt_at !== null ? { nextAttemptAt: new Date(r.next_attempt_at) } : {}),
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
  };
}

export function sqliteEscalations(db: Database.Database): EscalationRepository {
  const active = db.prepare<[string, string], Row>(
    "SELECT * FROM escalation_tickets WHERE user = ? AND sink = ? AND state IN ('pending', 'open')");
  const get = db.prepare<[string], Row>('SELECT * FROM escalation_tickets WHERE ref = ?');
  const insert = db.prepare(`INSERT INTO escalation_tickets
    (ref, user, sink, state, subject, body, requestor, reason_key, created_at, updated_at, attempts, next_attempt_at)
    VALUES (@ref, @user, @sink, 'pending', @subject, @body, @requestor, @reasonKey, @at, @at, 0, @at)
    ON CONFLICT DO NOTHING`);
  const created = db.prepare<[string, string, string, number, string]>(`UPDATE escalation_tickets
    SET state = 'open', ticket_id = ?, ticket_label = ?, ticket_url = ?, updated_at = ?, next_attempt_at = NULL, last_error = NULL
    WHERE ref = ?`);
  const failedAttempt = db.prepare<[string, number, number, string]>(`UPDATE escalation_tickets
    SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE ref = ?`);
  const setState = db.prepare<[string, number, string | null, string]>(`UPDATE escalation_tickets
    SET state = ?, updated_at = ?, next_attempt_at = NULL, last_error = coalesce(?, last_error) WHERE ref = ?`);
  const due = db.prepare<[number, number], Row>(`SELECT * FROM escalation_tickets
    WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?`);
  const addComment = db.prepare<[string, string, string | null, number]>(
    'INSERT INTO escalation_comments (ref, text, reason_key, created_at) VALUES (?, ?, ?, ?)');
  const unsent = db.prepare<[string], PendingComment>(
    'SELECT id, ref, text FROM escalation_comments WHERE ref = ? AND sent_at IS NULL ORDER BY id');
  const sent = db.prepare<[number, number]>('UPDATE escalation_comments SET sent_at = ? WHERE id = ?');
  const openUnsent = db.prepare<[number], { ref: string }>(`SELECT DISTINCT c.ref FROM escalation_comments c
    JOIN escalation_tickets t ON t.ref = c.ref WHERE c.sent_at IS NULL AND t.state = 'open' LIMIT ?`);
  const hasReason = db.prepare<[string, string, number, string, string, number], { n: number }>(`SELECT
    (SELECT count(*) FROM escalation_tickets WHERE ref = ? AND reason_key = ? AND created_at >= ?) +
    (SELECT count(*) FROM escalation_comments WHERE ref = ? AND reason_key = ? AND created_at >= ?) AS n`);

  return {
    async active(user, sink) {
      return guard('escalation lookup', () => {
        const row = active.get(user, sink);
        return row ? record(row) : undefined;
      });
    },
    async get(ref) {
      return guard('escalation get', () => {
        const row = get.get(ref);
        return row ? record(row) : undefined;
      });
    },
    async insert(r) {
      return guard('escalation insert', () =>
        insert.run({ ref: r.ref, user: r.user, sink: r.sink, subject: r.subject, body: r.body, requestor: r.requestor ?? null, reasonKey: r.reasonKey, at: r.createdAt.getTime() })
          .changes === 1);
    },
    async created(ref, ticket, at) {
      guard('escalation created', () => created.run(ticket.id, ticket.label, ticket.url, at.getTime(), ref));
    },
    async attemptFailed(ref, error, next, at) {
      guard('escalation attempt', () => failedAttempt.run(error.slice(0, 300), next.getTime(), at.getTime(), ref));
    },
    async setState(ref, state, at, error) {
      guard('escalation state', () => setState.run(state, at.getTime(), error?.slice(0, 300) ?? null, ref));
    },
    async due(now, limit) {
      return guard('escalations due', () => due.all(now.getTime(), limit).map(record));
    },
    async addComment(ref, text, at, reasonKey) {
      guard('escalation comment', () => addComment.run(ref, text, reasonKey ?? null, at.getTime()));
    },
    async unsentComments(ref) {
      return guard('escalation comments', () => unsent.all(ref));
    },
    async commentSent(id, at) {
      guard('escalation comment sent', () => sent.run(at.getTime(), id));
    },
    async openWithUnsentComments(limit) {
      return guard('escalation comments due', () => openUnsent.all(limit).map((r) => r.ref));
    },
    async hasReason(ref, key, since) {
      return guard('escalation reason', () => (hasReason.get(ref, key, since.getTime(), ref, key, since.getTime())?.n ?? 0) > 0);
    },
  };
}
