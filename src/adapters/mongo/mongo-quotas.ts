// Quotas on MongoDB: the window's places (mongo-places.ts), one collection for every key.
import type { Db } from 'mongodb';
import type { QuotaRepository, QuotaTake } from '../../ports/quotas.port';
import { guard } from './mongo-errors';
import { type PlaceDoc, placeId, placesInUse, purgePlaces, takePlace } from './mongo-places';

/** Places past their window, deleted per take(): more than one use adds, so it keeps up. */
const PURGE_PER_CALL = 100;

export const QUOTA_PLACES = 'quota_places';

export function mongoQuotas(db: Db): QuotaRepository {
  const places = db.collection<PlaceDoc>(QUOTA_PLACES);
  return {
    async take(key, limit, windowMs, at): Promise<QuotaTake> {
      return guard('quota take', async (): Promise<QuotaTake> => {
        await purgePlaces(places, at, PURGE_PER_CALL);
        const got = await takePlace(places, key, limit, windowMs, at);
        if (got) return { ok: true, place: { key, place: got.place, at } };
        const oldest = (await placesInUse(places, key, limit))[0]?.at.getTime() ?? at.getTime();
        return { ok: false, freeAt: new Date(oldest + windowMs) };
      });
    },
    async giveBack(p) {
      await guard('quota give back', () => places.deleteOne({ _id: placeId(p.key, p.place), at: p.at }));
    },
  };
}
