// Account changes on MongoDB, counted for the change limits. A reservation claims one of the `limit` places
// of its actor and one of its target (mongo-places.ts, holder = the change's id): unique-key inserts, so
// concurrent reservations on any number of replicas never hold more places than the limit. The count of
// the changes themselves says why a change is refused (and counts a supervisor's override, which takes no place).
// A reservation's outcome (done, or expired by the sweep after its process died) is claimed once: the insert
// of {_id: change id} into account_change_outcomes.
import type { Db } from 'mongodb';
import type { AccountChange, ChangeKind, ChangeLimitRepository, ChangeLimitsWindow, LimitCheck } from '../../ports/change-limits.port';
import { claim, guard } from './mongo-errors';
import { type PlaceDoc, placesInUse, purgePlaces, takePlace } from './mongo-places';

interface ChangeDoc {
  _id: string;
  at: Date;
  actor: string;
  target: string;
  action: string;
  kind: ChangeKind;
  /** Absent on a recorded change (an override or a completion counted anew): never swept. */
  leaseUntil?: Date;
}

interface OutcomeDoc {
  _id: string;
  outcome: 'done' | 'expired';
  at: Date;
}

/** Changes and places that left the window, deleted per reserve(): more than one reservation adds, so it keeps up. */
const PURGE_PER_CALL = 100;

export const ACCOUNT_CHANGES = 'account_changes';
export const CHANGE_PLACES = 'change_places';
export const CHANGE_OUTCOMES = 'account_change_outcomes';

export async function createAccountChangeIndexes(db: Db): Promise<void> {
  const changes = db.collection(ACCOUNT_CHANGES);
  await changes.createIndex({ kind: 1, actor: 1, at: 1 }, { name: 'account_changes_actor' });
  await changes.createIndex({ kind: 1, target: 1, at: 1 }, { name: 'account_changes_target' });
  await changes.createIndex({ target: 1, at: -1 }, { name: 'account_changes_recent' });
  await changes.createIndex({ at: 1 }, { name: 'account_changes_at' });
  await changes.createIndex({ leaseUntil: 1 }, { name: 'account_changes_lease' });
  await db.collection(CHANGE_OUTCOMES).createIndex({ at: 1 }, { name: 'account_change_outcomes_at' });
}

export function mongoAccountChanges(db: Db): ChangeLimitRepository {
  const changes = db.collection<ChangeDoc>(ACCOUNT_CHANGES);
  const places = db.collection<PlaceDoc>(CHANGE_PLACES);
  const outcomes = db.collection<OutcomeDoc>(CHANGE_OUTCOMES);
  const placeKey = (c: AccountChange, over: 'actor' | 'target') => JSON.stringify([c.kind, over, over === 'actor' ? c.actor : c.target]);

  async function check(c: AccountChange, limits: ChangeLimitsWindow): Promise<LimitCheck> {
    const since = new Date(c.at.getTime() - limits.windowMs);
    for (const [over, limit] of [['actor', limits.perActor], ['target', limits.perTarget]] as const) {
      const filter = { kind: c.kind, [over]: over === 'actor' ? c.actor : c.target, at: { $gt: since } };
      const n = await changes.countDocuments(filter);
      if (n >= limit) {
        // The change whose leaving the window brings the count under the limit: the (n - limit + 1)-th oldest.
        const oldest = (await changes.find(filter, { sort: { at: 1 }, skip: n - limit, limit: 1 }).toArray())[0]?.at ?? c.at;
        return { ok: false, over, count: n, freeAt: new Date(oldest.getTime() + limits.windowMs) };
      }
    }
    return { ok: true };
  }

  /** Refused for want of a place: the count says how many, or (racers not yet counted) the places do. */
  async function refused(c: AccountChange, limits: ChangeLimitsWindow, over: 'actor' | 'target', limit: number): Promise<LimitCheck> {
    const counted = await check(c, limits);
    if (!counted.ok) return counted;
    const oldest = (await placesInUse(places, placeKey(c, over), limit))[0]?.at ?? c.at;
    return { ok: false, over, count: limit, freeAt: new Date(oldest.getTime() + limits.windowMs) };
  }

  async function purge(before: Date, at: Date): Promise<void> {
    const ids = (await changes.find({ at: { $lte: before } }, { projection: { _id: 1 }, limit: PURGE_PER_CALL }).toArray()).map((d) => d._id);
    if (ids.length > 0) await changes.deleteMany({ _id: { $in: ids } });
    await purgePlaces(places, at, PURGE_PER_CALL);
    // An outcome is never older than its change, so it outlives it in the window.
    const done = (await outcomes.find({ at: { $lte: before } }, { projection: { _id: 1 }, limit: PURGE_PER_CALL }).toArray()).map((d) => d._id);
    if (done.length > 0) await outcomes.deleteMany({ _id: { $in: done } });
  }

  const insert = (c: AccountChange) => changes.insertOne({
    _id: c.id, at: c.at, actor: c.actor, target: c.target, action: c.action, kind: c.kind, ...(c.leaseUntil ? { leaseUntil: c.leaseUntil } : {}),
  });

  return {
    async check(c, limits) {
      return guard('change limit check', () => check(c, limits));
    },
    async reserve(c, limits) {
      return guard('change limit reserve', async (): Promise<LimitCheck> => {
        await purge(new Date(c.at.getTime() - limits.windowMs), c.at);
        const counted = await check(c, limits);
        if (!counted.ok) return counted;
        const actorPlace = await takePlace(places, placeKey(c, 'actor'), limits.perActor, limits.windowMs, c.at, c.id);
        if (!actorPlace) return refused(c, limits, 'actor', limits.perActor);
        const targetPlace = await takePlace(places, placeKey(c, 'target'), limits.perTarget, limits.windowMs, c.at, c.id);
        if (!targetPlace) {
          await places.deleteOne({ _id: actorPlace._id, holder: c.id });
          return refused(c, limits, 'target', limits.perTarget);
        }
        await insert(c);
        return { ok: true };
      });
    },
    async record(c) {
      await guard('change limit record', () => insert(c));
    },
    async release(id) {
      await guard('change limit release', async () => {
        await changes.deleteOne({ _id: id });
        await places.deleteMany({ holder: id });
      });
    },
    async complete(id, at) {
      return guard('change limit complete', async () => {
        // Whoever claims first decides: done here, or expired by a sweep that already gave the place back.
        if (await claim(outcomes, { _id: id, outcome: 'done', at })) return true;
        return (await outcomes.findOne({ _id: id }))?.outcome === 'done';
      });
    },
    async sweepExpired(now, max) {
      const n = Math.max(0, Math.floor(max));
      if (n === 0) return 0;
      return guard('change limit sweep', async () => {
        let released = 0;
        for (const c of await changes.find({ leaseUntil: { $lte: now } }, { projection: { _id: 1 }, limit: n }).toArray()) {
          if (!(await claim(outcomes, { _id: c._id, outcome: 'expired', at: now }))) continue; // done, or another sweep has it
          const { deletedCount } = await changes.deleteOne({ _id: c._id });
          await places.deleteMany({ holder: c._id });
          released += deletedCount;
        }
        return released;
      });
    },
    async recent(target, since, limit) {
      const n = Math.max(0, Math.floor(limit));
      if (n === 0) return [];
      return guard('recent account changes', async () =>
        (await changes.find({ target: target.toLowerCase(), at: { $gte: since } }, { sort: { at: -1 }, limit: n }).toArray())
          .map((d) => ({ id: d._id, at: d.at, actor: d.actor, target: d.target, action: d.action, kind: d.kind })));
    },
  };
}
