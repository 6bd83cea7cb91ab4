// A details card's state on SQLite: the portal account, the newest self-service event, the vishing facts'
// recent events and arrival count, and the caller verification, read by one synchronous call (one read
// transaction: one snapshot) instead of eight awaited reads.
import type Database from 'better-sqlite3';
import type { PortalCardQuery, PortalCardRepository, PortalCardState } from '../../ports/portal.port';
import { toAccount, toEvent, type AccountRow, type EventRow } from './sqlite-portal';
import { guard } from './store-unavailable';

export function sqlitePortalCards(db: Database.Database): PortalCardRepository {
  const account = db.prepare<[string], AccountRow>(`SELECT a.user, a.enrolled, a.methods, a.updated_at, t.locked_at, t.failures
    FROM portal_accounts a LEFT JOIN portal_attempts t ON t.key = a.user WHERE a.user = ?`);
  const lastSelfService = db.prepare<[string], EventRow>(
    "SELECT * FROM portal_events WHERE user = ? AND category = 'self-service' ORDER BY at DESC, id DESC LIMIT 1");
  const recent = db.prepare<[string, string, string, number, number], EventRow>(`SELECT * FROM portal_events
    WHERE user = ? AND type = ? AND outcome = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?`);
  const arrived = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM portal_events WHERE user = ? AND arrived_at >= ?');
  const verified = db.prepare<[string], { used_at: number | null }>('SELECT used_at FROM verification_codes WHERE user = ?');

  const read = db.transaction((q: PortalCardQuery): PortalCardState => {
    const row = account.get(q.user);
    const last = lastSelfService.get(q.user);
    const usedAt = verified.get(q.callerVerified.user)?.used_at ?? null;
    return {
      account: row ? toAccount(row) : null,
      lastSelfService: last ? toEvent(last) : undefined,
      recent: q.recent.map((r) => recent.all(q.user, r.type, r.outcome, q.since.getTime(), Math.max(0, Math.floor(r.limit))).map(toEvent)),
      arrived: arrived.get(q.user, q.arrivedSince.getTime())?.n ?? 0,
      callerVerifiedAt: usedAt !== null && usedAt >= q.callerVerified.since.getTime() ? new Date(usedAt) : undefined,
    };
  });

  return {
    async read(q) {
      return guard('portal card read', () => read.deferred(q));
    },
  };
}
