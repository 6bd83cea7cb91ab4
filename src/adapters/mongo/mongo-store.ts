// The production store: MongoDB through the official driver (a replica set, Atlas, Azure Cosmos DB for
// MongoDB; FerretDB in the tests). No multi-document transaction anywhere: every rule that must hold once
// rests on a unique-key insert (a claim) or a delete whose count is checked (DESIGN "Production store and
// replicas"). Collections and indexes are created at start-up, idempotently, before any data is written
// (Cosmos DB wants unique indexes on empty collections), and the schema version is recorded. Expired
// documents are purged by the store itself, on use and by a sweep: expiry times are the service clock's,
// so no TTL index (the server's clock, and unavailable on FerretDB) decides them. Every driver failure
// surfaces as STORE.UNAVAILABLE, within the bounded timeouts below.
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { type Clock, systemClock } from '../../ports/clock.port';
import type { HelpdeskAuditTrail } from '../../ports/audit-trail.port';
import type { Store } from '../../ports/store.port';
import { ALERT_CLAIMS, createAlertClaimIndexes, mongoAlertClaims } from './mongo-alert-claims';
import { mongoAccountChanges, createAccountChangeIndexes, CHANGE_PLACES } from './mongo-account-changes';
import { createApprovalIndexes, mongoApprovals } from './mongo-approvals';
import { createAuditIndexes, mongoAuditTrail } from './mongo-audit-trail';
import { CONFIRMATIONS, CONFIRMATION_USES, createConfirmationIndexes, mongoConfirmations } from './mongo-confirmations';
import { guard, isDuplicateKey, mongoUnavailable } from './mongo-errors';
import { createEscalationIndexes, mongoEscalations } from './mongo-escalations';
import { createOneTimeCodeIndexes, mongoOneTimeCodes } from './mongo-one-time-codes';
import { createPlaceIndexes } from './mongo-places';
import {
  createPortalIndexes, mongoEnrollments, mongoPortalAccounts, mongoPortalAttempts, mongoPortalEvents, mongoPortalMobiles,
} from './mongo-portal';
import { mongoPortalCards } from './mongo-portal-cards';
import { createPortalSessionIndexes, mongoPortalSessions } from './mongo-portal-sessions';
import { mongoQuotas, QUOTA_PLACES } from './mongo-quotas';
import { mongoSharedRequests, SHARED_REQUESTS } from './mongo-shared-requests';
import { mongoShownSecrets, SHOWN_SECRETS } from './mongo-shown-secrets';
import { createPendingWorkIndexes, mongoPendingWork, PENDING_WORK, WORK_LEASES } from './mongo-pending-work';
import { failingFastWhileUnreachable } from './mongo-unreachable';

/** The schema this code writes; a database recorded with a newer one is refused. */
export const MONGO_SCHEMA_VERSION = 1;
/**
 * Server selection, connection and socket timeouts: no command waits for the driver's 30 s default. An agent
 * on the phone waits about this long when the store is down (a call, then mongo-unreachable.ts); a healthy
 * server is selected in milliseconds, and during a replica set's election an action is refused rather than
 * held (nothing is spent: the agent presses again).
 */
export const DEFAULT_MONGO_TIMEOUT_MS = 3_000;
/** How often the sweep deletes expired documents (besides the purges each repository does on use). */
const SWEEP_EVERY_MS = 5 * 60_000;

