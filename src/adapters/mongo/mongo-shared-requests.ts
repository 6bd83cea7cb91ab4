// Shared-conversation requests on MongoDB. Expired documents are purged whenever one is saved or looked up.
import type { Db } from 'mongodb';
import type { Command } from '../../domain/command';
import type { SharedRequestLookup, SharedRequestRepository } from '../../ports/shared-requests.port';
import { guard } from './mongo-errors';

interface SharedRequestDoc {
  _id: string;
  /** JSON, as on SQLite: the command comes back exactly as saved. */
  command: string;
  askerLogin: string;
  askerChatUserId: string;
  createdAt: Date;
  expiresAt: Date;
}

export const SHARED_REQUESTS = 'shared_requests';

export function mongoSharedRequests(db: Db): SharedRequestRepository {
  const requests = db.collection<SharedRequestDoc>(SHARED_REQUESTS);
  const purge = (at: Date) => requests.deleteMany({ expiresAt: { $lte: at } });
  return {
    async save(r) {
      await guard('shared request save', async () => {
        await purge(r.createdAt);
        await requests.insertOne({
          _id: r.id, command: JSON.stringify(r.command), askerLogin: r.askerLogin, askerChatUserId: r.askerChatUserId,
          createdAt: r.createdAt, expiresAt: r.expiresAt,
        });
      });
    },
    async find(id, now): Promise<SharedRequestLookup> {
      return guard('shared request find', async (): Promise<SharedRequestLookup> => {
        const d = await requests.findOne({ _id: id });
        await purge(now);
        if (!d) return { ok: false, reason: 'unknown' };
        if (d.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
        return {
          ok: true,
          request: {
            id: d._id, command: JSON.parse(d.command) as Command, // only save() writes it, from a typed Command
            askerLogin: d.askerLogin, askerChatUserId: d.askerChatUserId, createdAt: d.createdAt, expiresAt: d.expiresAt,
          },
        };
      });
    },
  };
}
