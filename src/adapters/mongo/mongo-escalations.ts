// Escalation tickets and their pending comments on MongoDB. "One active ticket per user and system" is a
// claim: the insert of escalation_active (_id (user, sink)) naming the ticket; of concurrent escalations on
// any replica one inserts it. Closing or failing the ticket deletes the claim (checked by its ref); a claim
// whose ticket is no longer active (or was never written: its writer died) is freed by a counted delete.
import type { Collection, Db } from 'mongodb';
import type { EscalationRecord, EscalationRepository, PendingComment } from '../../ports/escalations.port';
import type { TicketSinkKind } from '../../ports/ticket-sink.port';
import { claim, guard } from './mongo-errors';

interface TicketDoc {
  _id: string;
  user: string;
  sink: string;
  state: EscalationRecord['state'];
  ticket?: { id: string; label: string; url: string };
  subject: string;
  body: string;
  requestor?: string;
  reasonKey: string;
  createdAt: Date;
  updatedAt: Date;
  attempts: number;
  nextAttemptAt?: Date | null;
  lastError?: string | null;
}

interface ActiveDoc {
  _id: string;
  ref: string;
  at: Date;
}

interface CommentDoc {
  _id: number;
  ref: string;
  text: string;
  reasonKey?: string;
  createdAt: Date;
  sentAt?: Date;
}

export const ESCALATION_TICKETS = 'escalation_tickets';
export const ESCALATION_ACTIVE = 'escalation_active';
export const ESCALATION_COMMENTS = 'escalation_comments';

/** A claim whose ticket document is still missing after this long was left by a writer that died. */
const ORPHAN_CLAIM_MS = 60_000;

export async function createEscalationIndexes(db: Db): Promise<void> {
  await db.collection(ESCALATION_TICKETS).createIndex({ state: 1, nextAttemptAt: 1, createdAt: 1 }, { name: 'escalations_due' });
  await db.collection(ESCALATION_TICKETS).createIndex({ user: 1, sink: 1 }, { name: 'escalations_user' });
  await db.collection(ESCALATION_COMMENTS).createIndex({ ref: 1, _id: 1 }, { name: 'escalation_comments_ref' });
  await db.collection(ESCALATION_COMMENTS).createIndex({ sentAt: 1 }, { name: 'escalation_comments_unsent' });
}

function record(d: TicketDoc): EscalationRecord {
  return {
    ref: d._id,
    user: d.user,
    sink: d.sink as TicketSinkKind,
    state: d.state,
    ...(d.ticket ? { ticket: d.ticket } : {}),
    subject: d.subject,
    body: d.body,
    ...(d.requestor !== undefined ? { requestor: d.requestor } : {}),
    reasonKey: d.reasonKey,
    createdAt: d.createdAt,
    attempts: d.attempts,
    ...(d.nextAttemptAt ? { nextAttemptAt: d.nextAttemptAt } : {}),
    ...(d.lastError ? { lastError: d.lastError } : {}),
  };
}

const isActive = (state: EscalationRecord['state']) => state === 'pending' || state === 'open';

