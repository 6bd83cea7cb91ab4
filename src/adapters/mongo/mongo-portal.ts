// The portal's repositories on MongoDB: events (self-service and sync), portal accounts and the portal
// lock, enrollments, registered mobiles. Answers and mobile numbers arrive sealed; this file never sees
// them in plain text.
import { randomUUID } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import type { EventCategory, EventOutcome, PortalAccount, PortalEvent, SyncStatus } from '../../domain/portal';
import type {
  AttemptPlace, EnrollmentRepository, PortalAccountRepository, PortalAttemptRepository, PortalEventRepository, PortalMobileRepository,
} from '../../ports/portal.port';
import { claim, guard, isDuplicateKey } from './mongo-errors';

interface EventDoc {
  _id: number;
  /** The event's id when it has one, else a random one: unique, so a retried event is stored once. */
  eventKey: string;
  eventId?: string;
  user: string;
  type: string;
  outcome: EventOutcome;
  at: Date;
  ip?: string;
  userAgent?: string;
  detail?: string;
  category: EventCategory;
  system?: string;
  operation?: string;
  status?: SyncStatus;
  error?: string;
  unknownUser: boolean;
  arrivedAt: Date;
  skewed: boolean;
}

interface AccountDoc {
  _id: string;
  enrolled: boolean;
  methods: string[];
  updatedAt: Date;
}

/** The portal lock's documents, all claims (see PortalAttemptRepository). */
interface AttemptDoc {
  _id: string;
  key: string;
  /** 'released': a place given back unjudged (its number may be claimed again in the same count). */
  kind: 'epoch' | 'place' | 'fail' | 'lock' | 'released';
  epoch: number;
  n?: number;
  /** An epoch's starting count and lock (setLock), zero and none after a pass or an unlock. */
  failures?: number;
  lockedAt?: Date | null;
  at: Date;
}

interface EnrollmentDoc {
  _id: string;
  questions: { position: number; question: string; ciphertext: Buffer; iv: Buffer; tag: Buffer }[];
  updatedAt: Date;
}

interface MobileDoc {
  _id: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  registeredAt: Date;
}

export const PORTAL_EVENTS = 'portal_events';
export const PORTAL_ACCOUNTS = 'portal_accounts';
export const PORTAL_ATTEMPTS = 'portal_attempts';
export const ENROLLMENTS = 'enrollments';
export const PORTAL_MOBILES = 'portal_mobiles';

export async function createPortalIndexes(db: Db): Promise<void> {
  const events = db.collection(PORTAL_EVENTS);
  await events.createIndex({ eventKey: 1 }, { unique: true, name: 'portal_events_key_unique' });
  await events.createIndex({ user: 1, at: -1, _id: -1 }, { name: 'portal_events_user' });
  await events.createIndex({ user: 1, arrivedAt: 1 }, { name: 'portal_events_arrived' });
  await events.createIndex({ ip: 1, type: 1, at: 1 }, { name: 'portal_events_ip' });
  await db.collection(PORTAL_ATTEMPTS).createIndex({ key: 1, epoch: 1 }, { name: 'portal_attempts_key' });
  await db.collection(PORTAL_ATTEMPTS).createIndex({ kind: 1, key: 1 }, { name: 'portal_attempts_kind' });
}

function toEvent(d: EventDoc): PortalEvent {
  const opt = <K extends string, V>(key: K, value: V | undefined | null) => (value === undefined || value === null ? {} : { [key]: value }) as { [P in K]?: V };
  return {
    seq: d._id,
    ...opt('eventId', d.eventId),
    user: d.user,
    type: d.type,
    outcome: d.outcome,
    at: d.at,
    ...opt('ip', d.ip),
    ...opt('userAgent', d.userAgent),
    ...opt('detail', d.detail),
    category: d.category,
    ...opt('system', d.system),
    ...opt('operation', d.operation),
    ...opt('status', d.status),
    ...opt('error', d.error),
    unknownUser: d.unknownUser,
    ...(d.arrivedAt.getTime() !== d.at.getTime() ? { arrivedAt: d.arrivedAt } : {}),
    ...(d.skewed ? { skewed: true } : {}),
  };
}

