// References to shown one-time secrets on SQLite (never the secret). Expired rows are purged on use.
import type Database from 'better-sqlite3';
import type { ShownSecret, ShownSecretRepository } from '../../ports/shown-secrets.port';
import { guard } from './store-unavailable';

interface ShownSecretRow {
  ref: string;
  viewer: string;
  target: string;
  target_name: string;
  label: string;
  shown_at: number;
  expires_at: number;
}

export function sqliteShownSecrets(db: Database.Database): ShownSecretRepository {
  const insert = db.prepare<[string, string, string, string, string, number, number]>(`INSERT INTO shown_secrets
    (ref, viewer, target, target_name, label, shown_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const read = db.prepare<[string, number], ShownSecretRow>('SELECT * FROM shown_secrets WHERE ref = ? AND expires_at > ?');
  const purge = db.prepare<[number]>('DELETE FROM shown_secrets WHERE expires_at <= ?');

  return {
    async save(s: ShownSecret): Promise<void> {
      guard('shown secret save', () => {
        db.transaction(() => {
          purge.run(s.shownAt.getTime());
          insert.run(s.ref, s.viewer, s.target, s.targetName, s.label, s.shownAt.getTime(), s.expiresAt.getTime());
        })();
      });
    },
    async find(ref: string, now: Date): Promise<ShownSecret | undefined> {
      return guard('shown secret find', () => {
        const row = read.get(ref, now.getTime());
        purge.run(now.getTime());
        if (!row) return undefined;
        return {
          ref: row.ref,
          viewer: row.viewer,
          target: row.target,
          targetName: row.target_name,
          label: row.label,
          shownAt: new Date(row.shown_at),
          expiresAt: new Date(row.expires_at),
        };
      });
    },
  };
}
