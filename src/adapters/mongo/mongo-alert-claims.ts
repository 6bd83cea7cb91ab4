// Alert claims on MongoDB: one document per key, _id = key. Claiming is a unique-key insert (the server
// decides between racers in any number of replicas); an expired claim is deleted first, so whoever's
// insert follows it claims the next window. No read decides anything.
import type { Db } from 'mongodb';
import type { AlertClaimRepository } from '../../ports/alert-claims.port';
import { claim, guard } from './mongo-errors';

interface AlertClaimDoc {
  _id: string;
  claimedAt: Date;
  expiresAt: Date;
}

export const ALERT_CLAIMS = 'alert_claims';

export async function createAlertClaimIndexes(db: Db): Promise<void> {
  await db.collection(ALERT_CLAIMS).createIndex({ expiresAt: 1 }, { name: 'alert_claims_expiry' });
}

export function mongoAlertClaims(db: Db): AlertClaimRepository {
  const claims = db.collection<AlertClaimDoc>(ALERT_CLAIMS);
  return {
    async claim(key, at, expiresAt) {
      return guard('alert claim', async () => {
        await claims.deleteMany({ expiresAt: { $lte: at } });
        return claim(claims, { _id: key, claimedAt: at, expiresAt });
      });
    },
  };
}