/** The index of the first refused document of an ordered insertMany that stopped on a duplicate key, if that is why it stopped. */
function firstDuplicate(e: unknown): number | undefined {
  const errors = (e as { writeErrors?: unknown }).writeErrors;
  const first = (Array.isArray(errors) ? errors[0] : errors) as { index?: number; code?: number } | undefined;
  return first?.code === 11000 && typeof first.index === 'number' ? first.index : isDuplicateKey(e) ? 0 : undefined;
}

export function mongoPortalEvents(db: Db): PortalEventRepository {
  const events: Collection<EventDoc> = db.collection<EventDoc>(PORTAL_EVENTS);
  let lastSeq = 0;
  let queue: Promise<unknown> = Promise.resolve();

  // Seqs are numbered after the highest one; a duplicate _id (another replica's batch) reads the top again,
  // a duplicate eventKey (a retried event) skips that event.
  async function insertAll(docs: Omit<EventDoc, '_id'>[]): Promise<number> {
    let pending = docs;
    let stored = 0;
    let fresh = false;
    while (pending.length > 0) {
      if (!fresh) {
        const top = await events.findOne({}, { sort: { _id: -1 }, projection: { _id: 1 } });
        lastSeq = Math.max(lastSeq, top?._id ?? 0);
      }
      const numbered = pending.map((d, i) => ({ _id: lastSeq + 1 + i, ...d }));
      try {
        await events.insertMany(numbered, { ordered: true });
        lastSeq += numbered.length;
        return stored + numbered.length;
      } catch (e) {
        const k = firstDuplicate(e);
        if (k === undefined) throw e;
        stored += k;
        const refused = numbered[k];
        pending = pending.slice(k);
        lastSeq += k;
        fresh = false;
        if (refused && (await events.findOne({ eventKey: refused.eventKey }, { projection: { _id: 1 } }))) {
          pending = pending.slice(1);
          lastSeq += 1;
          fresh = true; // the refused seq stays unused; no one else took it
        }
      }
    }
    return stored;
  }

  return {
    async append(list) {
      const docs = list.map((e): Omit<EventDoc, '_id'> => ({
        eventKey: e.eventId ?? `#${randomUUID()}`,
        ...(e.eventId !== undefined ? { eventId: e.eventId } : {}),
        user: e.user, type: e.type, outcome: e.outcome, at: e.at,
        ...(e.ip !== undefined ? { ip: e.ip } : {}),
        ...(e.userAgent !== undefined ? { userAgent: e.userAgent } : {}),
        ...(e.detail !== undefined ? { detail: e.detail } : {}),
        category: e.category,
        ...(e.system !== undefined ? { system: e.system } : {}),
        ...(e.operation !== undefined ? { operation: e.operation } : {}),
        ...(e.status !== undefined ? { status: e.status } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
        unknownUser: e.unknownUser,
        // Every event has an arrival time: an event without one arrived when it happened (the service's own).
        arrivedAt: e.arrivedAt ?? e.at,
        skewed: e.skewed === true,
      }));
      const turn = queue.then(() => guard('portal events append', () => insertAll(docs)));
      queue = turn.catch(() => undefined);
      return turn;
    },
    async list(q) {
      const limit = Math.max(0, Math.floor(q.limit));
      if (limit === 0) return [];
      return guard('portal events list', async () => {
        const filter: Filter<EventDoc> = { user: q.user };
        if (q.type !== undefined) filter.type = q.type;
        if (q.outcome !== undefined) filter.outcome = q.outcome;
        if (q.since !== undefined) filter.at = { $gte: q.since };
        if (q.category !== undefined) filter.category = q.category;
        if (q.failed === true) filter.status = 'failed';
        if (q.failed === false) filter.status = { $ne: 'failed' };
        const and: Filter<EventDoc>[] = [filter];
        if (q.beforeSeq !== undefined) {
          const cursor = await events.findOne({ _id: q.beforeSeq, user: q.user });
          if (!cursor) return [];
          and.push({ $or: [{ at: { $lt: cursor.at } }, { at: cursor.at, _id: { $lt: q.beforeSeq } }] });
        }
        const docs = await events.find(and.length === 1 ? filter : { $and: and }, { sort: { at: -1, _id: -1 }, limit }).toArray();
        return docs.map(toEvent);
      });
    },
    async seenFrom(q) {
      return guard('portal events seen', async () => (await events.findOne({
        user: q.user, [q.field]: q.value, type: { $in: [...q.types] }, arrivedAt: { $gte: q.from, $lt: q.to }, outcome: 'success', skewed: false,
      }, { projection: { _id: 1 } })) !== null);
    },
    async countArrived(user, since) {
      return guard('portal events count', () => events.countDocuments({ user, arrivedAt: { $gte: since } }));
    },
    async usersLockedFrom(ip, since) {
      return guard('portal events locks', async () =>
        ((await events.distinct('user', { ip, type: 'portal-lock', at: { $gte: since } })) as string[]).sort());
    },
  };
}

interface AttemptState {
  readonly epoch: number;
  /** The epoch's starting count plus its failures. */
  readonly failures: number;
  readonly lockedAt?: Date;
  /** Places taken in this epoch (failed or being judged), by n. */
  readonly taken: ReadonlySet<number>;
  readonly base: number;
}

/** Claims of past counts kept (see prune): a restart that read a count this many behind is not expected. */
const EPOCHS_KEPT = 32;

const attemptId = (...parts: (string | number)[]) => JSON.stringify(parts);

/** The portal lock's state and its claims; shared by the accounts (unlock, setLock) and the attempts. */
function attemptsOn(db: Db) {
  const attempts: Collection<AttemptDoc> = db.collection<AttemptDoc>(PORTAL_ATTEMPTS);
  const insert = (d: AttemptDoc) => claim(attempts, d);

  async function state(key: string): Promise<AttemptState> {
    return stateOf(await attempts.find({ key }).toArray());
  }

  /** The lock's state as one key's documents give it. */
  function stateOf(docs: readonly AttemptDoc[]): AttemptState {
    const epochDoc = docs.filter((d) => d.kind === 'epoch').sort((a, b) => b.epoch - a.epoch)[0];
    const epoch = epochDoc?.epoch ?? 0;
    const mine = docs.filter((d) => d.epoch === epoch);
    const base = epochDoc?.failures ?? 0;
    const lockedAt = epochDoc?.lockedAt ?? mine.find((d) => d.kind === 'lock')?.at;
    return {
      epoch,
      base,
      failures: base + mine.filter((d) => d.kind === 'fail').length,
      ...(lockedAt ? { lockedAt } : {}),
      taken: new Set(mine.filter((d) => d.kind === 'place').map((d) => d.n ?? 0)),
    };
  }

  /**
   * Forgets the counts before `epoch`. An epoch's own claim is kept for EPOCHS_KEPT more counts: were it
   * deleted at once, a restart that read the older count could claim that epoch number again and think it
   * ended a lock someone else already ended.
   */
  async function prune(key: string, epoch: number): Promise<void> {
    await attempts.deleteMany({ key, epoch: { $lt: epoch }, kind: { $ne: 'epoch' } });
    await attempts.deleteMany({ key, epoch: { $lt: epoch - EPOCHS_KEPT } });
  }

  /** Starts a new count (a claimed new epoch) with this starting state; resolves with the state it ended. */
  async function restart(key: string, start: { failures: number; lockedAt: Date | null }, at: Date): Promise<AttemptState> {
    for (;;) {
      const before = await state(key);
      const epoch = before.epoch + 1;
      if (await insert({ _id: attemptId('e', key, epoch), key, kind: 'epoch', epoch, failures: start.failures, lockedAt: start.lockedAt, at })) {
        await prune(key, epoch);
        return before;
      }
    }
  }

  /**
   * The keys locked now, with their lock's time. Only keys with a lock document (a failure's claim, or a
   * count that setLock started locked) can be; each is judged by all its documents, as state() does.
   */
  async function lockedKeys(): Promise<{ key: string; lockedAt: Date }[]> {
    const keys = (await attempts.distinct('key', { $or: [{ kind: 'lock' }, { kind: 'epoch', lockedAt: { $ne: null } }] })) as string[];
    if (keys.length === 0) return [];
    const byKey = new Map<string, AttemptDoc[]>();
    for (const d of await attempts.find({ key: { $in: keys } }).toArray()) byKey.set(d.key, [...(byKey.get(d.key) ?? []), d]);
    return [...byKey].flatMap(([key, docs]) => {
      const { lockedAt } = stateOf(docs);
      return lockedAt ? [{ key, lockedAt }] : [];
    });
  }

  return { attempts, insert, state, restart, prune, lockedKeys };
}

export function mongoPortalAccounts(db: Db): PortalAccountRepository {
  const accounts: Collection<AccountDoc> = db.collection<AccountDoc>(PORTAL_ACCOUNTS);
  const lock = attemptsOn(db);

  async function get(user: string): Promise<PortalAccount | null> {
    // Both at once: a details card waits for one round trip, not two.
    const [a, s] = await Promise.all([accounts.findOne({ _id: user }), lock.state(user)]);
    if (!a) return null;
    return {
      user, enrolled: a.enrolled, methods: a.methods,
      locked: s.lockedAt !== undefined,
      ...(s.lockedAt ? { lockedAt: s.lockedAt } : {}),
      failedAttempts: s.failures,
      updatedAt: a.updatedAt,
    };
  }

  return {
    async get(user) {
      return guard('portal account read', () => get(user));
    },
    async put(a) {
      await guard('portal account write', () =>
        accounts.updateOne({ _id: a.user }, { $set: { enrolled: a.enrolled, methods: [...a.methods], updatedAt: a.updatedAt } }, { upsert: true }));
    },
    async ensure(user, at) {
      await guard('portal account create', () => claim(accounts, { _id: user, enrolled: false, methods: [], updatedAt: at }));
    },
    async setLock(user, l, at) {
      await guard('portal account lock write', () =>
        lock.restart(user, { failures: l.failedAttempts, lockedAt: l.locked ? (l.lockedAt ?? at) : null }, at));
    },
    async unlock(user, at) {
      return guard('portal account unlock', async () => {
        if (!(await accounts.findOne({ _id: user }))) return null;
        // Of concurrent unlocks, the one whose new epoch followed the locked one says it was locked.
        const before = await lock.restart(user, { failures: 0, lockedAt: null }, at);
        await accounts.updateOne({ _id: user }, { $set: { updatedAt: at } });
        const account = await get(user);
        return account ? { wasLocked: before.lockedAt !== undefined, account } : null;
      });
    },
    async locked(limit) {
      const max = Math.max(0, Math.floor(limit));
      if (max === 0) return [];
      return guard('portal locks read', async () => {
        const locks = await lock.lockedKeys();
        // Like SQLite's join: a lock of a login without a portal account (an unknown login's count) is not listed.
        const known = new Set((await accounts.find({ _id: { $in: locks.map((l) => l.key) } }, { projection: { _id: 1 } }).toArray()).map((a) => a._id));
        return locks.filter((l) => known.has(l.key))
          .sort((x, y) => y.lockedAt.getTime() - x.lockedAt.getTime() || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
          .slice(0, max)
          .map((l) => ({ user: l.key, lockedAt: l.lockedAt }));
      });
    },
  };
}

/**
 * The portal lock on MongoDB, as PortalAttemptRepository describes it: places, failures, the lock and each
 * new count are documents inserted as claims; a released place is a delete of its own document.
 */
export function mongoPortalAttempts(db: Db): PortalAttemptRepository {
  const { attempts, insert, state, prune } = attemptsOn(db);

  async function reserve(key: string, limit: number, at: Date): Promise<AttemptPlace | null> {
    for (;;) {
      const s = await state(key);
      if (s.lockedAt !== undefined) return null;
      let place: AttemptPlace | undefined;
      for (let n = s.base + 1; n <= limit && !place; n++) {
        if (s.taken.has(n)) continue;
        if (await insert({ _id: attemptId('p', key, s.epoch, n), key, kind: 'place', epoch: s.epoch, n, at })) place = { key, epoch: s.epoch, n };
      }
      if (!place) return null;
      // A pass, an unlock or the lock may have come between the read and the claim: then the place is not ours to use.
      // A lock that followed our claim leaves it ours: a number never given back in this count was claimed in
      // ascending order before the last one, whose failure locked. Only a number given back and claimed again
      // may have been taken after the lock.
      const after = await state(key);
      if (after.epoch === place.epoch && (after.lockedAt === undefined || !(await givenBack(place)))) return place;
      await attempts.deleteOne({ _id: attemptId('p', key, place.epoch, place.n) });
      if (after.lockedAt !== undefined && after.epoch === place.epoch) return null;
    }
  }

  async function givenBack(place: AttemptPlace): Promise<boolean> {
    return (await attempts.countDocuments({ key: place.key, kind: 'released', epoch: place.epoch, n: place.n }, { limit: 1 })) > 0;
  }

  async function fail(place: AttemptPlace, limit: number, at: Date): Promise<{ locks: boolean }> {
    const s = await state(place.key);
    // Settled after a pass or an unlock started a new count: this failure belongs to the old one.
    if (s.epoch !== place.epoch) return { locks: false };
    if (!(await insert({ _id: attemptId('f', place.key, place.epoch, place.n), key: place.key, kind: 'fail', epoch: place.epoch, n: place.n, at }))) {
      return { locks: false };
    }
    if (place.n < limit) return { locks: false };
    return { locks: await insert({ _id: attemptId('l', place.key, place.epoch), key: place.key, kind: 'lock', epoch: place.epoch, at }) };
  }

  return {
    async reserve(key, limit, at) {
      return guard('portal attempt reserve', () => reserve(key, limit, at));
    },
    async fail(place, limit, at) {
      return guard('portal attempt failure', () => fail(place, limit, at));
    },
    async pass(place, at) {
      await guard('portal attempt pass', async () => {
        const epoch = place.epoch + 1;
        if (await insert({ _id: attemptId('e', place.key, epoch), key: place.key, kind: 'epoch', epoch, failures: 0, lockedAt: null, at })) {
          await prune(place.key, epoch);
        }
      });
    },
    async release(place, at) {
      await guard('portal attempt release', async () => {
        // The mark first, so whoever claims the number again sees that it was given back (reserve()).
        await attempts.insertOne({ _id: `${attemptId('r', place.key, place.epoch, place.n)}:${randomUUID()}`, key: place.key, kind: 'released', epoch: place.epoch, n: place.n, at });
        await attempts.deleteOne({ _id: attemptId('p', place.key, place.epoch, place.n), kind: 'place' });
      });
    },
  };
}

export function mongoEnrollments(db: Db): EnrollmentRepository {
  const enrollments = db.collection<EnrollmentDoc>(ENROLLMENTS);
  return {
    async replace(user, questions, at) {
      // One document per user: replacing it is one atomic write.
      await guard('enrollment write', () => enrollments.replaceOne({ _id: user }, {
        questions: questions.map((q, i) => ({ position: i + 1, question: q.question, ciphertext: q.answer.ciphertext, iv: q.answer.iv, tag: q.answer.tag })),
        updatedAt: at,
      }, { upsert: true }));
    },
    async get(user) {
      return guard('enrollment read', async () => {
        const d = await enrollments.findOne({ _id: user });
        if (!d || d.questions.length === 0) return null;
        return {
          user,
          questions: d.questions.map((q) => ({ position: q.position, question: q.question, answer: { ciphertext: q.ciphertext, iv: q.iv, tag: q.tag } })),
          updatedAt: d.updatedAt,
        };
      });
    },
  };
}

export function mongoPortalMobiles(db: Db): PortalMobileRepository {
  const mobiles = db.collection<MobileDoc>(PORTAL_MOBILES);
  return {
    async put(user, m) {
      await guard('registered mobile write', () => mobiles.replaceOne({ _id: user },
        { ciphertext: m.number.ciphertext, iv: m.number.iv, tag: m.number.tag, registeredAt: m.registeredAt }, { upsert: true }));
    },
    async get(user) {
      return guard('registered mobile read', async () => {
        const d = await mobiles.findOne({ _id: user });
        return d ? { number: { ciphertext: d.ciphertext, iv: d.iv, tag: d.tag }, registeredAt: d.registeredAt } : null;
      });
    },
  };
}
