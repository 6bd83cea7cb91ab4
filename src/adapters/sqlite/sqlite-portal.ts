// The portal's repositories on SQLite: events (self-service and sync), portal accounts, enrollments, registered mobiles.
// Answers and mobile numbers arrive sealed (AES-256-GCM, by the service); this file never sees them in plain text.
import type Database from 'better-sqlite3';
import type { Enrollment, EventCategory, EventOutcome, PortalAccount, PortalEvent, PortalEventInput, SyncStatus } from '../../domain/portal';
import type {
  AttemptPlace, EnrollmentRepository, PortalAccountRepository, PortalAttemptRepository, PortalEventQuery, PortalEventRepository, PortalMobileRepository, SeenQuery,
} from '../../ports/portal.port';
import { groupCommit, type GroupCommit } from './group-commit';
import { guard } from './store-unavailable';

export interface EventRow {
  id: number;
  event_id: string | null;
  user: string;
  type: string;
  outcome: 'success' | 'failure';
  at: number;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
  category: EventCategory;
  system: string | null;
  operation: string | null;
  status: SyncStatus | null;
  error: string | null;
  unknown_user: number;
  arrived_at: number | null;
  skewed: number;
}

/** An account joined with its attempts (portal_attempts): the lock and the failures are theirs. */
export interface AccountRow {
  user: string;
  enrolled: number;
  methods: string;
  locked_at: number | null;
  failures: number | null;
  updated_at: number;
}

interface AttemptRow {
  key: string;
  epoch: number;
  failures: number;
  pending: number;
  locked_at: number | null;
}

