// The embedded store: one better-sqlite3 connection (WAL, foreign keys on), migrated on open; a write that
// meets another process's lock is tried again without blocking the event loop (busy-retry.ts). Dates are stored as INTEGER epoch milliseconds. Every database failure surfaces as
// STORE.UNAVAILABLE.
import { sqliteAlertClaims } from './sqlite-alert-claims';
import { sqlitePendingWork } from './sqlite-pending-work';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, systemClock } from '../../ports/clock.port';
import type { HelpdeskAuditTrail } from '../../ports/audit-trail.port';
import type { Store } from '../../ports/store.port';
import { migrate } from './migrate';
import { sqliteAccountChanges } from './sqlite-account-changes';
import { MIGRATIONS } from './migrations';
import { groupCommit } from './group-commit';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, SQLITE_AUTOCHECKPOINT_PAGES, startWalCheckpointer } from './wal-checkpointer';
import { sqliteAuditTrail } from './sqlite-audit-trail';
import { sqliteConfirmations } from './sqlite-confirmations';
import { sqliteEscalations } from './sqlite-escalations';
import { sqliteSharedRequests } from './sqlite-shared-requests';
import { sqliteShownSecrets } from './sqlite-shown-secrets';
import { sqliteOneTimeCodes } from './sqlite-one-time-codes';
import { sqliteApprovals } from './sqlite-approvals';
import { sqliteEnrollments, sqlitePortalAccounts, sqlitePortalAttempts, sqlitePortalEvents, sqlitePortalMobiles } from './sqlite-portal';
import { sqlitePortalCards } from './sqlite-portal-cards';
import { sqlitePortalSessions } from './sqlite-portal-sessions';
import { sqliteQuotas } from './sqlite-quotas';
import { guard } from './store-unavailable';
import { retryingStoreWhileBusy } from './busy-retry';

export const DEFAULT_BUSY_TIMEOUT_MS = 2000;

export interface SqliteStoreOptions {
  /** A file path (its folder is created) or ':memory:'. */
  readonly path: string;
  /** HMAC key of the audit chain (at least 32 bytes). */
  readonly auditKey: Buffer;
  /**
   * How long a write waits for another connection's lock before failing with STORE.UNAVAILABLE: inside the
   * call while the store is opened and migrated (nothing is served yet), then by retrying asynchronously.
   */
  readonly busyTimeoutMs?: number;
  readonly clock?: Clock;
}

function openDatabase(path: string, busyTimeoutMs: number, clock: Clock): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL'); // every audit record, code use and change is on disk when its commit returns
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS, clock.now());
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** A second connection to a migrated file, whose commits do not fsync: portal sessions, quotas, lookups' audit records. */
function openUnsyncedConnection(path: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  const { path, auditKey, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS, clock = systemClock } = options;
  if (auditKey.length < 32) throw new RangeError('openSqliteStore: auditKey must be at least 32 bytes');
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError('openSqliteStore: busyTimeoutMs must be a non-negative integer');
  }
  const db = guard(`opening ${path}`, () => openDatabase(path, busyTimeoutMs, clock));
  // Writes worth no fsync of their own go through a second connection, which commits with synchronous=NORMAL:
  // portal sessions and quotas (short-lived: a power cut may lose the last few; the next FULL commit of the
  // main connection, an audit or event write, makes them durable too), and lookups' audit records (on disk
  // within 0.1 s: group-commit.ts). Everything else commits with FULL.
  const unsyncedDb = path === ':memory:' ? db : guard(`opening ${path} for unsynced writes`, () => openUnsyncedConnection(path, busyTimeoutMs));

  // Checkpoints run on a thread of their own (wal-checkpointer.ts); this process's commits checkpoint only
  // as a backstop, or as SQLite does by default should the thread fail.
  const connections = unsyncedDb === db ? [db] : [db, unsyncedDb];
  const onEachConnection = (pragma: string) => {
    for (const c of connections) if (c.open) c.pragma(pragma);
  };
  const checkpointer = path === ':memory:' ? undefined : startWalCheckpointer(path, () => onEachConnection(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`));
  if (checkpointer) guard('moving checkpoints off the event loop', () => onEachConnection(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`));

  // One group per connection: the audit records, events and account changes of a turn share one commit.
  const commit = groupCommit(db);
  const unsyncedCommit = unsyncedDb === db ? commit : groupCommit(unsyncedDb);
  // From here on no call waits for a lock inside SQLite (it would freeze the process): busy answers at
  // once, and the repositories try again off the event loop's back until busyTimeoutMs.
  guard('setting busy_timeout', () => onEachConnection('busy_timeout = 0'));
  const canRead = db.prepare('SELECT count(*) FROM schema_migrations');
  const heartbeat = db.prepare<[number]>(
    'INSERT INTO store_heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at');

  return retryingStoreWhileBusy({
    audit: sqliteAuditTrail(db, auditKey, commit, unsyncedDb === db ? undefined : { db: unsyncedDb, commit: unsyncedCommit }),
    confirmations: sqliteConfirmations(db),
    sharedRequests: sqliteSharedRequests(db),
    shownSecrets: sqliteShownSecrets(db),
    accountChanges: sqliteAccountChanges(db),
    portalEvents: sqlitePortalEvents(db, commit),
    portalAccounts: sqlitePortalAccounts(db, commit),
    portalAttempts: sqlitePortalAttempts(db, commit),
    enrollments: sqliteEnrollments(db),
    portalSessions: sqlitePortalSessions(unsyncedDb, unsyncedCommit),
    pins: sqliteOneTimeCodes(db, 'pins'),
    verificationCodes: sqliteOneTimeCodes(db, 'verification_codes'),
    portalCodes: sqliteOneTimeCodes(db, 'portal_codes'),
    portalMobiles: sqlitePortalMobiles(db),
    approvals: sqliteApprovals(db),
    // The details card's one read, on the connection its lookup's record is written on: a connection's page
    // cache is emptied whenever another one has written, and between lookups only that one writes.
    portalCards: sqlitePortalCards(unsyncedDb),
    escalations: sqliteEscalations(db),
    alertClaims: sqliteAlertClaims(db),
    pendingWork: sqlitePendingWork(db),
    // Quotas are counters of the last hour at most, taken on every challenge and text: the unsynced
    // connection (no fsync of their own; a power cut may forget the last few uses, never grant more places).
    quotas: sqliteQuotas(unsyncedDb),
    async ping(): Promise<void> {
      guard('ping', () => {
        canRead.get();
        heartbeat.run(clock.now().getTime()); // a real write: takes the write lock, hits read-only/full disks
      });
    },
    async close(): Promise<void> {
      await Promise.all([commit.close(), unsyncedCommit.close(), checkpointer?.close()]);
      guard('close', () => {
        if (unsyncedDb.open) unsyncedDb.close();
        if (db.open) db.close();
      });
    },
  }, busyTimeoutMs);
}

/**
 * The audit trail of an existing store file, opened read-only and not migrated: for `npm run audit:verify`,
 * which must neither create a missing file nor change a copy it is asked to check.
 */
export function openSqliteAuditTrailReadOnly(path: string, auditKey: Buffer): { audit: HelpdeskAuditTrail; close(): void } {
  if (auditKey.length < 32) throw new RangeError('openSqliteAuditTrailReadOnly: auditKey must be at least 32 bytes');
  const db = guard(`opening ${path}`, () => new Database(path, { readonly: true, fileMustExist: true }));
  try {
    return { audit: guard(`reading ${path}`, () => sqliteAuditTrail(db, auditKey)), close: () => db.close() };
  } catch (e) {
    db.close();
    throw e;
  }
}
