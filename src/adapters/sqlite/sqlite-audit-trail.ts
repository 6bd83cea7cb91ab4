// The helpdesk's audit trail on SQLite: a hash chain in helpdesk_audit plus its MACed head in audit_head.
import type Database from 'better-sqlite3';
import { chainHash, GENESIS_HASH } from '../../domain/audit-chain';
import type { AuditEntry, AuditEntryInput, AuditOutcome } from '../../domain/audit-entry';
import { HelpdeskError } from '../../domain/errors';
import type { Role, Surface } from '../../domain/roles';
import type { AuditChainHead, AuditDurability, AuditQuery, AuditVerification, HelpdeskAuditTrail } from '../../ports/audit-trail.port';
import { headMac, headMacMatches } from './audit-head';
import { groupCommit, type GroupCommit } from './group-commit';
import { guard } from './store-unavailable';

interface AuditRow {
  seq: number;
  at: number;
  correlation_id: string;
  surface: string;
  actor: string;
  role: string;
  action: string;
  target: string | null;
  outcome: string;
  code: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

interface HeadRow {
  seq: number;
  hash: string;
  mac: string;
}

function rowToEntry(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: new Date(r.at),
    correlationId: r.correlation_id,
    surface: r.surface as Surface,
    actor: r.actor,
    role: r.role as Role,
    action: r.action,
    ...(r.target !== null ? { target: r.target } : {}),
    outcome: r.outcome as AuditOutcome,
    ...(r.code !== null ? { code: r.code } : {}),
    ...(r.detail !== null ? { detail: r.detail } : {}),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function entryToRow(e: AuditEntryInput, seq: number, prevHash: string, hash: string): AuditRow {
  return {
    seq, at: e.at.getTime(), correlation_id: e.correlationId, surface: e.surface, actor: e.actor, role: e.role,
    action: e.action, target: e.target ?? null, outcome: e.outcome, code: e.code ?? null, detail: e.detail ?? null,
    prev_hash: prevHash, hash,
  };
}

/** Rows per read transaction while verifying: a few milliseconds of work between yields. */
const VERIFY_BATCH = 500;

const broken = (brokenAt: number, reason: string): AuditVerification => ({ ok: false, brokenAt, reason });

/** A connection the chain is appended on, with its group commit. */
export interface AuditConnection {
  readonly db: Database.Database;
  readonly commit: GroupCommit;
}

/**
 * `lookups`: the connection for the records of lookups ('committed': sqlite-store.ts gives its NORMAL one, whose
 * commits do not fsync); without it every record is appended on `db`.
 */
export function sqliteAuditTrail(db: Database.Database, auditKey: Buffer, commit: GroupCommit = groupCommit(db), lookups?: AuditConnection): HelpdeskAuditTrail {
  const readHeadOn = (conn: Database.Database) => conn.prepare<[], HeadRow>('SELECT seq, hash, mac FROM audit_head WHERE id = 1');
  const readHead = readHeadOn(db);
  const listStatements = new Map<string, Database.Statement<unknown[], AuditRow>>();

  // Read head, insert entry, move head, in an IMMEDIATE transaction (write lock taken before the read),
  // so two appenders — two connections, even in two processes — can never both chain onto the same head.
  // Entries appended on one connection in the same turn of the event loop chain one after the other in one
  // such transaction.
  function appenderOn(conn: Database.Database, connCommit: GroupCommit): (e: AuditEntryInput, durability?: AuditDurability) => Promise<AuditEntry> {
    const readConnHead = conn === db ? readHead : readHeadOn(conn);
    const insertEntry = conn.prepare<[AuditRow]>(`INSERT INTO helpdesk_audit
      (seq, at, correlation_id, surface, actor, role, action, target, outcome, code, detail, prev_hash, hash)
      VALUES (@seq, @at, @correlation_id, @surface, @actor, @role, @action, @target, @outcome, @code, @detail, @prev_hash, @hash)`);
    const insertHead = conn.prepare<[HeadRow]>('INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, @seq, @hash, @mac)');
    const updateHead = conn.prepare<[HeadRow]>('UPDATE audit_head SET seq = @seq, hash = @hash, mac = @mac WHERE id = 1');
    // The head this connection last wrote or checked: a head read back unchanged needs no new MAC check
    // (another writer's head, or one changed in the file, differs from it and is checked).
    let knownHead: HeadRow | undefined;
    const sameAsKnown = (h: HeadRow) => knownHead !== undefined && h.seq === knownHead.seq && h.hash === knownHead.hash && h.mac === knownHead.mac;
    const appendOne = (e: AuditEntryInput): AuditEntry => {
      const head = readConnHead.get();
      if (head && !sameAsKnown(head) && !headMacMatches(auditKey, head, head.mac)) {
        throw new HelpdeskError('STORE.UNAVAILABLE',
          'SQLite store: the audit head fails its MAC check (tampered with, or the audit key changed); run `npm run audit:verify`');
      }
      const seq = (head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const hash = chainHash(auditKey, prevHash, seq, e);
      const row = entryToRow(e, seq, prevHash, hash);
      insertEntry.run(row);
      const next = { seq, hash, mac: headMac(auditKey, { seq, hash }) };
      (head ? updateHead : insertHead).run(next);
      knownHead = next;
      return rowToEntry(row);
    };
    return (e, durability) => connCommit('audit append', () => appendOne(e), durability);
  }
  const append = appenderOn(db, commit);
  const appendLookup = lookups ? appenderOn(lookups.db, lookups.commit) : append;

  function listStatement(byActor: boolean, byTarget: boolean, before: boolean, since: boolean): Database.Statement<unknown[], AuditRow> {
    const key = `${byActor}/${byTarget}/${before}/${since}`;
    let stmt = listStatements.get(key);
    if (!stmt) {
      const where = [byActor ? 'actor = ?' : '', byTarget ? 'target = ?' : '', before ? 'seq < ?' : '', since ? 'at >= ?' : ''].filter(Boolean);
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      stmt = db.prepare<unknown[], AuditRow>(`SELECT * FROM helpdesk_audit ${clause} ORDER BY seq DESC LIMIT ?`);
      listStatements.set(key, stmt);
    }
    return stmt;
  }

  // Walks the chain in seq order, VERIFY_BATCH rows per read transaction, yielding to the event loop
  // between batches (start-up verifies while the server already answers). Entries are append-only, so
  // earlier batches cannot change under us; the last batch and the head are read in one snapshot, so an
  // append made while verifying is neither missed nor mistaken for tampering.
  const batchAfter = db.prepare<[number, number], AuditRow>('SELECT * FROM helpdesk_audit WHERE seq > ? ORDER BY seq LIMIT ?');
  interface Walk { expectedSeq: number; prevHash: string }
  const verifyBatch = db.transaction((walk: Walk): AuditVerification | undefined => {
    const rows = batchAfter.all(walk.expectedSeq - 1, VERIFY_BATCH);
    for (const row of rows) {
      if (row.seq !== walk.expectedSeq) return broken(row.seq, `expected seq ${walk.expectedSeq}, found ${row.seq}: entries are missing`);
      if (row.prev_hash !== walk.prevHash) return broken(row.seq, "prev_hash is not the previous entry's hash");
      let computed: string;
      try {
        computed = chainHash(auditKey, row.prev_hash, row.seq, rowToEntry(row));
      } catch {
        return broken(row.seq, 'the entry is malformed');
      }
      if (computed !== row.hash) return broken(row.seq, 'hash does not match the entry (changed, or hashed with another key)');
      walk.prevHash = row.hash;
      walk.expectedSeq += 1;
    }
    if (rows.length === VERIFY_BATCH) return undefined; // more to read
    const head = readHead.get();
    const count = walk.expectedSeq - 1;
    if (!head) return count === 0 ? { ok: true, count } : broken(count, 'the audit head is missing');
    if (!headMacMatches(auditKey, head, head.mac)) return broken(head.seq, 'the audit head fails its MAC check');
    if (head.seq > count) {
      return broken(count + 1, `the head names seq ${head.seq} but the chain ends at ${count}: the last entries were removed`);
    }
    if (head.seq < count) return broken(head.seq + 1, `entries after the head (seq ${head.seq}) were added behind the store's back`);
    if (head.hash !== walk.prevHash) return broken(count, "the last entry's hash differs from the head");
    return { ok: true, count };
  });

  return {
    async append(entry: AuditEntryInput, durability?: AuditDurability): Promise<AuditEntry> {
      return durability === 'committed' ? appendLookup(entry, durability) : append(entry, durability);
    },
    async list(query: AuditQuery): Promise<AuditEntry[]> {
      return guard('audit list', () => {
        const params: unknown[] = [];
        if (query.actor !== undefined) params.push(query.actor);
        if (query.target !== undefined) params.push(query.target);
        if (query.beforeSeq !== undefined) params.push(query.beforeSeq);
        if (query.since !== undefined) params.push(query.since.getTime());
        params.push(Math.max(0, Math.floor(query.limit)));
        return listStatement(query.actor !== undefined, query.target !== undefined, query.beforeSeq !== undefined, query.since !== undefined)
          .all(...params).map(rowToEntry);
      });
    },
    async verify(): Promise<AuditVerification> {
      const walk: Walk = { expectedSeq: 1, prevHash: GENESIS_HASH };
      for (;;) {
        const result = guard('audit verify', () => verifyBatch(walk));
        if (result) return result;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    async head(): Promise<AuditChainHead | null> {
      return guard('audit head', () => {
        const head = readHead.get();
        return head ? { seq: head.seq, hash: head.hash } : null;
      });
    },
  };
}