function optional<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return (value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

export function toEvent(r: EventRow): PortalEvent {
  return {
    seq: r.id,
    ...optional('eventId', r.event_id),
    user: r.user,
    type: r.type,
    outcome: r.outcome,
    at: new Date(r.at),
    ...optional('ip', r.ip),
    ...optional('userAgent', r.user_agent),
    ...optional('detail', r.detail),
    category: r.category,
    ...optional('system', r.system),
    ...optional('operation', r.operation),
    ...optional('status', r.status),
    ...optional('error', r.error),
    unknownUser: r.unknown_user === 1,
    ...(r.arrived_at !== null && r.arrived_at !== r.at ? { arrivedAt: new Date(r.arrived_at) } : {}),
    ...(r.skewed === 1 ? { skewed: true } : {}),
  };
}

export function toAccount(r: AccountRow): PortalAccount {
  return {
    user: r.user,
    enrolled: r.enrolled === 1,
    methods: JSON.parse(r.methods) as string[],
    locked: r.locked_at !== null,
    ...(r.locked_at !== null ? { lockedAt: new Date(r.locked_at) } : {}),
    failedAttempts: r.failures ?? 0,
    updatedAt: new Date(r.updated_at),
  };
}

export function sqlitePortalEvents(db: Database.Database, commit: GroupCommit = groupCommit(db)): PortalEventRepository {
  const insert = db.prepare(`INSERT INTO portal_events
    (event_id, user, type, outcome, at, ip, user_agent, detail, category, system, operation, status, error, unknown_user, arrived_at, skewed)
    VALUES (@eventId, @user, @type, @outcome, @at, @ip, @userAgent, @detail, @category, @system, @operation, @status, @error, @unknownUser,
      @arrivedAt, @skewed)
    ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING`);
  const insertAll = (events: readonly PortalEventInput[]): number => {
    let stored = 0;
    for (const e of events) {
      stored += insert.run({
        eventId: e.eventId ?? null,
        user: e.user,
        type: e.type,
        outcome: e.outcome,
        at: e.at.getTime(),
        ip: e.ip ?? null,
        userAgent: e.userAgent ?? null,
        detail: e.detail ?? null,
        category: e.category,
        system: e.system ?? null,
        operation: e.operation ?? null,
        status: e.status ?? null,
        error: e.error ?? null,
        unknownUser: e.unknownUser ? 1 : 0,
        // Every row has an arrival time: an event without one arrived when it happened (the service's own).
        arrivedAt: (e.arrivedAt ?? e.at).getTime(),
        skewed: e.skewed ? 1 : 0,
      }).changes;
    }
    return stored;
  };
  const cursorOf = db.prepare<[number, string], { at: number }>('SELECT at FROM portal_events WHERE id = ? AND user = ?');
  const lists = new Map<string, Database.Statement>();
  // The literal outcome and skewed terms let SQLite use the partial indexes portal_events_seen_ip / _seen_agent.
  const seenSql = (column: string) => `SELECT 1 AS one FROM portal_events
    WHERE user = @user AND ${column} = @value AND type IN (SELECT value FROM json_each(@types))
      AND arrived_at >= @from AND arrived_at < @to AND outcome = 'success' AND skewed = 0 LIMIT 1`;
  const seen = {
    ip: db.prepare<[Record<string, string | number>], { one: number }>(seenSql('ip')),
    userAgent: db.prepare<[Record<string, string | number>], { one: number }>(seenSql('user_agent')),
  };
  const arrivedSince = db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM portal_events WHERE user = ? AND arrived_at >= ?');
  const lockedFrom = db.prepare<[string, number], { user: string }>(
    "SELECT DISTINCT user FROM portal_events WHERE ip = ? AND type = 'portal-lock' AND at >= ? ORDER BY user");

  /** One prepared statement per shape of query (which filters are present, the outcome and the limit: plannedTerms). */
  function listStatement(q: PortalEventQuery, cursor: boolean): Database.Statement {
    const where = ['user = @user'];
    if (q.type !== undefined) where.push('type = @type');
    if (q.outcome !== undefined) where.push(outcomeTerm(q.outcome));
    if (q.since !== undefined) where.push('at >= @since');
    if (q.category !== undefined) where.push('category = @category');
    if (q.failed === true) where.push("status = 'failed'");
    if (q.failed === false) where.push("(status IS NULL OR status <> 'failed')");
    if (cursor) where.push('(at < @cursorAt OR (at = @cursorAt AND id < @cursorSeq))');
    const sql = `SELECT * FROM portal_events WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ${limitTerm(q.limit)}`;
    let statement = lists.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      lists.set(sql, statement);
    }
    return statement;
  }

  return {
    async append(events) {
      // Concurrent sign-ins' events share a commit (one fsync); each append still resolves only once on disk.
      return commit('portal events append', () => insertAll(events));
    },
    async list(q) {
      return guard('portal events list', () => {
        let cursorAt: number | undefined;
        if (q.beforeSeq !== undefined) {
          const row = cursorOf.get(q.beforeSeq, q.user);
          if (!row) return [];
          cursorAt = row.at;
        }
        const params: Record<string, string | number> = { user: q.user };
        if (q.type !== undefined) params.type = q.type;
        if (q.since !== undefined) params.since = q.since.getTime();
        if (q.category !== undefined) params.category = q.category;
        if (cursorAt !== undefined && q.beforeSeq !== undefined) {
          params.cursorAt = cursorAt;
          params.cursorSeq = q.beforeSeq;
        }
        return (listStatement(q, cursorAt !== undefined).all(params) as EventRow[]).map(toEvent);
      });
    },
    async seenFrom(q: SeenQuery) {
      const params = { user: q.user, value: q.value, types: JSON.stringify(q.types), from: q.from.getTime(), to: q.to.getTime() };
      return guard('portal events seen', () => seen[q.field].get(params) !== undefined);
    },
    async countArrived(user, since) {
      return guard('portal events count', () => arrivedSince.get(user, since.getTime())?.n ?? 0);
    },
    async usersLockedFrom(ip, since) {
      return guard('portal events locks', () => lockedFrom.all(ip, since.getTime()).map((r) => r.user));
    },
  };
}

/*
 * SQLite plans a statement again at every run when a value bound to it could change its plan: a LIMIT, and
 * an outcome (the partial indexes portal_events_seen_* name one). That costs more than the query itself
 * (~25 µs against ~5 µs on every details card), so these few values, ours and never a user's, are written
 * into the statement, which is prepared once per value.
 */
export function outcomeTerm(outcome: EventOutcome): string {
  if (outcome !== 'success' && outcome !== 'failure') throw new RangeError(`not an event outcome: ${String(outcome)}`);
  return `outcome = '${outcome}'`;
}

export function limitTerm(limit: number): string {
  return String(Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0);
}

