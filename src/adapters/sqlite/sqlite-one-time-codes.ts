// One-time codes on SQLite (the pins, verification_codes and portal_codes tables share one shape). better-sqlite3 is
// synchronous, so each transaction below runs whole before any other statement of this process; each takes the
// write lock first (IMMEDIATE), so another process's read-then-write waits (busy_timeout) instead of failing.
import { timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { CodeCheck, OneTimeCodeRecord, OneTimeCodeRepository } from '../../ports/one-time-codes.port';
import { guard } from './store-unavailable';

interface CodeRow {
  user: string;
  pin_hmac: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  failed_tries: number;
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  // Both are HMAC-SHA256 (32 bytes); a malformed candidate still costs one comparison of that length.
  if (x.length !== 32 || y.length !== 32) {
    timingSafeEqual(Buffer.alloc(32), Buffer.alloc(32));
    return false;
  }
  return timingSafeEqual(x, y);
}

export function sqliteOneTimeCodes(db: Database.Database, table: 'pins' | 'verification_codes' | 'portal_codes'): OneTimeCodeRepository {
  const read = db.prepare<[string], CodeRow>(`SELECT user, pin_hmac, created_at, expires_at, used_at, failed_tries FROM ${table} WHERE user = ?`);
  const upsert = db.prepare<[string, string, number, number, number, string]>(`INSERT INTO ${table}
    (user, pin_hmac, created_at, expires_at, used_at, failed_tries, created_by) VALUES (?, ?, ?, ?, NULL, ?, ?)
    ON CONFLICT (user) DO UPDATE SET pin_hmac = excluded.pin_hmac, created_at = excluded.created_at,
    expires_at = excluded.expires_at, used_at = NULL, failed_tries = excluded.failed_tries, created_by = excluded.created_by`);
  const markUsed = db.prepare<[number, string]>(`UPDATE ${table} SET used_at = ? WHERE user = ?`);
  const fail = db.prepare<[string]>(`UPDATE ${table} SET failed_tries = failed_tries + 1 WHERE user = ?`);
  const expire = db.prepare<[number, string, string]>(`UPDATE ${table} SET expires_at = min(expires_at, ?) WHERE user = ? AND pin_hmac = ? AND used_at IS NULL`);

  const issue = db.transaction((r: OneTimeCodeRecord, carrySince: number): number => {
    const old = read.get(r.user);
    const carried = old && old.used_at === null && old.created_at >= carrySince ? old.failed_tries : 0;
    upsert.run(r.user, r.hmac, r.createdAt.getTime(), r.expiresAt.getTime(), carried, r.createdBy);
    return carried;
  });
  const check = db.transaction((user: string, hmac: string, now: number, maxTries: number): CodeCheck => {
    const row = read.get(user);
    if (!row) return 'unknown';
    // The value first: a wrong code learns nothing of the code's state (used, locked, expired), and every
    // wrong code counts a failure, whatever that state.
    if (!sameHex(row.pin_hmac, hmac)) {
      fail.run(user);
      return row.failed_tries + 1 >= maxTries ? 'spent' : 'invalid';
    }
    if (row.used_at !== null) return 'used';
    if (row.failed_tries >= maxTries) return 'locked';
    if (row.expires_at <= now) return 'expired';
    markUsed.run(now, user);
    return 'valid';
  });

  return {
    async issue(record, carrySince) {
      return guard(`${table} issue`, () => ({ failedTries: issue.immediate(record, carrySince.getTime()) }));
    },
    async check(user, hmac, now, maxTries) {
      return guard(`${table} check`, () => check.immediate(user, hmac, now.getTime(), maxTries));
    },
    async revoke(user, hmac, now) {
      guard(`${table} revoke`, () => {
        expire.run(now.getTime(), user, hmac);
      });
    },
    async usedSince(user, since) {
      return guard(`${table} usedSince`, () => {
        const row = read.get(user);
        return row?.used_at != null && row.used_at >= since.getTime() ? new Date(row.used_at) : undefined;
      });
    },
  };
}
