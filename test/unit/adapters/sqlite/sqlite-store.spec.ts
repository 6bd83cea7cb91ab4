// SQLite-only behaviour of the store: file handling, migrations, schema, triggers, the audit head, and
// the query plan behind `audit <user>`. Store behaviour shared with other adapters is in test/contract.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, open as openFile, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { migrate } from '../../../../src/adapters/sqlite/migrate';
import { MIGRATIONS } from '../../../../src/adapters/sqlite/migrations';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import type { AuditEntryInput } from '../../../../src/domain/audit-entry';
import { isHelpdeskError } from '../../../../src/domain/errors';
import type { Store } from '../../../../src/ports/store.port';

const TABLES = [
  'schema_migrations', 'helpdesk_audit', 'audit_head', 'confirmations', 'portal_accounts', 'enrollments',
  'portal_events', 'pins', 'approvals', 'tickets', 'store_heartbeat', 'shared_requests', 'shown_secrets', 'account_changes',
  'verification_codes', 'escalation_tickets', 'portal_sessions', 'portal_codes', 'portal_mobiles',
];

function entry(i: number): AuditEntryInput {
  return {
    at: new Date(Date.UTC(2025, 0, 15, 9, 0, i)), correlationId: `corr-${i}`, surface: 'local', actor: 'agent.smith',
    role: 'agent', action: 'account.unlock', target: 'jdoe', outcome: 'success',
  };
}

function isStoreUnavailable(e: unknown): boolean {
  return isHelpdeskError(e) && e.code === 'STORE.UNAVAILABLE';
}