export interface MongoStoreOptions {
  /** mongodb://… or mongodb+srv://…; the database is the URL's path (default "mypass"). */
  readonly url: string;
  /** HMAC key of the audit chain (at least 32 bytes). */
  readonly auditKey: Buffer;
  /** Bound on server selection and connecting; a socket waits at most twice this. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
}

const DEFAULT_DATABASE = 'mypass';

function clientFor(url: string, timeoutMs: number): MongoClient {
  const options: MongoClientOptions = {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: 2 * timeoutMs,
    waitQueueTimeoutMS: timeoutMs,
    // Sealed answers and numbers come back as Buffers, as they were written.
    promoteBuffers: true,
    appName: 'mypass-helpdesk',
  };
  return new MongoClient(url, options);
}

function databaseOf(client: MongoClient): Db {
  return client.db(client.options.dbName && client.options.dbName !== 'test' ? client.options.dbName : DEFAULT_DATABASE);
}

async function createSchema(db: Db, at: Date): Promise<void> {
  const schema = db.collection<{ _id: string; version: number; at: Date }>('schema_version');
  const recorded = await schema.findOne({ _id: 'schema' });
  if (recorded && recorded.version > MONGO_SCHEMA_VERSION) {
    throw new Error(`the database has schema version ${recorded.version}, newer than this release's ${MONGO_SCHEMA_VERSION}`);
  }
  await createAuditIndexes(db);
  await createConfirmationIndexes(db);
  await db.collection(SHARED_REQUESTS).createIndex({ expiresAt: 1 }, { name: 'shared_requests_expiry' });
  await db.collection(SHOWN_SECRETS).createIndex({ expiresAt: 1 }, { name: 'shown_secrets_expiry' });
  await createAccountChangeIndexes(db);
  await createPlaceIndexes(db, CHANGE_PLACES);
  await createPlaceIndexes(db, QUOTA_PLACES);
  for (const name of ['pins', 'verification_codes', 'portal_codes'] as const) await createOneTimeCodeIndexes(db, name);
  await createApprovalIndexes(db);
  await createEscalationIndexes(db);
  await createPortalIndexes(db);
  await createPortalSessionIndexes(db);
  await createPendingWorkIndexes(db);
  await createAlertClaimIndexes(db);
  if (!recorded) {
    try {
      await schema.insertOne({ _id: 'schema', version: MONGO_SCHEMA_VERSION, at });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e; // another replica recorded it first
    }
  } else if (recorded.version < MONGO_SCHEMA_VERSION) {
    await schema.updateOne({ _id: 'schema' }, { $set: { version: MONGO_SCHEMA_VERSION, at } });
  }
}

/** Deletes what expired by `now` from the collections whose documents carry an expiry. */
async function sweep(db: Db, now: Date): Promise<void> {
  for (const name of [CONFIRMATIONS, CONFIRMATION_USES]) {
    await db.collection(name).deleteMany({ expiresAt: { $lt: new Date(now.getTime() - 24 * 3_600_000) } }); // kept a day: "used" / "expired" answers
  }
  for (const name of [SHARED_REQUESTS, SHOWN_SECRETS, QUOTA_PLACES, CHANGE_PLACES, PENDING_WORK, ALERT_CLAIMS]) {
    await db.collection(name).deleteMany({ expiresAt: { $lte: now } });
  }
  await db.collection(WORK_LEASES).deleteMany({ until: { $lte: now } });
}

export async function openMongoStore(options: MongoStoreOptions): Promise<Store> {
  const { url, auditKey, timeoutMs = DEFAULT_MONGO_TIMEOUT_MS, clock = systemClock } = options;
  if (auditKey.length < 32) throw new RangeError('openMongoStore: auditKey must be at least 32 bytes');
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new RangeError('openMongoStore: timeoutMs must be a positive integer');
  const client = clientFor(url, timeoutMs);
  let db: Db;
  try {
    await client.connect();
    db = databaseOf(client);
    await createSchema(db, clock.now());
  } catch (e) {
    await client.close().catch(() => undefined);
    throw mongoUnavailable('opening the database', e);
  }

  const sweeper = setInterval(() => {
    sweep(db, clock.now()).catch(() => undefined); // a failed sweep is retried at the next; every repository also purges on use
  }, SWEEP_EVERY_MS);
  sweeper.unref();
  const heartbeat = db.collection<{ _id: string; at: Date }>('store_heartbeat');
  const portalEvents = mongoPortalEvents(db);
  const portalAccounts = mongoPortalAccounts(db);
  const verificationCodes = mongoOneTimeCodes(db, 'verification_codes');

  // Once a call has waited its full timeout for no server, later calls do not each wait as long again.
  return failingFastWhileUnreachable({
    audit: mongoAuditTrail(db, auditKey),
    confirmations: mongoConfirmations(db),
    sharedRequests: mongoSharedRequests(db),
    shownSecrets: mongoShownSecrets(db),
    accountChanges: mongoAccountChanges(db),
    portalEvents,
    portalAccounts,
    portalCards: mongoPortalCards({ accounts: portalAccounts, events: portalEvents, verificationCodes }),
    portalAttempts: mongoPortalAttempts(db),
    enrollments: mongoEnrollments(db),
    portalSessions: mongoPortalSessions(db),
    pins: mongoOneTimeCodes(db, 'pins'),
    verificationCodes,
    portalCodes: mongoOneTimeCodes(db, 'portal_codes'),
    portalMobiles: mongoPortalMobiles(db),
    approvals: mongoApprovals(db),
    escalations: mongoEscalations(db),
    quotas: mongoQuotas(db),
    pendingWork: mongoPendingWork(db),
    alertClaims: mongoAlertClaims(db),
    async ping() {
      // A real write: an unreachable primary or a refused write shows here, not at the next user's turn.
      await guard('ping', () => heartbeat.updateOne({ _id: 'heartbeat' }, { $set: { at: clock.now() } }, { upsert: true }));
    },
    async close() {
      clearInterval(sweeper);
      await guard('close', () => client.close());
    },
  }, () => db.command({ ping: 1 }));
}

/**
 * The audit trail of an existing database, opened without creating or changing anything: for
 * `npm run audit:verify`, which must not write to the store it is asked to check.
 */
export async function openMongoAuditTrailReadOnly(url: string, auditKey: Buffer, timeoutMs = DEFAULT_MONGO_TIMEOUT_MS):
  Promise<{ audit: HelpdeskAuditTrail; close(): Promise<void> }> {
  if (auditKey.length < 32) throw new RangeError('openMongoAuditTrailReadOnly: auditKey must be at least 32 bytes');
  const client = clientFor(url, timeoutMs);
  try {
    await client.connect();
  } catch (e) {
    await client.close().catch(() => undefined);
    throw mongoUnavailable('opening the database', e);
  }
  return { audit: mongoAuditTrail(databaseOf(client), auditKey), close: () => client.close() };
}
