// Approval requests on MongoDB. The request document never changes; its decision and its showing are
// claims in approval_marks, unique-key inserts with _id (id, 'decision') and (id, 'shown'): of any number
// of supervisors pressing at once on any replica, one inserts the decision; the approved secret is shown once.
import type { Collection, Db, Filter } from 'mongodb';
import type { Approval, ApprovalKind, ApprovalRepository, Decision } from '../../ports/approvals.port';
import { claim, guard } from './mongo-errors';

interface ApprovalDoc {
  _id: string;
  kind: string;
  requester: string;
  requesterChatUserId: string;
  requesterName: string;
  target: string;
  targetName: string;
  createdAt: Date;
  expiresAt: Date;
}

interface MarkDoc {
  _id: string;
  approval: string;
  kind: 'decision' | 'shown';
  at: Date;
  status?: 'approved' | 'denied';
  by?: string;
  byName?: string;
}

export const APPROVALS = 'approvals';
export const APPROVAL_MARKS = 'approval_marks';

export async function createApprovalIndexes(db: Db): Promise<void> {
  await db.collection(APPROVALS).createIndex({ expiresAt: 1, createdAt: -1 }, { name: 'approvals_open' });
  await db.collection(APPROVALS).createIndex({ kind: 1, requester: 1, target: 1, createdAt: -1 }, { name: 'approvals_pending' });
  await db.collection(APPROVAL_MARKS).createIndex({ approval: 1 }, { name: 'approval_marks_approval' });
}

function toApproval(d: ApprovalDoc, marks: readonly MarkDoc[], now: Date): Approval {
  const decision = marks.find((m) => m.kind === 'decision');
  const shown = marks.find((m) => m.kind === 'shown');
  const status = decision?.status ?? (d.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending');
  return {
    id: d._id, kind: d.kind as ApprovalKind, requester: d.requester, requesterChatUserId: d.requesterChatUserId, requesterName: d.requesterName,
    target: d.target, targetName: d.targetName, status,
    ...(decision?.by ? { decidedBy: decision.by } : {}),
    ...(decision?.byName ? { decidedByName: decision.byName } : {}),
    ...(decision ? { decidedAt: decision.at } : {}),
    createdAt: d.createdAt, expiresAt: d.expiresAt,
    ...(shown ? { shownAt: shown.at } : {}),
  };
}

export function mongoApprovals(db: Db): ApprovalRepository {
  const approvals: Collection<ApprovalDoc> = db.collection<ApprovalDoc>(APPROVALS);
  const marks: Collection<MarkDoc> = db.collection<MarkDoc>(APPROVAL_MARKS);
  const insertMark = (m: MarkDoc) => claim(marks, m);

  async function read(id: string, now: Date): Promise<Approval | undefined> {
    const d = await approvals.findOne({ _id: id });
    return d ? toApproval(d, await marks.find({ approval: id }).toArray(), now) : undefined;
  }

  /** Unexpired requests matching `filter`, newest first, without a decision: at most `limit`. */
  async function open(filter: Filter<ApprovalDoc>, now: Date, limit: number): Promise<Approval[]> {
    const out: Approval[] = [];
    let skip = 0;
    const batch = Math.max(limit * 2, 16);
    while (out.length < limit) {
      const docs = await approvals.find({ ...filter, expiresAt: { $gt: now } }, { sort: { createdAt: -1, _id: 1 }, skip, limit: batch }).toArray();
      if (docs.length === 0) break;
      const decided = new Set((await marks.find({ approval: { $in: docs.map((d) => d._id) }, kind: 'decision' }).toArray()).map((m) => m.approval));
      for (const d of docs) if (!decided.has(d._id) && out.length < limit) out.push(toApproval(d, [], now));
      skip += docs.length;
    }
    return out;
  }

  return {
    async create(a) {
      await guard('approval create', () => approvals.insertOne({
        _id: a.id, kind: a.kind, requester: a.requester, requesterChatUserId: a.requesterChatUserId, requesterName: a.requesterName,
        target: a.target, targetName: a.targetName, createdAt: a.createdAt, expiresAt: a.expiresAt,
      }));
    },
    async find(id, now) {
      return guard('approval find', () => read(id, now));
    },
    async findPending(kind, requester, target, now) {
      return guard('approval findPending', async () => (await open({ kind, requester, target }, now, 1))[0]);
    },
    async decide(id, status, by, byName, now): Promise<Decision> {
      return guard('approval decide', async (): Promise<Decision> => {
        const before = await read(id, now);
        if (before?.status !== 'pending') return { ok: false, approval: before };
        const won = await insertMark({ _id: `${id}:decision`, approval: id, kind: 'decision', at: now, status, by, byName });
        const approval = await read(id, now);
        return won && approval ? { ok: true, approval } : { ok: false, approval };
      });
    },
    async listPending(now, limit) {
      const n = Math.max(0, Math.floor(limit));
      return n === 0 ? [] : guard('approval listPending', () => open({}, now, n));
    },
    async markShown(id, now) {
      return guard('approval markShown', async () => {
        const approval = await read(id, now);
        if (approval?.status !== 'approved' || approval.shownAt) return false;
        return insertMark({ _id: `${id}:shown`, approval: id, kind: 'shown', at: now });
      });
    },
  };
}
