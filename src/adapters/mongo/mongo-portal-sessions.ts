// The portal's sessions on MongoDB. The id is the SHA-256 of the cookie's token. A save is an update by
// _id that never upserts, so a session deleted (rotated) by another replica is not brought back.
import type { Db } from 'mongodb';
import type { PortalSession, PortalSessionRepository, PortalSessionState } from '../../ports/portal-sessions.port';
import { guard } from './mongo-errors';

interface SessionDoc {
  _id: string;
  csrf: string;
  /** JSON, as on SQLite: the state comes back exactly as saved. */
  state: string;
  createdAt: Date;
  seenAt: Date;
}

export const PORTAL_SESSIONS = 'portal_sessions';

export async function createPortalSessionIndexes(db: Db): Promise<void> {
  await db.collection(PORTAL_SESSIONS).createIndex({ seenAt: 1 }, { name: 'portal_sessions_seen' });
}

export function mongoPortalSessions(db: Db): PortalSessionRepository {
  const sessions = db.collection<SessionDoc>(PORTAL_SESSIONS);
  const create = (s: PortalSession) => guard('portal session create', () => sessions.insertOne({
    _id: s.idHash, csrf: s.csrf, state: JSON.stringify(s.state), createdAt: s.createdAt, seenAt: s.seenAt,
  }));
  return {
    async create(s) {
      await create(s);
    },
    async get(idHash) {
      const d = await guard('portal session read', () => sessions.findOne({ _id: idHash }));
      if (!d) return null;
      return { idHash: d._id, csrf: d.csrf, state: JSON.parse(d.state) as PortalSessionState, createdAt: d.createdAt, seenAt: d.seenAt };
    },
    async save(idHash, state, seenAt) {
      await guard('portal session save', () => sessions.updateOne({ _id: idHash }, { $set: { state: JSON.stringify(state), seenAt } }));
    },
    async delete(idHash) {
      await guard('portal session delete', () => sessions.deleteOne({ _id: idHash }));
    },
    async rotate(oldIdHash, s) {
      // The old one first: a failure between the two leaves the user signed out, never two sessions.
      await guard('portal session rotate', () => sessions.deleteOne({ _id: oldIdHash }));
      await create(s);
    },
    async purge(before) {
      return guard('portal session purge', async () => (await sessions.deleteMany({ seenAt: { $lt: before } })).deletedCount);
    },
  };
}
