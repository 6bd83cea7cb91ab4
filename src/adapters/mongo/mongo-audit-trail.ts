// The helpdesk's audit trail on MongoDB, written by any number of replicas without a transaction.
//
// One document per record, _id = seq (unique) and a unique index on prevHash: of two writers that chain
// onto the same head, the server refuses the second insert (duplicate key); the loser re-reads the head
// and tries again, so the chain stays one line. The head (last seq, its hash, MACed under the audit key as
// on SQLite) is a document per seq in audit_heads, inserted after the record: it lets verify() see the
// LAST records removed. A head may lag its chain (a writer between its two inserts, or one that died
// there): records after the head are accepted when they chain and hash under the key, since only a holder
// of the key can write such records; a head AFTER the chain's end is a removal.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import { chainHash, GENESIS_HASH } from '../../domain/audit-chain';
import type { AuditEntry, AuditEntryInput, AuditOutcome } from '../../domain/audit-entry';
import { HelpdeskError } from '../../domain/errors';
import type { Role, Surface } from '../../domain/roles';
import type { AuditChainHead, AuditQuery, AuditVerification, HelpdeskAuditTrail } from '../../ports/audit-trail.port';
import { claim, guard } from './mongo-errors';

export interface AuditDoc {
  _id: number;
  at: Date;
  correlationId: string;
  surface: string;
  actor: string;
  role: string;
  action: string;
  target?: string;
  outcome: string;
  code?: string;
  detail?: string;
  prevHash: string;
  hash: string;
}

export interface AuditHeadDoc {
  _id: number;
  hash: string;
  mac: string;
}

export const AUDIT = 'audit';
export const AUDIT_HEADS = 'audit_heads';

// The same MAC as the SQLite store's head (src/adapters/sqlite/audit-head.ts; adapters do not import each other).
function headMac(key: Buffer, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`audit-head\n${seq}\n${hash}`).digest('hex');
}