export function sqlitePortalAccounts(db: Database.Database, commit: GroupCommit = groupCommit(db)): PortalAccountRepository {
  const read = db.prepare<[string], AccountRow>(`SELECT a.user, a.enrolled, a.methods, a.updated_at, t.locked_at, t.failures
    FROM portal_accounts a LEFT JOIN portal_attempts t ON t.key = a.user WHERE a.user = ?`);
  const upsert = db.prepare(`INSERT INTO portal_accounts (user, enrolled, methods, updated_at) VALUES (@user, @enrolled, @methods, @updatedAt)
    ON CONFLICT (user) DO UPDATE SET enrolled = excluded.enrolled, methods = excluded.methods, updated_at = excluded.updated_at`);
  const insertEmpty = db.prepare<[string, number]>('INSERT INTO portal_accounts (user, updated_at) VALUES (?, ?) ON CONFLICT (user) DO NOTHING');
  const touch = db.prepare<[number, string]>('UPDATE portal_accounts SET updated_at = ? WHERE user = ?');
  const lockedRows = db.prepare<[number], { user: string; locked_at: number }>(`SELECT a.user, t.locked_at FROM portal_attempts t
    JOIN portal_accounts a ON a.user = t.key WHERE t.locked_at IS NOT NULL ORDER BY t.locked_at DESC, a.user LIMIT ?`);
  const attempts = attemptStatements(db);
  const unlockTx = db.transaction((user: string, at: number) => {
    const before = read.get(user);
    if (!before) return null;
    attempts.restart(user, { failures: 0, lockedAt: null }, at);
    touch.run(at, user);
    const after = read.get(user);
    return after ? { wasLocked: before.locked_at !== null, account: toAccount(after) } : null;
  });
  return {
    async get(user) {
      return guard('portal account read', () => {
        const row = read.get(user);
        return row ? toAccount(row) : null;
      });
    },
    async put(a) {
      await commit('portal account write', () => {
        upsert.run({ user: a.user, enrolled: a.enrolled ? 1 : 0, methods: JSON.stringify(a.methods), updatedAt: a.updatedAt.getTime() });
      });
    },
    async ensure(user, at) {
      await commit('portal account create', () => {
        insertEmpty.run(user, at.getTime());
      });
    },
    async setLock(user, lock, at) {
      await commit('portal account lock write', () => {
        attempts.restart(user, { failures: lock.failedAttempts, lockedAt: lock.locked ? (lock.lockedAt ?? at).getTime() : null }, at.getTime());
      });
    },
    async unlock(user, at) {
      return guard('portal account unlock', () => unlockTx.immediate(user, at.getTime()));
    },
    async locked(limit) {
      return guard('portal locks read', () => lockedRows.all(Math.max(0, Math.floor(limit))).map((r) => ({ user: r.user, lockedAt: new Date(r.locked_at) })));
    },
  };
}

/** The statements over portal_attempts that the accounts (unlock, setLock) and the attempts share. */
function attemptStatements(db: Database.Database) {
  const upsertRestart = db.prepare<{ key: string; failures: number; lockedAt: number | null; at: number }>(`INSERT INTO portal_attempts
    (key, epoch, failures, pending, locked_at, updated_at) VALUES (@key, 0, @failures, 0, @lockedAt, @at)
    ON CONFLICT (key) DO UPDATE SET epoch = epoch + 1, failures = excluded.failures, pending = 0, locked_at = excluded.locked_at,
      updated_at = excluded.updated_at`);
  return {
    /** A new count (a new epoch): places taken in the old one no longer count when they settle. */
    restart(key: string, state: { failures: number; lockedAt: number | null }, at: number): void {
      upsertRestart.run({ key, failures: state.failures, lockedAt: state.lockedAt, at });
    },
  };
}

/**
 * The portal lock on SQLite: one counter row per key, changed only inside the group commit's IMMEDIATE
 * transaction, so a reservation reads and takes its place with the write lock held (across processes too).
 */
