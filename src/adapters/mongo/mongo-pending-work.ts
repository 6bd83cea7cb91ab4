// Pending chat work and work leases on MongoDB (pending-work.port.ts). A lease is a claim: the insert of
// {_id: key} into work_leases, refused by the unique _id while another replica holds it; an expired lease
// is purged by a delete first. Removing work is a deleteOne whose deletedCount says who removed it. No
// conditional update anywhere (FerretDB applies those as read-then-replace: notes/mongodb.md).
import type { Db } from 'mongodb';
import type { PendingWork, PendingWorkRepository } from '../../ports/pending-work.port';
import { claim, guard } from './mongo-errors';

interface WorkDoc {
  _id: string;
  group: string;
  dueAt?: Date;
  payload: string;
  expiresAt: Date;
  /** Order within a group. */
  addedAt: Date;
}

interface LeaseDoc {
  _id: string;
  until: Date;
}

export const PENDING_WORK = 'pending_work';
export const WORK_LEASES = 'work_leases';

export async function createPendingWorkIndexes(db: Db): Promise<void> {
  await db.collection(PENDING_WORK).createIndex({ dueAt: 1 }, { name: 'pending_work_due' });
  await db.collection(PENDING_WORK).createIndex({ group: 1, addedAt: 1 }, { name: 'pending_work_group' });
  await db.collection(PENDING_WORK).createIndex({ expiresAt: 1 }, { name: 'pending_work_expiry' });
  await db.collection(WORK_LEASES).createIndex({ until: 1 }, { name: 'work_leases_until' });
}

function work(d: WorkDoc): PendingWork {
  return { key: d._id, group: d.group, ...(d.dueAt ? { dueAt: d.dueAt } : {}), payload: d.payload, expiresAt: d.expiresAt };
}

export function mongoPendingWork(db: Db): PendingWorkRepository {
  const pending = db.collection<WorkDoc>(PENDING_WORK);
  const leases = db.collection<LeaseDoc>(WORK_LEASES);
  return {
    async add(w, now) {
      return guard('pending work add', async () => {
        await pending.deleteMany({ expiresAt: { $lte: now } });
        return claim(pending, {
          _id: w.key, group: w.group, ...(w.dueAt ? { dueAt: w.dueAt } : {}), payload: w.payload, expiresAt: w.expiresAt, addedAt: now,
        });
      });
    },
    async due(dueBy, now, limit, groupPrefix) {
      const n = Math.max(0, Math.floor(limit));
      if (n === 0) return [];
      // Groups are ASCII: every group starting with the prefix sorts below the prefix and U+FFFF.
      const inGroups = groupPrefix ? { group: { $gte: groupPrefix, $lt: `${groupPrefix}\uffff` } } : {};
      return guard('pending work due', async () =>
        (await pending.find({ dueAt: { $lte: dueBy }, expiresAt: { $gt: now }, ...inGroups }, { sort: { dueAt: 1, addedAt: 1 }, limit: n }).toArray()).map(work));
    },
    async inGroup(group, now) {
      return guard('pending work group', async () =>
        (await pending.find({ group, expiresAt: { $gt: now } }, { sort: { addedAt: 1, _id: 1 } }).toArray()).map(work));
    },
    async lease(key, now, until) {
      return guard('work lease', async () => {
        await leases.deleteOne({ _id: key, until: { $lte: now } });
        return claim(leases, { _id: key, until });
      });
    },
    async remove(key) {
      return guard('pending work remove', async () => {
        const removed = (await pending.deleteOne({ _id: key })).deletedCount === 1;
        await leases.deleteOne({ _id: key });
        return removed;
      });
    },
  };
}