function headMacMatches(key: Buffer, head: AuditHeadDoc): boolean {
  const expected = Buffer.from(headMac(key, head._id, head.hash), 'hex');
  const actual = Buffer.from(head.mac, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function toEntry(d: AuditDoc): AuditEntry {
  return {
    seq: d._id,
    at: d.at,
    correlationId: d.correlationId,
    surface: d.surface as Surface,
    actor: d.actor,
    role: d.role as Role,
    action: d.action,
    ...(d.target !== undefined && d.target !== null ? { target: d.target } : {}),
    outcome: d.outcome as AuditOutcome,
    ...(d.code !== undefined && d.code !== null ? { code: d.code } : {}),
    ...(d.detail !== undefined && d.detail !== null ? { detail: d.detail } : {}),
    prevHash: d.prevHash,
    hash: d.hash,
  };
}

function toDoc(e: AuditEntryInput, seq: number, prevHash: string, hash: string): AuditDoc {
  return {
    _id: seq, at: e.at, correlationId: e.correlationId, surface: e.surface, actor: e.actor, role: e.role, action: e.action,
    ...(e.target !== undefined ? { target: e.target } : {}),
    outcome: e.outcome,
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    prevHash, hash,
  };
}

/** Records per read while verifying: a few milliseconds of work between yields. */
const VERIFY_BATCH = 500;
/** Old head documents are pruned every this many appends (only the newest one is read). */
const PRUNE_EVERY = 64;

const broken = (brokenAt: number, reason: string): AuditVerification => ({ ok: false, brokenAt, reason });

export async function createAuditIndexes(db: Db): Promise<void> {
  await db.collection(AUDIT).createIndex({ prevHash: 1 }, { unique: true, name: 'audit_prev_hash_unique' });
  await db.collection(AUDIT).createIndex({ actor: 1, _id: -1 }, { name: 'audit_actor' });
  await db.collection(AUDIT).createIndex({ target: 1, _id: -1 }, { name: 'audit_target' });
}

export function mongoAuditTrail(db: Db, auditKey: Buffer): HelpdeskAuditTrail {
  const entries: Collection<AuditDoc> = db.collection<AuditDoc>(AUDIT);
  const heads: Collection<AuditHeadDoc> = db.collection<AuditHeadDoc>(AUDIT_HEADS);
  // The head this instance last wrote: the next append tries after it without a read; a lost race reads.
  let known: { seq: number; hash: string } | undefined;
  let appends = 0;
  // Appends of this instance run one after the other: they would only race each other.
  let queue: Promise<unknown> = Promise.resolve();

  async function topEntry(): Promise<AuditDoc | null> {
    return entries.findOne({}, { sort: { _id: -1 } });
  }
  async function topHead(): Promise<AuditHeadDoc | null> {
    return heads.findOne({}, { sort: { _id: -1 } });
  }

  /** The newer of the last record and the last head; a head whose MAC fails is never extended. */
  async function readHead(): Promise<{ seq: number; hash: string } | null> {
    const [entry, head] = await Promise.all([topEntry(), topHead()]);
    if (head && !headMacMatches(auditKey, head)) {
      throw new HelpdeskError('STORE.UNAVAILABLE',
        'MongoDB store: the audit head fails its MAC check (tampered with, or the audit key changed); run `npm run audit:verify`');
    }
    if (entry && (!head || entry._id > head._id)) return { seq: entry._id, hash: entry.hash };
    return head ? { seq: head._id, hash: head.hash } : null;
  }

  async function appendOne(e: AuditEntryInput): Promise<AuditEntry> {
    for (;;) {
      const head = known ?? (await readHead());
      const seq = (head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const hash = chainHash(auditKey, prevHash, seq, e);
      const doc = toDoc(e, seq, prevHash, hash);
      if (!(await claim(entries, doc))) {
        known = undefined; // another writer took this seq (or this head): read the new head and chain onto it
        continue;
      }
      await claim(heads, { _id: seq, hash, mac: headMac(auditKey, seq, hash) });
      known = { seq, hash };
      if (++appends % PRUNE_EVERY === 0) await heads.deleteMany({ _id: { $lt: seq } });
      return toEntry(doc);
    }
  }

  interface Walk { expectedSeq: number; prevHash: string }

  /** Checks `docs` in order onto `walk`; a verdict when one is broken. */
  function check(walk: Walk, docs: AuditDoc[]): AuditVerification | undefined {
    for (const d of docs) {
      if (d._id !== walk.expectedSeq) return broken(d._id, `expected seq ${walk.expectedSeq}, found ${d._id}: entries are missing`);
      if (d.prevHash !== walk.prevHash) return broken(d._id, "prev_hash is not the previous entry's hash");
      let computed: string;
      try {
        computed = chainHash(auditKey, d.prevHash, d._id, toEntry(d));
      } catch {
        return broken(d._id, 'the entry is malformed');
      }
      if (computed !== d.hash) return broken(d._id, 'hash does not match the entry (changed, or hashed with another key)');
      walk.prevHash = d.hash;
      walk.expectedSeq += 1;
    }
    return undefined;
  }

  const after = (seq: number, limit: number) => entries.find({ _id: { $gt: seq } }, { sort: { _id: 1 }, limit }).toArray();

  return {
    async append(entry) {
      const turn = queue.then(() => guard('audit append', () => appendOne(entry)));
      queue = turn.catch(() => undefined);
      return turn;
    },
    async list(query: AuditQuery) {
      const limit = Math.max(0, Math.floor(query.limit));
      if (limit === 0) return [];
      const filter: Filter<AuditDoc> = {};
      if (query.actor !== undefined) filter.actor = query.actor;
      if (query.target !== undefined) filter.target = query.target;
      if (query.beforeSeq !== undefined) filter._id = { $lt: query.beforeSeq };
      if (query.since !== undefined) filter.at = { $gte: query.since };
      return guard('audit list', async () => (await entries.find(filter, { sort: { _id: -1 }, limit }).toArray()).map(toEntry));
    },
    async verify() {
      const walk: Walk = { expectedSeq: 1, prevHash: GENESIS_HASH };
      for (;;) {
        const docs = await guard('audit verify', () => after(walk.expectedSeq - 1, VERIFY_BATCH));
        const verdict = check(walk, docs);
        if (verdict) return verdict;
        if (docs.length === VERIFY_BATCH) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        // The end of the chain as read; the head is read after it, and every head's record was inserted
        // before the head: a head past what was read means appends since (read on) or a removal.
        const head = await guard('audit verify', () => topHead());
        const count = walk.expectedSeq - 1;
        if (!head) return count === 0 ? { ok: true, count } : broken(count, 'the audit head is missing');
        if (!headMacMatches(auditKey, head)) return broken(head._id, 'the audit head fails its MAC check');
        if (head._id > count) {
          const more = await guard('audit verify', () => after(count, VERIFY_BATCH));
          if (more.length > 0) {
            const verdictMore = check(walk, more);
            if (verdictMore) return verdictMore;
            continue;
          }
          return broken(count + 1, `the head names seq ${head._id} but the chain ends at ${count}: the last entries were removed`);
        }
        const atHead = await guard('audit verify', () => entries.findOne({ _id: head._id }));
        if (atHead?.hash !== head.hash) return broken(head._id, "the entry at the head differs from the head");
        return { ok: true, count };
      }
    },
    async head(): Promise<AuditChainHead | null> {
      return guard('audit head', async () => {
        const [entry, head] = await Promise.all([topEntry(), topHead()]);
        if (entry && (!head || entry._id >= head._id)) return { seq: entry._id, hash: entry.hash };
        return head ? { seq: head._id, hash: head.hash } : null;
      });
    },
  };
}
