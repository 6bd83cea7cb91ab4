// Account changes on MongoDB, counted for the change limits. A reservation claims one of the `limit` places
// of its actor and one of its target (mongo-places.ts, holder = the change's id): unique-key inserts, so
// concurrent reservations on any number of replicas never hold more places than the limit. The count of
// the changes themselves says why a change is refused (and counts a supervisor's override, which takes no place).
import type { Db } from 'mongodb';
import type { AccountChange, ChangeKind, ChangeLimitRepository, ChangeLimitsWindow, LimitCheck } from '../../ports/change-limits.port';
import { guard } from './mongo-errors';
import { type PlaceDoc, placesInUse, purgePlaces, takePlace } from './mongo-places';

interface ChangeDoc {
  _id: string;
  at: Date;
  actor: string;
  target: string;
  action: string;
  kind: ChangeKind;
}

/** Changes and places that left the window, deleted per reserve(): more than one reservation adds, so it keeps up. */
const PURGE_PER_CALL = 100;

export const ACCOUNT_CHANGES = 'account_changes';
export const CHANGE_PLACES = 'change_places';

export async function createAccountChangeIndexes(db: Db): Promise<void> {
  const changes = db.collection(ACCOUNT_CHANGES);
  await changes.createIndex({ kind: 1, actor: 1, at: 1 }, { name: 'account_changes_actor' });
  await changes.createIndex({ kind: 1, target: 1, at: 1 }, { name: 'account_changes_target' });
  await changes.createIndex({ target: 1, at: -1 }, { name: 'account_changes_recent' });
  await changes.createIndex({ at: 1 }, { name: 'account_changes_at' });
}

export function mongoAccountChanges(db: Db): ChangeLimitRepository {
  const changes = db.collection<ChangeDoc>(ACCOUNT_CHANGES);
  const places = db.collection<PlaceDoc>(CHANGE_PLACES);
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
  }

  const insert = (c: AccountChange) => changes.insertOne({ _id: c.id, at: c.at, actor: c.actor, target: c.target, action: c.action, kind: c.kind });

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
    async recent(target, since, limit) {
      const n = Math.max(0, Math.floor(limit));
      if (n === 0) return [];
      return guard('recent account changes', async () =>
        (await changes.find({ target: target.toLowerCase(), at: { $gte: since } }, { sort: { at: -1 }, limit: n }).toArray())
          .map((d) => ({ id: d._id, at: d.at, actor: d.actor, target: d.target, action: d.action, kind: d.kind })));
    },
  };
}
