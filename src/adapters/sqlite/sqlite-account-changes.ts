// Account changes on SQLite, counted for the change limits. reserve() counts and inserts in one IMMEDIATE
// transaction (write lock taken before the count), so two concurrent reservations — in this process or
// another — are serialised and cannot both take the last place under a limit.
import type Database from 'better-sqlite3';
import type { AccountChange, ChangeKind, ChangeLimitRepository, ChangeLimitsWindow, LimitCheck } from '../../ports/change-limits.port';
import { guard } from './store-unavailable';

/** Rows that left the window, deleted per reserve(): more than one reservation adds, so it keeps up. */
const PURGE_PER_CALL = 100;

export function sqliteAccountChanges(db: Database.Database): ChangeLimitRepository {
  const countBy = (column: 'actor' | 'target') =>
    db.prepare<[string, string, number], { n: number }>(`SELECT count(*) AS n FROM account_changes WHERE kind = ? AND ${column} = ? AND at > ?`);
  // The change whose leaving the window brings the count under the limit: the (count - limit + 1)-th oldest.
  const nthOldestBy = (column: 'actor' | 'target') =>
    db.prepare<[string, string, number, number], { at: number }>(
      `SELECT at FROM account_changes WHERE kind = ? AND ${column} = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?`);
  const count = { actor: countBy('actor'), target: countBy('target') };
  const nthOldest = { actor: nthOldestBy('actor'), target: nthOldestBy('target') };
  const insertRow = db.prepare<[string, number, string, string, string, string]>(
    'INSERT INTO account_changes (id, at, actor, target, action, kind) VALUES (?, ?, ?, ?, ?, ?)');
  const insert = (c: AccountChange) => insertRow.run(c.id, c.at.getTime(), c.actor, c.target, c.action, c.kind);
  const remove = db.prepare<[string]>('DELETE FROM account_changes WHERE id = ?');
  const recent = db.prepare<[string, number, number], { id: string; at: number; actor: string; target: string; action: string; kind: ChangeKind }>(
    'SELECT id, at, actor, target, action, kind FROM account_changes WHERE target = ? AND at >= ? ORDER BY at DESC LIMIT ?');
  const purge = db.prepare<[number, number]>(
    'DELETE FROM account_changes WHERE id IN (SELECT id FROM account_changes WHERE at <= ? LIMIT ?)');

  function check(c: AccountChange, limits: ChangeLimitsWindow): LimitCheck {
    const since = c.at.getTime() - limits.windowMs;
    for (const [over, key, limit] of [['actor', c.actor, limits.perActor], ['target', c.target, limits.perTarget]] as const) {
      const n = count[over].get(c.kind, key, since)?.n ?? 0;
      if (n >= limit) {
        const oldest = nthOldest[over].get(c.kind, key, since, n - limit)?.at ?? c.at.getTime();
        return { ok: false, over, count: n, freeAt: new Date(oldest + limits.windowMs) };
      }
    }
    return { ok: true };
  }

  const reserveTx = db.transaction((c: AccountChange, limits: ChangeLimitsWindow): LimitCheck => {
    purge.run(c.at.getTime() - limits.windowMs, PURGE_PER_CALL);
    const result = check(c, limits);
    if (result.ok) insert(c);
    return result;
  });

  return {
    async check(c, limits) {
      return guard('change limit check', () => check(c, limits));
    },
    async reserve(c, limits) {
      return guard('change limit reserve', () => reserveTx.immediate(c, limits));
    },
    async record(c) {
      guard('change limit record', () => {
        insert(c);
      });
    },
    async release(id) {
      guard('change limit release', () => {
        remove.run(id);
      });
    },
    async recent(target, since, limit) {
      return guard('recent account changes', () =>
        recent.all(target.toLowerCase(), since.getTime(), Math.max(0, Math.floor(limit))).map((r) => ({ ...r, at: new Date(r.at) })));
    },
  };
}
