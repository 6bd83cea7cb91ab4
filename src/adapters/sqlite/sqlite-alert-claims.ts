// Alert claims on SQLite: a unique-key insert (INSERT OR IGNORE, one row changed = claimed), after purging expired claims.
import type Database from 'better-sqlite3';
import type { AlertClaimRepository } from '../../ports/alert-claims.port';
import { guard } from './store-unavailable';

export function sqliteAlertClaims(db: Database.Database): AlertClaimRepository {
  const purge = db.prepare<[number]>('DELETE FROM alert_claims WHERE expires_at <= ?');
  const insert = db.prepare<[string, number, number]>('INSERT OR IGNORE INTO alert_claims (key, claimed_at, expires_at) VALUES (?, ?, ?)');
  return {
    async claim(key, at, expiresAt) {
      return guard('alert claim', () => {
        purge.run(at.getTime());
        return insert.run(key, at.getTime(), expiresAt.getTime()).changes === 1;
      });
    },
  };
}
