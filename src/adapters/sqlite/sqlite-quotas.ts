// Quotas on SQLite (migration 9): one row per place in use, (key, place) unique. take() does what the
// MongoDB store will do, one atomic statement at a time and no transaction: an INSERT that claims a free
// place (the unique key decides between racers, in this process or another), or a DELETE of a place whose
// use left the window, checked by its count, before claiming it. The SELECT only says where to try.
import type Database from 'better-sqlite3';
import type { QuotaPlace, QuotaRepository, QuotaTake } from '../../ports/quotas.port';
import { guard } from './store-unavailable';

/** Rows past their window, deleted per take(): more than one use adds, so it keeps up. */
const PURGE_PER_CALL = 100;

export function sqliteQuotas(db: Database.Database): QuotaRepository {
  const inUse = db.prepare<[string, number], { place: number; at: number }>(
    'SELECT place, at FROM quota_places WHERE key = ? AND place < ? ORDER BY at');
  const claim = db.prepare<[string, number, number, number]>(
    'INSERT INTO quota_places (key, place, at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (key, place) DO NOTHING');
  const free = db.prepare<[string, number, number]>('DELETE FROM quota_places WHERE key = ? AND place = ? AND at = ?');
  const purge = db.prepare<[number, number]>(
    'DELETE FROM quota_places WHERE rowid IN (SELECT rowid FROM quota_places WHERE expires_at <= ? LIMIT ?)');

  function take(key: string, limit: number, windowMs: number, at: Date): QuotaTake {
    const now = at.getTime();
    purge.run(now, PURGE_PER_CALL);
    const used = inUse.all(key, limit);
    const taken = (place: number): QuotaTake | undefined =>
      claim.run(key, place, now, now + windowMs).changes === 1 ? { ok: true, place: { key, place, at } } : undefined;
    const held = new Set(used.map((u) => u.place));
    for (let place = 0; place < limit; place++) {
      if (held.has(place)) continue;
      const got = taken(place);
      if (got) return got;
    }
    // Places whose use left the window, oldest first: whoever deletes it (count 1) may claim it.
    for (const u of used) {
      if (u.at > now - windowMs) break;
      if (free.run(key, u.place, u.at).changes !== 1) continue;
      const got = taken(u.place);
      if (got) return got;
    }
    const oldest = inUse.all(key, limit)[0]?.at ?? now;
    return { ok: false, freeAt: new Date(oldest + windowMs) };
  }

  return {
    async take(key, limit, windowMs, at) {
      return guard('quota take', () => take(key, limit, windowMs, at));
    },
    async giveBack(p: QuotaPlace) {
      guard('quota give back', () => {
        free.run(p.key, p.place, p.at.getTime());
      });
    },
  };
}