describe('SQLite store', () => {
  let dir: string;
  let path: string;
  const auditKey = randomBytes(32);
  const stores: Store[] = [];
  const open = (): Store => {
    const store = openSqliteStore({ path, auditKey, busyTimeoutMs: 200 });
    stores.push(store);
    return store;
  };
  /** A second connection to the same file, closed after `fn`. */
  function raw<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(path);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdesk-sqlite-'));
    path = join(dir, 'nested', 'deeper', 'helpdesk.db');
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('opening', () => {
    it('creates the parent folder and uses WAL', () => {
      open();
      assert.ok(existsSync(path));
      assert.equal(raw((db) => db.pragma('journal_mode', { simple: true })), 'wal');
    });

    it('works in memory', async () => {
      const store = openSqliteStore({ path: ':memory:', auditKey });
      stores.push(store);
      await store.audit.append(entry(1));
      await store.ping();
      assert.deepEqual(await store.audit.verify(), { ok: true, count: 1 });
    });

    it('rejects a short audit key and an unusable path', async () => {
      assert.throws(() => openSqliteStore({ path, auditKey: randomBytes(16) }), RangeError);
      assert.throws(() => openSqliteStore({ path: dir, auditKey }), isStoreUnavailable); // a folder, not a file
    });
  });

  describe('migrations', () => {
    it('creates every table, and opening the same file again applies nothing twice', async () => {
      await open().audit.append(entry(1));
      await stores.pop()?.close();
      const again = open();
      open(); // and a second connection while the first is open
      const tables = raw((db) => db.prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name));
      for (const t of TABLES) assert.ok(tables.includes(t), `table ${t} exists`);
      const versions = raw((db) => db.prepare<[], { version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version').all().map((r) => r.version));
      assert.deepEqual(versions, MIGRATIONS.map((m) => m.version));
      assert.deepEqual(await again.audit.verify(), { ok: true, count: 1 }, 'data survives reopening');
    });

    it('applies a new migration once, and a failing one not at all', () => {
      const db = new Database(':memory:');
      try {
        assert.deepEqual(migrate(db, MIGRATIONS, new Date()), MIGRATIONS.map((m) => m.version));
        const next = [...MIGRATIONS, { version: 1000, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER)' }];
        assert.deepEqual(migrate(db, next, new Date()), [1000]);
        assert.deepEqual(migrate(db, next, new Date()), []);
        const broken = [...next, { version: 1001, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); SELECT nope FROM nowhere' }];
        assert.throws(() => migrate(db, broken, new Date()));
        assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get(), undefined);
        assert.equal(db.prepare('SELECT version FROM schema_migrations WHERE version = 1001').get(), undefined);
      } finally {
        db.close();
      }
    });
  });

  describe('schema', () => {
    it('has no column for a plaintext PIN, password, answer or registered mobile number', () => {
      open();
      const allowed = new Set(['pin_hmac', 'answer_ciphertext', 'answer_iv', 'answer_tag', 'number_ciphertext', 'number_iv', 'number_tag']);
      raw((db) => {
        for (const t of TABLES) {
          for (const c of db.prepare<[], { name: string }>(`PRAGMA table_info(${t})`).all()) {
            if (/pin|password|passwd|answer|secret|number|mobile|phone/i.test(c.name)) assert.ok(allowed.has(c.name), `${t}.${c.name}`);
          }
        }
      });
    });

    it('stores dates as epoch milliseconds', async () => {
      const e = entry(1);
      await open().audit.append(e);
      const row = raw((db) => db.prepare<[], { at: unknown }>('SELECT at FROM helpdesk_audit').get());
      assert.equal(row?.at, e.at.getTime());
    });

    it('serves `audit <user>` and `sync <user>` from the portal_events indexes', () => {
      open();
      const plan = (sql: string) => raw((db) => db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all('jdoe').map((r) => r.detail).join(' | '));
      const audit = plan('SELECT * FROM portal_events WHERE user = ? ORDER BY at DESC LIMIT 20');
      assert.match(audit, /USING INDEX portal_events_user_at/);
      assert.doesNotMatch(audit, /TEMP B-TREE/);
      const sync = plan("SELECT * FROM portal_events WHERE user = ? AND category = 'sync' ORDER BY at DESC LIMIT 20");
      assert.match(sync, /USING INDEX portal_events_user_category_at/);
      assert.doesNotMatch(sync, /TEMP B-TREE/);
    });

    it('counts account changes for the limits and finds expired confirmations from indexes', () => {
      open();
      const plan = (sql: string, ...params: unknown[]) => raw((db) => db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params).map((r) => r.detail).join(' | '));
      assert.match(plan('SELECT count(*) FROM account_changes WHERE kind = ? AND actor = ? AND at > ?', 'change', 'a', 0), /USING COVERING INDEX account_changes_kind_actor_at/);
      assert.match(plan('SELECT count(*) FROM account_changes WHERE kind = ? AND target = ? AND at > ?', 'secret', 'a', 0), /USING COVERING INDEX account_changes_kind_target_at/);
      assert.match(plan('SELECT token_hash FROM confirmations WHERE expires_at < ? LIMIT 100', 0), /USING INDEX confirmations_expires_at/);
    });
  });

  describe('appends from several connections', () => {
    it('keep one contiguous chain when four threads append at once', async function () {
      this.timeout(30_000);
      const store = open(); // migrates the file before the workers start
      const workers = Array.from({ length: 4 }, (_, worker) => new Promise<void>((resolve, reject) => {
        const w = new Worker(join(__dirname, 'append-worker.ts'), {
          execArgv: ['--require', 'tsx/cjs'],
          workerData: { path, auditKey, worker, count: 50 },
        });
        w.once('message', () => resolve());
        w.once('error', reject);
        w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
      }));
      await Promise.all(workers);
      assert.deepEqual(await store.audit.verify(), { ok: true, count: 200 });
    });
  });

  describe('lookups\' records', () => {
    it('are appended through the connection that does not fsync in its commits, and fsynced off the loop; actions\' records are on disk when answered', async () => {
      const store = open();
      await store.audit.append(entry(1)); // opens the WAL
      const probe = await openFile(join(dir, 'probe'), 'w');
      await probe.close();
      const proto = Object.getPrototypeOf(probe) as FileHandle; // the WAL's fsync off the loop is a FileHandle's
      const original = proto.sync;
      let fsyncs = 0;
      proto.sync = async function (this: FileHandle) {
        fsyncs += 1;
        return original.call(this);
      };
      try {
        await store.audit.append(entry(2), 'on-disk');
        await new Promise((r) => setTimeout(r, 150));
        assert.equal(fsyncs, 0, 'an action\'s record: fsynced inside its commit, nothing left to do');
        await store.audit.append(entry(3), 'committed');
        for (let i = 0; i < 50 && fsyncs === 0; i++) await new Promise((r) => setTimeout(r, 5));
        assert.equal(fsyncs, 1, 'a lookup\'s record: one WAL fsync on the thread pool');
      } finally {
        proto.sync = original;
      }
      // One after the other, each on its own connection: every head the other connection wrote is checked and chained onto.
      for (let i = 4; i <= 12; i++) await store.audit.append(entry(i), i % 2 === 0 ? 'committed' : 'on-disk');
      assert.deepEqual(await store.audit.verify(), { ok: true, count: 12 });
      assert.deepEqual((await store.audit.list({ limit: 20 })).map((e) => e.seq), Array.from({ length: 12 }, (_, i) => 12 - i));
    });
  });

  describe('WAL checkpoints', () => {
    it('run on a thread of their own: what the commits left in the WAL reaches the database file with no further call on the store', async () => {
      const store = open();
      const long = 'x'.repeat(2000);
      for (let i = 1; i <= 150; i++) await store.audit.append({ ...entry(i), detail: long }, 'committed'); // about 600 WAL frames: no commit checkpoints
      const before = statSync(path).size;
      let after = before;
      for (let i = 0; i < 40 && after === before; i++) {
        await new Promise((r) => setTimeout(r, 50));
        after = statSync(path).size;
      }
      assert.ok(after > before + 150 * 1000, `the database file grew from ${before} to ${after} bytes while the store was idle`);
      assert.deepEqual(await store.audit.verify(), { ok: true, count: 150 });
    });

    it('keep the WAL bounded under writes that never pause (the thread alone never finds it all copied when a write begins)', async () => {
      const store = open();
      const agent = 'x'.repeat(1000);
      let wrote = 0;
      let longest = 0;
      for (let batch = 0; batch < 30; batch++) {
        const events = Array.from({ length: 1000 }, (_, i) => ({
          user: `user${i % 100}`, type: 'sign-in', outcome: 'success' as const, at: new Date(Date.UTC(2026, 0, 1, 0, batch, i % 60)),
          userAgent: `${agent} ${batch}.${i}`, category: 'self-service' as const, unknownUser: false,
        }));
        wrote += await store.portalEvents.append(events);
        longest = Math.max(longest, statSync(`${path}-wal`).size);
      }
      assert.equal(wrote, 30_000);
      const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
      // The backstop (4,000 pages of 4 KiB) and a batch or two (a backstop checkpoint that finds the thread's
      // under way skips); the database file holds the rest. Without the backstop the WAL passed 300 MB.
      assert.ok(longest < 40e6, `the WAL grew to ${mb(longest)} while the database file holds ${mb(statSync(path).size)}`);
      assert.ok(statSync(path).size > 100e6, `the database file holds ${mb(statSync(path).size)}`);
    });

    it("hold the process until the store's close has run its last one (nothing else left to keep it alive)", () => {
      // In a process of its own: the store is all there is, so a close that waited on a thread the process
      // does not wait for ended the process there (exit code 0), before the close's caller went on.
      const script = `
        const { openSqliteStore } = require(${JSON.stringify(join(__dirname, '../../../../src/adapters/sqlite/sqlite-store'))});
        const store = openSqliteStore({ path: process.argv[1], auditKey: Buffer.alloc(32, 7) });
        store.audit.append({ ...${JSON.stringify(entry(1))}, at: new Date() })
          .then(() => store.close())
          .then(() => console.log('closed'));`;
      const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script, path], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(child.stdout.trim(), 'closed', child.stderr);
      assert.equal(child.status, 0);
    });
  });

  describe('append-only audit table', () => {
    it('refuses UPDATE and DELETE through SQL', async () => {
      const store = open();
      for (let i = 1; i <= 3; i++) await store.audit.append(entry(i));
      raw((db) => {
        assert.throws(() => db.prepare("UPDATE helpdesk_audit SET actor = 'mallory' WHERE seq = 2").run(), /append-only/);
        assert.throws(() => db.prepare('DELETE FROM helpdesk_audit WHERE seq = 3').run(), /append-only/);
        assert.throws(() => db.prepare('DELETE FROM helpdesk_audit').run(), /append-only/);
        assert.throws(() => db.prepare('DELETE FROM audit_head').run(), /cannot be deleted/);
        assert.throws(() => db.prepare('UPDATE audit_head SET seq = 2').run(), /forward/);
      });
      assert.deepEqual(await store.audit.verify(), { ok: true, count: 3 });
    });
  });

  describe('audit head', () => {
    it('catches a truncated chain whose head was moved back, and refuses to append onto it', async () => {
      const store = open();
      for (let i = 1; i <= 5; i++) await store.audit.append(entry(i));
      raw((db) => db.transaction(() => {
        db.exec('DROP TRIGGER helpdesk_audit_no_delete; DROP TRIGGER audit_head_forward_only');
        db.exec('DELETE FROM helpdesk_audit WHERE seq = 5');
        // Point the head at the new last entry: values anyone can read, but the MAC needs the key.
        db.exec('UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM helpdesk_audit WHERE seq = 4)');
      })());
      const result = await store.audit.verify();
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.brokenAt, 4);
      await assert.rejects(store.audit.append(entry(6)), isStoreUnavailable);
    });

    it('tells the operator to run a verify command that exists', async () => {
      const store = open();
      await store.audit.append(entry(1));
      raw((db) => db.exec("DROP TRIGGER audit_head_forward_only; UPDATE audit_head SET mac = '00'"));
      const err: unknown = await store.audit.append(entry(2)).then(() => undefined, (e: unknown) => e);
      assert.ok(isStoreUnavailable(err));
      const named = /`npm run ([\w:-]+)`/.exec((err as Error).message)?.[1];
      assert.ok(named, `the message names an npm script: ${(err as Error).message}`);
      const scripts = (JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      assert.ok(scripts[named], `package.json has the script "${named}"`);
    });

    it('reports the head a store opened with another key cannot vouch for', async () => {
      await open().audit.append(entry(1));
      const other = openSqliteStore({ path, auditKey: randomBytes(32) });
      stores.push(other);
      const result = await other.audit.verify();
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.brokenAt, 1);
      await assert.rejects(other.audit.append(entry(2)), isStoreUnavailable);
    });
  });

  describe("another process's write lock", () => {
    /** The longest a 10 ms timer was late while `during` ran: what every other request of the process would wait. */
    async function timerLag<T>(during: () => Promise<T>): Promise<{ value: T; lagMs: number }> {
      let lagMs = 0;
      let running = true;
      const ticking = (async () => {
        while (running) {
          const t0 = performance.now();
          await new Promise((r) => setTimeout(r, 10));
          lagMs = Math.max(lagMs, performance.now() - t0 - 10);
        }
      })();
      let value: T;
      try {
        value = await during();
      } finally {
        running = false;
        await ticking; // the timer in flight is measured too
      }
      return { value, lagMs };
    }

    it('does not freeze the process while writes wait for it; they land, each once, when it is let go', async () => {
      const store = openSqliteStore({ path, auditKey, busyTimeoutMs: 5000 });
      stores.push(store);
      await store.audit.append(entry(1));
      const holder = new Database(path);
      holder.exec('BEGIN IMMEDIATE');
      // Let go after 300 ms: a write waiting inside SQLite would hold the thread, and this timer with it.
      setTimeout(() => {
        holder.exec('ROLLBACK');
        holder.close();
      }, 300);
      const t0 = performance.now();
      const { value: appended, lagMs } = await timerLag(() => Promise.all([2, 3, 4].map((i) => store.audit.append(entry(i)))));
      const waited = performance.now() - t0;
      assert.ok(lagMs < 100, `the event loop stood still for ${Math.round(lagMs)} ms`);
      assert.ok(waited >= 250, `the appends landed after ${Math.round(waited)} ms, while the lock was held`);
      assert.deepEqual(appended.map((e) => e.seq).sort(), [2, 3, 4]);
      assert.deepEqual(await store.audit.verify(), { ok: true, count: 4 });
    });

    it('fails a write with STORE.UNAVAILABLE after busyTimeoutMs, the event loop free meanwhile, and writes again once it is let go', async () => {
      const store = openSqliteStore({ path, auditKey, busyTimeoutMs: 400 });
      stores.push(store);
      const holder = new Database(path);
      holder.exec('BEGIN IMMEDIATE');
      const t0 = performance.now();
      try {
        const { value: err, lagMs } = await timerLag(() => store.confirmations.save({
          tokenHash: 't'.repeat(64), actor: 'agent.smith', action: 'account.unlock', target: 'jdoe',
          createdAt: new Date(0), expiresAt: new Date(8.64e15),
        }).then(() => undefined, (e: unknown) => e));
        const waited = performance.now() - t0;
        assert.ok(isStoreUnavailable(err), String(err));
        assert.ok(waited >= 390 && waited < 1500, `gave up after ${Math.round(waited)} ms`);
        assert.ok(lagMs < 100, `the event loop stood still for ${Math.round(lagMs)} ms`);
      } finally {
        holder.exec('ROLLBACK');
        holder.close();
      }
      assert.equal((await store.audit.append(entry(1))).seq, 1);
    });
  });
});
