// The portal's sessions on SQLite (migration 7). The id is the SHA-256 of the cookie's token.
import type Database from 'better-sqlite3';
import type { PortalSession, PortalSessionRepository, PortalSessionState } from '../../ports/portal-sessions.port';
import { groupCommit, type GroupCommit } from './group-commit';
import { guard } from './store-unavailable';

interface Row {
  id_hash: string;
  csrf: string;
  state: string;
  created_at: number;
  seen_at: number;
}

// Writes go through a group commit: the sign-ins of one event-loop turn cost one commit, not one each.
export function sqlitePortalSessions(db: Database.Database, commit: GroupCommit = groupCommit(db)): PortalSessionRepository {
  const insert = db.prepare('INSERT INTO portal_sessions (id_hash, csrf, state, created_at, seen_at) VALUES (?, ?, ?, ?, ?)');
  const select = db.prepare<[string], Row>('SELECT * FROM portal_sessions WHERE id_hash = ?');
  const update = db.prepare('UPDATE portal_sessions SET state = ?, seen_at = ? WHERE id_hash = ?');
  const remove = db.prepare('DELETE FROM portal_sessions WHERE id_hash = ?');
  const purge = db.prepare('DELETE FROM portal_sessions WHERE seen_at < ?');
  const insertSession = (s: PortalSession) => insert.run(s.idHash, s.csrf, JSON.stringify(s.state), s.createdAt.getTime(), s.seenAt.getTime());
  return {
    async create(s) {
      await commit('portal session create', () => insertSession(s));
    },
    async get(idHash) {
      const r = guard('portal session read', () => select.get(idHash));
      if (!r) return null;
      return { idHash: r.id_hash, csrf: r.csrf, state: JSON.parse(r.state) as PortalSessionState, createdAt: new Date(r.created_at), seenAt: new Date(r.seen_at) };
    },
    async save(idHash, state, seenAt) {
      await commit('portal session save', () => update.run(JSON.stringify(state), seenAt.getTime(), idHash));
    },
    async delete(idHash) {
      await commit('portal session delete', () => remove.run(idHash));
    },
    async rotate(oldIdHash, s) {
      // One write of the group's transaction: both or neither.
      await commit('portal session rotate', () => {
        remove.run(oldIdHash);
        insertSession(s);
      });
    },
    async purge(before) {
      return guard('portal session purge', () => purge.run(before.getTime()).changes);
    },
  };
}
