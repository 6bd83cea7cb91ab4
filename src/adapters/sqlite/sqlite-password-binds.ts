// The portal's password binds on SQLite, one row per claim (account, n): the primary key is the claim, as a
// unique index would be on MongoDB. A claimer reads the account's newest n and its claims in the window,
// then inserts n + 1; a concurrent claimer (another process on the same file) that took n + 1 first makes
// the insert a no-op, and the loser reads again.
import type Database from 'better-sqlite3';
import type { PasswordBindRepository } from '../../ports/password-binds.port';
import { guard } from './store-unavailable';

/** A claimer that keeps losing gives up (no bind): failing closed costs a user one try, not an AD lock. */
const CLAIM_TRIES = 5;

export function sqlitePasswordBinds(db: Database.Database): PasswordBindRepository {
  const read = db.prepare<[number, string], { last: number | null; recent: number | null }>(
    'SELECT max(n) AS last, sum(at > ?) AS recent FROM password_binds WHERE account = ?');
  const insert = db.prepare<[string, number, number]>('INSERT OR IGNORE INTO password_binds (account, n, at) VALUES (?, ?, ?)');
  // Claims that left the window go, but never the newest: it carries the sequence the next claim continues.
  const purge = db.prepare<[string, number, string]>(
    'DELETE FROM password_binds WHERE account = ? AND at <= ? AND n < (SELECT max(n) FROM password_binds WHERE account = ?)');

  return {
    async claim(account, at, budget) {
      if (budget.max <= 0) return false;
      const key = account.toLowerCase();
      const since = at.getTime() - budget.windowMs;
      return guard('password bind claim', () => {
        for (let i = 0; i < CLAIM_TRIES; i++) {
          const { last, recent } = read.get(since, key) ?? { last: null, recent: null };
          if ((recent ?? 0) >= budget.max) return false;
          if (insert.run(key, (last ?? 0) + 1, at.getTime()).changes === 1) {
            purge.run(key, since, key);
            return true;
          }
        }
        return false;
      });
    },
  };
}