export function mongoEscalations(db: Db): EscalationRepository {
  const tickets: Collection<TicketDoc> = db.collection<TicketDoc>(ESCALATION_TICKETS);
  const active: Collection<ActiveDoc> = db.collection<ActiveDoc>(ESCALATION_ACTIVE);
  const comments: Collection<CommentDoc> = db.collection<CommentDoc>(ESCALATION_COMMENTS);
  const activeId = (user: string, sink: string) => JSON.stringify([user, sink]);
  let lastCommentId = 0;

  /** Frees the claim of (user, sink) if its ticket is no longer active; true when it is gone. */
  async function freeIfStale(id: string, now: Date): Promise<boolean> {
    const held = await active.findOne({ _id: id });
    if (!held) return true;
    const ticket = await tickets.findOne({ _id: held.ref });
    const stale = ticket ? !isActive(ticket.state) : held.at.getTime() < now.getTime() - ORPHAN_CLAIM_MS;
    return stale && (await active.deleteOne({ _id: id, ref: held.ref })).deletedCount === 1;
  }

  async function insert(r: EscalationRecord): Promise<boolean> {
    const id = activeId(r.user, r.sink);
    const mine = { _id: id, ref: r.ref, at: new Date() }; // wall-clock time: only the orphan check reads it
    if (!(await claim(active, mine))) {
      if (!(await freeIfStale(id, new Date()))) return false;
      if (!(await claim(active, mine))) return false;
    }
    await tickets.insertOne({
      _id: r.ref, user: r.user, sink: r.sink, state: 'pending', subject: r.subject, body: r.body,
      ...(r.requestor !== undefined ? { requestor: r.requestor } : {}),
      reasonKey: r.reasonKey, createdAt: r.createdAt, updatedAt: r.createdAt, attempts: 0, nextAttemptAt: r.createdAt,
    });
    return true;
  }

  /** Comments are numbered in order; the number is a claim (a unique _id), retried on a duplicate. */
  async function addComment(ref: string, text: string, at: Date, reasonKey?: string): Promise<void> {
    for (;;) {
      const top = await comments.findOne({}, { sort: { _id: -1 }, projection: { _id: 1 } });
      const id = Math.max(top?._id ?? 0, lastCommentId) + 1;
      const doc: CommentDoc = { _id: id, ref, text, ...(reasonKey !== undefined ? { reasonKey } : {}), createdAt: at };
      if (await claim(comments, doc)) {
        lastCommentId = id;
        return;
      }
    }
  }

  return {
    async active(user, sink) {
      return guard('escalation lookup', async () => {
        const d = await tickets.findOne({ user, sink, state: { $in: ['pending', 'open'] } });
        return d ? record(d) : undefined;
      });
    },
    async get(ref) {
      return guard('escalation get', async () => {
        const d = await tickets.findOne({ _id: ref });
        return d ? record(d) : undefined;
      });
    },
    async insert(r) {
      return guard('escalation insert', () => insert(r));
    },
    async created(ref, ticket, at) {
      await guard('escalation created', () => tickets.updateOne({ _id: ref }, {
        $set: { state: 'open', ticket: { id: ticket.id, label: ticket.label, url: ticket.url }, updatedAt: at, nextAttemptAt: null, lastError: null },
      }));
    },
    async attemptFailed(ref, error, next, at) {
      await guard('escalation attempt', () => tickets.updateOne({ _id: ref }, {
        $inc: { attempts: 1 }, $set: { lastError: error.slice(0, 300), nextAttemptAt: next, updatedAt: at },
      }));
    },
    async setState(ref, state, at, error) {
      await guard('escalation state', async () => {
        await tickets.updateOne({ _id: ref }, {
          $set: { state, updatedAt: at, nextAttemptAt: null, ...(error !== undefined ? { lastError: error.slice(0, 300) } : {}) },
        });
        const d = await tickets.findOne({ _id: ref });
        if (d) await active.deleteOne({ _id: activeId(d.user, d.sink), ref });
      });
    },
    async due(now, limit) {
      const n = Math.max(0, Math.floor(limit));
      if (n === 0) return [];
      return guard('escalations due', async () =>
        (await tickets.find({ state: 'pending', nextAttemptAt: { $lte: now } }, { sort: { nextAttemptAt: 1, createdAt: 1 }, limit: n }).toArray()).map(record));
    },
    async addComment(ref, text, at, reasonKey) {
      await guard('escalation comment', () => addComment(ref, text, at, reasonKey));
    },
    async unsentComments(ref): Promise<PendingComment[]> {
      return guard('escalation comments', async () =>
        (await comments.find({ ref, sentAt: { $exists: false } }, { sort: { _id: 1 } }).toArray()).map((c) => ({ id: c._id, ref: c.ref, text: c.text })));
    },
    async commentSent(id, at) {
      await guard('escalation comment sent', () => comments.updateOne({ _id: id }, { $set: { sentAt: at } }));
    },
    async openWithUnsentComments(limit) {
      const n = Math.max(0, Math.floor(limit));
      if (n === 0) return [];
      return guard('escalation comments due', async () => {
        const refs = (await comments.distinct('ref', { sentAt: { $exists: false } })) as string[];
        if (refs.length === 0) return [];
        return (await tickets.find({ _id: { $in: refs }, state: 'open' }, { projection: { _id: 1 }, limit: n }).toArray()).map((d) => d._id);
      });
    },
    async hasReason(ref, reasonKey, since) {
      return guard('escalation reason', async () =>
        (await tickets.countDocuments({ _id: ref, reasonKey, createdAt: { $gte: since } }, { limit: 1 })) +
        (await comments.countDocuments({ ref, reasonKey, createdAt: { $gte: since } }, { limit: 1 })) > 0);
    },
  };
}
