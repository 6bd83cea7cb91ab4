// Places in a sliding window, shared by the quotas and the change limits: a key has `limit` places, one
// document each, _id (key, place). Taking one is a claim (a unique-key insert: the server decides between
// racers on every replica), or the delete of a place whose use left the window, checked by its count,
// followed by a claim. No read decides anything: a read only says where to try.
import type { Collection, Db } from 'mongodb';
import { claim } from './mongo-errors';

export interface PlaceDoc {
  _id: string;
  key: string;
  place: number;
  at: Date;
  /** When the use leaves the window (the purge's index). */
  expiresAt: Date;
  /** What holds the place (an account change's id), when it can be released by it. */
  holder?: string;
}

export const placeId = (key: string, place: number): string => JSON.stringify([key, place]);

export async function createPlaceIndexes(db: Db, name: string): Promise<void> {
  await db.collection(name).createIndex({ key: 1, at: 1 }, { name: `${name}_key_at` });
  await db.collection(name).createIndex({ expiresAt: 1 }, { name: `${name}_expiry` });
  await db.collection(name).createIndex({ holder: 1 }, { name: `${name}_holder` });
}

/** The places of `key` in use (below `limit`), oldest use first. */
export function placesInUse(places: Collection<PlaceDoc>, key: string, limit: number): Promise<PlaceDoc[]> {
  return places.find({ key, place: { $lt: limit } }, { sort: { at: 1 } }).toArray();
}

/** Takes a place of `key` for a use at `at`; the place taken, or undefined when all `limit` are in use within the window. */
export async function takePlace(places: Collection<PlaceDoc>, key: string, limit: number, windowMs: number, at: Date, holder?: string):
  Promise<PlaceDoc | undefined> {
  const now = at.getTime();
  const used = await placesInUse(places, key, limit);
  const doc = (place: number): PlaceDoc => ({
    _id: placeId(key, place), key, place, at, expiresAt: new Date(now + windowMs), ...(holder !== undefined ? { holder } : {}),
  });
  const held = new Set(used.map((u) => u.place));
  for (let place = 0; place < limit; place++) {
    if (held.has(place)) continue;
    const d = doc(place);
    if (await claim(places, d)) return d;
  }
  // Places whose use left the window, oldest first: whoever deletes it (count 1) may claim it.
  for (const u of used) {
    if (u.at.getTime() > now - windowMs) break;
    if ((await places.deleteOne({ _id: u._id, at: u.at })).deletedCount !== 1) continue;
    const d = doc(u.place);
    if (await claim(places, d)) return d;
  }
  return undefined;
}

/** Deletes up to `max` places whose use left the window by `at`. */
export async function purgePlaces(places: Collection<PlaceDoc>, at: Date, max: number): Promise<void> {
  const ids = (await places.find({ expiresAt: { $lte: at } }, { projection: { _id: 1 }, limit: max }).toArray()).map((d) => d._id);
  if (ids.length > 0) await places.deleteMany({ _id: { $in: ids }, expiresAt: { $lte: at } });
}
