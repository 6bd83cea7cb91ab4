// A details card's state on SQLite: the portal account, the newest self-service event, the vishing facts'
// recent events and arrival count, and the caller verification, read by one synchronous call (one read
// transaction: one snapshot) instead of eight awaited reads.
import { setImmediate } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { PortalCardQuery, PortalCardRepository, PortalCardState } from '../../ports/portal.port';
import type { EventOutcome } from '../../domain/portal';
import { limitTerm, outcomeTerm, toAccount, toEvent, type AccountRow, type EventRow } from './sqlite-portal';
import { guard } from './store-unavailable';

export function sqlitePortalCards(db: Database.Database): PortalCardRepository {
  const account = db.prepare<[string], AccountRow>(`SELECT a.user, a.enrolled, a.methods, a.updated_at, t.locked_at, t.failures
    FROM portal_accounts a LEFT JOIN portal_attempts t ON t.key = a.user WHERE a.user = ?`);
  const lastSelfService = db.prepare<[string], EventRow>(
    "SELECT * FROM portal_events WHERE user = ? AND category = 'self-service' ORDER BY at DESC, id DESC LIMIT 1");
  // One statement per (outcome, limit), with both written in it (outcomeTerm in sqlite-portal.ts says why).
  const recentByShape = new Map<string, Database.Statement<[string, string, number], EventRow>>();
  const recent = (outcome: EventOutcome, limit: number) => {
    const sql = `SELECT * FROM portal_events WHERE user = ? AND type = ? AND ${outcomeTerm(outcome)} AND at >= ?
      ORDER BY at DESC, id DESC LIMIT ${limitTerm(limit)}`;
    let statement = recentByShape.get(sql);
    if (!statement) {
      statement = db.prepare<[string, string, number], EventRow>(sql);
      recentByShape.set(sql, statement);
    }
    return statement;
  };
  const arrived = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM portal_events WHERE user = ? AND arrived_at >= ?');
  const verified = db.prepare<[string], { used_at: number | null }>('SELECT used_at FROM verification_codes WHERE user = ?');

  const read = db.transaction((q: PortalCardQuery): PortalCardState => {
    const row = account.get(q.user);
    const last = lastSelfService.get(q.user);
    const usedAt = verified.get(q.callerVerified.user)?.used_at ?? null;
    return {
      account: row ? toAccount(row) : null,
      lastSelfService: last ? toEvent(last) : undefined,
      recent: q.recent.map((r) => recent(r.outcome, r.limit).all(q.user, r.type, q.since.getTime()).map(toEvent)),
      arrived: arrived.get(q.user, q.arrivedSince.getTime())?.n ?? 0,
      callerVerifiedAt: usedAt !== null && usedAt >= q.callerVerified.since.getTime() ? new Date(usedAt) : undefined,
    };
  });

  return {
    async read(q) {
      // The read holds the event loop while it runs: it waits until the I/O its caller started in this turn
      // has gone out (the details card reads the store while the directory walks the user's groups).
      await setImmediate();
      return guard('portal card read', () => read.deferred(q));
    },
  };
}
