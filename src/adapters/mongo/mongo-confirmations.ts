// Single-use confirmation tokens on MongoDB. Consuming is a claim: the insert of a use document whose _id
// is the token's hash, so of any number of concurrent consumers (on any replica) exactly one inserts it;
// the others get a duplicate key and read "used". A refused consume writes nothing.
import type { Db } from 'mongodb';
import type { Action } from '../../domain/policy';
import type { ConfirmationRepository, ConsumeResult } from '../../ports/confirmations.port';
import { claim, guard } from './mongo-errors';

interface ConfirmationDoc {
  _id: string;
  actor: string;
  action: string;
  target: string;
  createdAt: Date;
  expiresAt: Date;
}

interface UseDoc {
  _id: string;
  usedAt: Date;
  expiresAt: Date;
}

export const CONFIRMATIONS = 'confirmations';
export const CONFIRMATION_USES = 'confirmation_uses';

export async function createConfirmationIndexes(db: Db): Promise<void> {
  await db.collection(CONFIRMATIONS).createIndex({ expiresAt: 1 }, { name: 'confirmations_expiry' });
  await db.collection(CONFIRMATION_USES).createIndex({ expiresAt: 1 }, { name: 'confirmation_uses_expiry' });
}

export function mongoConfirmations(db: Db): ConfirmationRepository {
  const tokens = db.collection<ConfirmationDoc>(CONFIRMATIONS);
  const uses = db.collection<UseDoc>(CONFIRMATION_USES);
  return {
    async save(c) {
      await guard('confirmation save', () => tokens.insertOne({
        _id: c.tokenHash, actor: c.actor, action: c.action, target: c.target, createdAt: c.createdAt, expiresAt: c.expiresAt,
      }));
    },
    async consume(tokenHash, actor, now): Promise<ConsumeResult> {
      return guard('confirmation consume', async (): Promise<ConsumeResult> => {
        const token = await tokens.findOne({ _id: tokenHash });
        // Refused: say why. Another agent learns only "wrong-actor", not whether the token was used.
        if (!token) return { ok: false, reason: 'unknown' };
        if (token.actor !== actor) return { ok: false, reason: 'wrong-actor' };
        if (await uses.findOne({ _id: tokenHash })) return { ok: false, reason: 'used' };
        if (token.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
        if (!(await claim(uses, { _id: tokenHash, usedAt: now, expiresAt: token.expiresAt }))) {
          return { ok: false, reason: 'used' };
        }
        return {
          ok: true,
          confirmation: {
            tokenHash, actor: token.actor, action: token.action as Action, // only save() writes it, from a typed Action
            target: token.target, createdAt: token.createdAt, expiresAt: token.expiresAt,
          },
        };
      });
    },
    async check(tokenHash, actor, now): Promise<ConsumeResult> {
      // Read only: the consume (the claim) comes later, just before the change.
      return guard('confirmation check', async (): Promise<ConsumeResult> => {
        const token = await tokens.findOne({ _id: tokenHash });
        if (!token) return { ok: false, reason: 'unknown' };
        if (token.actor !== actor) return { ok: false, reason: 'wrong-actor' };
        if (await uses.findOne({ _id: tokenHash })) return { ok: false, reason: 'used' };
        if (token.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
        return {
          ok: true,
          confirmation: {
            tokenHash, actor: token.actor, action: token.action as Action, // only save() writes it, from a typed Action
            target: token.target, createdAt: token.createdAt, expiresAt: token.expiresAt,
          },
        };
      });
    },
    async purgeExpired(before, max) {
      const limit = Math.max(0, Math.floor(max));
      if (limit === 0) return 0;
      return guard('confirmation purge', async () => {
        const ids = (await tokens.find({ expiresAt: { $lt: before } }, { projection: { _id: 1 }, limit }).toArray()).map((d) => d._id);
        if (ids.length === 0) return 0;
        const { deletedCount } = await tokens.deleteMany({ _id: { $in: ids } });
        await uses.deleteMany({ _id: { $in: ids } });
        return deletedCount;
      });
    },
  };
}