export function sqlitePortalAttempts(db: Database.Database, commit: GroupCommit = groupCommit(db)): PortalAttemptRepository {
  const read = db.prepare<[string], AttemptRow>('SELECT key, epoch, failures, pending, locked_at FROM portal_attempts WHERE key = ?');
  const create = db.prepare<[string, number]>('INSERT INTO portal_attempts (key, updated_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');
  const take = db.prepare<[number, string, number]>('UPDATE portal_attempts SET pending = pending + 1, updated_at = ? WHERE key = ? AND epoch = ?');
  const failed = db.prepare<[number | null, number, string, number]>(`UPDATE portal_attempts
    SET pending = max(pending - 1, 0), failures = failures + 1, locked_at = coalesce(locked_at, ?), updated_at = ? WHERE key = ? AND epoch = ?`);
  const free = db.prepare<[number, string, number]>('UPDATE portal_attempts SET pending = max(pending - 1, 0), updated_at = ? WHERE key = ? AND epoch = ?');
  const restart = db.prepare<[number, string, number]>(
    'UPDATE portal_attempts SET epoch = epoch + 1, failures = 0, pending = 0, locked_at = NULL, updated_at = ? WHERE key = ? AND epoch = ?');

  function reserve(key: string, limit: number, at: number): AttemptPlace | null {
    create.run(key, at);
    const row = read.get(key);
    if (!row || row.locked_at !== null || row.failures + row.pending >= limit) return null;
    take.run(at, key, row.epoch);
    return { key, epoch: row.epoch, n: row.failures + row.pending + 1 };
  }

  function fail(place: AttemptPlace, limit: number, at: number): { locks: boolean } {
    const before = read.get(place.key);
    // Settled after a pass or an unlock started a new count: this failure belongs to the old one.
    if (!before || before.epoch !== place.epoch) return { locks: false };
    const locks = before.locked_at === null && before.failures + 1 >= limit;
    failed.run(locks ? at : null, at, place.key, place.epoch);
    return { locks };
  }

  return {
    async reserve(key, limit, at) {
      return commit('portal attempt reserve', () => reserve(key, limit, at.getTime()));
    },
    async fail(place, limit, at) {
      return commit('portal attempt failure', () => fail(place, limit, at.getTime()));
    },
    async pass(place, at) {
      await commit('portal attempt pass', () => restart.run(at.getTime(), place.key, place.epoch));
    },
    async release(place, at) {
      await commit('portal attempt release', () => free.run(at.getTime(), place.key, place.epoch));
    },
  };
}

interface EnrollmentRow {
  position: number;
  question: string;
  answer_ciphertext: Buffer;
  answer_iv: Buffer;
  answer_tag: Buffer;
  updated_at: number;
}

export function sqliteEnrollments(db: Database.Database): EnrollmentRepository {
  const remove = db.prepare<[string]>('DELETE FROM enrollments WHERE user = ?');
  const insert = db.prepare<[string, number, string, Buffer, Buffer, Buffer, number]>(`INSERT INTO enrollments
    (user, position, question, answer_ciphertext, answer_iv, answer_tag, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const read = db.prepare<[string], EnrollmentRow>('SELECT * FROM enrollments WHERE user = ? ORDER BY position');
  const replace = db.transaction((user: string, questions: Parameters<EnrollmentRepository['replace']>[1], at: number) => {
    remove.run(user);
    questions.forEach((q, i) => insert.run(user, i + 1, q.question, q.answer.ciphertext, q.answer.iv, q.answer.tag, at));
  });
  return {
    async replace(user, questions, at) {
      guard('enrollment write', () => replace.immediate(user, questions, at.getTime()));
    },
    async get(user): Promise<Enrollment | null> {
      return guard('enrollment read', () => {
        const rows = read.all(user);
        if (rows.length === 0) return null;
        return {
          user,
          questions: rows.map((r) => ({
            position: r.position,
            question: r.question,
            answer: { ciphertext: r.answer_ciphertext, iv: r.answer_iv, tag: r.answer_tag },
          })),
          updatedAt: new Date(Math.max(...rows.map((r) => r.updated_at))),
        };
      });
    },
  };
}

interface MobileRow {
  number_ciphertext: Buffer;
  number_iv: Buffer;
  number_tag: Buffer;
  registered_at: number;
}

export function sqlitePortalMobiles(db: Database.Database): PortalMobileRepository {
  const upsert = db.prepare<[string, Buffer, Buffer, Buffer, number]>(`INSERT INTO portal_mobiles
    (user, number_ciphertext, number_iv, number_tag, registered_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (user) DO UPDATE SET number_ciphertext = excluded.number_ciphertext, number_iv = excluded.number_iv,
    number_tag = excluded.number_tag, registered_at = excluded.registered_at`);
  const read = db.prepare<[string], MobileRow>('SELECT number_ciphertext, number_iv, number_tag, registered_at FROM portal_mobiles WHERE user = ?');
  return {
    async put(user, mobile) {
      guard('registered mobile write', () => upsert.run(user, mobile.number.ciphertext, mobile.number.iv, mobile.number.tag, mobile.registeredAt.getTime()));
    },
    async get(user) {
      return guard('registered mobile read', () => {
        const row = read.get(user);
        return row ? { number: { ciphertext: row.number_ciphertext, iv: row.number_iv, tag: row.number_tag }, registeredAt: new Date(row.registered_at) } : null;
      });
    },
  };
}
