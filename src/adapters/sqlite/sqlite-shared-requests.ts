// Shared-conversation requests on SQLite. Expired rows are purged whenever one is saved or looked up.
import type Database from 'better-sqlite3';
import type { Command } from '../../domain/command';
import type { SharedRequest, SharedRequestLookup, SharedRequestRepository } from '../../ports/shared-requests.port';
import { guard } from './store-unavailable';

interface SharedRequestRow {
  id: string;
  command: string;
  asker_login: string;
  asker_chat_user_id: string;
  created_at: number;
  expires_at: number;
}

export function sqliteSharedRequests(db: Database.Database): SharedRequestRepository {
  const insert = db.prepare<[string, string, string, string, number, number]>(`INSERT INTO shared_requests
    (id, command, asker_login, asker_chat_user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const read = db.prepare<[string], SharedRequestRow>('SELECT * FROM shared_requests WHERE id = ?');
  const purge = db.prepare<[number]>('DELETE FROM shared_requests WHERE expires_at <= ?');

  return {
    async save(r: SharedRequest): Promise<void> {
      guard('shared request save', () => {
        db.transaction(() => {
          purge.run(r.createdAt.getTime());
          insert.run(r.id, JSON.stringify(r.command), r.askerLogin, r.askerChatUserId, r.createdAt.getTime(), r.expiresAt.getTime());
        })();
      });
    },
    async find(id: string, now: Date): Promise<SharedRequestLookup> {
      return guard('shared request find', (): SharedRequestLookup => {
        const row = read.get(id);
        purge.run(now.getTime());
        if (!row) return { ok: false, reason: 'unknown' };
        if (row.expires_at <= now.getTime()) return { ok: false, reason: 'expired' };
        return {
          ok: true,
          request: {
            id: row.id,
            command: JSON.parse(row.command) as Command, // only save() writes this column, from a typed Command
            askerLogin: row.asker_login,
            askerChatUserId: row.asker_chat_user_id,
            createdAt: new Date(row.created_at),
            expiresAt: new Date(row.expires_at),
          },
        };
      });
    },
  };
}
