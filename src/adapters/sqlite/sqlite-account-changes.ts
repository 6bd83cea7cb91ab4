// Account changes on SQLite, counted for the change limits. reserve() counts and inserts in one IMMEDIATE
// transaction (write lock taken before the count), so two concurrent reservations — in this process or
// another — are serialised and cannot both take the last place under a limit. A reservation's outcome (done,
// or expired by the sweep) is claimed once by its primary key in account_change_outcomes.
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
  const insertRow = db.prepare<[string, number, string, string, string, string, number | null]>(
    'INSERT INTO account_changes (id, at, actor, target, action, kind, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insert = (c: AccountChange) => insertRow.run(c.id, c.at.getTime(), c.actor, c.target, c.action, c.kind, c.leaseUntil?.getTime() ?? null);
  const remove = db.prepare<[string]>('DELETE FROM account_changes WHERE id = ?');
  const recent = db.prepare<[string, number, number], { id: string; at: number; actor: string; target: string; action: string; kind: ChangeKind }>(
    'SELECT id, at, actor, target, action, kind FROM account_changes WHERE target = ? AND at >= ? ORDER BY at DESC LIMIT ?');
  const purge = db.prepare<[number, number]>(
    'DELETE FROM account_changes WHERE id IN (SELECT id FROM account_changes WHERE at <= ? LIMIT ?)');
  // An outcome is never older than its change, so it outlives it in the window.
  const purgeOutcomes = db.prepare<[number, number]>(
    'DELETE FROM account_change_outcomes WHERE id IN (SELECT id FROM account_change_outcomes WHERE at <= ? LIMIT ?)');
  const claimOutcome = db.prepare<[string, 'done' | 'expired', number]>(
    'INSERT INTO account_change_outcomes (id, outcome, at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING');
  const outcomeOf = db.prepare<[string], { outcome: 'done' | 'expired' }>('SELECT outcome FROM account_change_outcomes WHERE id = ?');
  const expired = db.prepare<[number, number], { id: string }>(
    `SELECT c.id FROM account_changes c WHERE c.lease_until IS NOT NULL AND c.lease_until <= ?
       AND NOT EXISTS (SELECT 1 FROM account_change_outcomes o WHERE o.id = c.id) LIMIT ?`);

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
    purgeOutcomes.run(c.at.getTime() - limits.windowMs, PURGE_PER_CALL);
    const result = check(c, limits);
    if (result.ok) insert(c);
    return result;
  });

  const completeTx = db.transaction((id: string, at: number): boolean => {
    claimOutcome.run(id, 'done', at);
    return outcomeOf.get(id)?.outcome === 'done';
  });

  const sweepTx = db.transaction((now: number, max: number): number => {
    let released = 0;
    for (const { id } of expired.all(now, max)) {
      if (claimOutcome.run(id, 'expired', now).changes === 1) released += remove.run(id).changes;
    }
    return released;
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
    async complete(id, at) {
      return guard('change limit complete', () => completeTx.immediate(id, at.getTime()));
    },
    async sweepExpired(now, max) {
      return guard('change limit sweep', () => sweepTx.immediate(now.getTime(), Math.max(0, Math.floor(max))));
    },
    async recent(target, since, limit) {
      return guard('recent account changes', () =>
        recent.all(target.toLowerCase(), since.getTime(), Math.max(0, Math.floor(limit))).map((r) => ({ ...r, at: new Date(r.at) })));
    },
  };
}
