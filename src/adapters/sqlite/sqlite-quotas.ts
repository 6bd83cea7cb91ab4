// Quotas on SQLite (migration 9): one row per place in use, (key, place) unique. take() does what the
// MongoDB store will do, one atomic statement at a time and no transaction: an INSERT that claims a free
// place (the unique key decides between racers, in this process or another), or a DELETE of a place whose
// use left the window, checked by its count, before claiming it. Reads only say where to try.
//
// Where to try first: the place after this process's last claim for the key (a ring: the place it comes
// back to holds the key's oldest use). Most takes are then one INSERT; only when that place is in use
// within the window does take() read every place of the key, and only that full look refuses.
import type Database from 'better-sqlite3';
import type { QuotaPlace, QuotaRepository, QuotaTake } from '../../ports/quotas.port';
import { guard } from './store-unavailable';

/** Rows past their window, deleted at most this often, up to PURGE_ROWS at a time (sooner while it falls behind). */
const PURGE_EVERY_MS = 1000;
const PURGE_ROWS = 1000;
/** Keys whose next place this process remembers; past this many it forgets them all (a guess, not a count). */
const HINTS_KEPT = 10_000;

export function sqliteQuotas(db: Database.Database): QuotaRepository {
  const inUse = db.prepare<[string, number], { place: number; at: number }>(
    'SELECT place, at FROM quota_places WHERE key = ? AND place < ? ORDER BY at');
  const claim = db.prepare<[string, number, number, number]>(
    'INSERT INTO quota_places (key, place, at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (key, place) DO NOTHING');
  const free = db.prepare<[string, number, number]>('DELETE FROM quota_places WHERE key = ? AND place = ? AND at = ?');
  const purge = db.prepare<[number, number]>(
    'DELETE FROM quota_places WHERE rowid IN (SELECT rowid FROM quota_places WHERE expires_at <= ? LIMIT ?)');
  const useAt = db.prepare<[string, number], { at: number }>('SELECT at FROM quota_places WHERE key = ? AND place = ?');
  const next = new Map<string, number>();
  let purgeDue = 0;

  /** The place if free, or if its use left the window and this call freed it (count 1); claimed, or undefined. */
  function claimAt(key: string, place: number, at: Date, windowMs: number): QuotaTake | undefined {
    const now = at.getTime();
    const taken = (): QuotaTake | undefined =>
      claim.run(key, place, now, now + windowMs).changes === 1 ? { ok: true, place: { key, place, at } } : undefined;
    const got = taken();
    if (got) return got;
    const use = useAt.get(key, place);
    return use && use.at <= now - windowMs && free.run(key, place, use.at).changes === 1 ? taken() : undefined;
  }

  function take(key: string, limit: number, windowMs: number, at: Date): QuotaTake {
    const now = at.getTime();
    if (now >= purgeDue) purgeDue = purge.run(now, PURGE_ROWS).changes < PURGE_ROWS ? now + PURGE_EVERY_MS : now;
    const hinted = next.get(key) ?? 0;
    const got = (hinted < limit ? claimAt(key, hinted, at, windowMs) : undefined) ?? search(key, limit, windowMs, at);
    if (got.ok) {
      if (next.size >= HINTS_KEPT) next.clear();
      next.set(key, (got.place.place + 1) % limit);
    }
    return got;
  }

  /** Every place of the key: the lowest free one, else the oldest whose use left the window; else refused. */
  function search(key: string, limit: number, windowMs: number, at: Date): QuotaTake {
    const now = at.getTime();
    const used = inUse.all(key, limit);
    const held = new Set(used.map((u) => u.place));
    for (let place = 0; place < limit; place++) {
      if (held.has(place)) continue;
      const got = claimAt(key, place, at, windowMs);
      if (got) return got;
    }
    // Places whose use left the window, oldest first.
    for (const u of used) {
      if (u.at > now - windowMs) break;
      const got = claimAt(key, u.place, at, windowMs);
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
