// Group commit on a real SQLite file in WAL mode: writes of one event-loop turn share one commit, each
// caller is answered only once its write is committed (with the fsync inside the commit on a FULL
// connection; on a NORMAL one, lookups' records are fsynced off the loop), and a write that fails fails
// only its caller.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { groupCommit, type Durability, type GroupCommit } from '../../../../src/adapters/sqlite/group-commit';
import { isHelpdeskError } from '../../../../src/domain/errors';

describe('SQLite group commit', () => {
  let dir: string;
  let db: Database.Database;
  let reader: Database.Database;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'group-commit-'));
    db = new Database(join(dir, 'store.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('wal_autocheckpoint = 0'); // the WAL keeps every frame: its size counts the commits
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL CHECK (length(text) < 20))');
    reader = new Database(join(dir, 'store.db'), { readonly: true });
  });

  afterEach(async () => {
    await Promise.all(commits.map((c) => c.close()));
    commits = [];
    reader.close();
    if (db.open) db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Notes written through one connection's group commit. */
  let commits: GroupCommit[] = [];
  const notes = (durability?: Durability) => {
    const commit = groupCommit(db);
    commits.push(commit);
    const statement = db.prepare<[string]>('INSERT INTO notes (text) VALUES (?)');
    return (text: string) => commit('notes', () => Number(statement.run(text).lastInsertRowid), durability);
  };

  /** Holds every fsync of a FileHandle until released (or failed); counts them. */
  async function heldFsyncs(): Promise<{ started: () => number; release: (err?: Error) => void; restore: () => void }> {
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const original = proto.sync;
    let started = 0;
    let gate: { resolve: () => void; reject: (e: Error) => void } | undefined;
    let held = new Promise<void>((resolve, reject) => (gate = { resolve, reject }));
    proto.sync = async function (this: FileHandle) {
      started += 1;
      await held;
      return original.call(this);
    };
    return {
      started: () => started,
      release: (err) => {
        if (err) gate?.reject(err);
        else gate?.resolve();
        held = Promise.resolve();
      },
      restore: () => {
        proto.sync = original;
      },
    };
  }
  /** Frames in the WAL file so far (never checkpointed here): every commit writes at least one. */
  const walFrames = () => {
    const wal = join(dir, 'store.db-wal');
    return existsSync(wal) ? Math.floor(statSync(wal).size / (24 + Number(db.pragma('page_size', { simple: true })))) : 0;
  };

  it('twenty writes of the same turn are one commit, in the order they were made, each answered once committed', async () => {
    const write = notes();
    const before = walFrames();
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => write(`note ${i}`)));
    const batched = walFrames() - before;
    assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => i + 1));
    const seen = reader.prepare('SELECT id, text FROM notes ORDER BY id').all() as { id: number; text: string }[];
    assert.deepEqual(seen.map((r) => r.text), Array.from({ length: 20 }, (_, i) => `note ${i}`), 'another connection sees all of them');

    // The same twenty one after the other: a commit each.
    const serialStart = walFrames();
    for (let i = 0; i < 20; i++) await write(`later ${i}`);
    const serial = walFrames() - serialStart;
    assert.ok(serial >= 20, `one commit each writes at least 20 frames (wrote ${serial})`);
    assert.ok(batched <= 3, `the batch wrote ${batched} WAL frames; twenty commits would write ${serial}`);
  });

  it('a write refused on its own fails only its caller; the others are committed', async () => {
    const write = notes();
    const results = await Promise.allSettled([write('first'), write('this text is far too long for the check'), write('third')]);
    assert.equal(results[0]?.status, 'fulfilled');
    assert.equal(results[2]?.status, 'fulfilled');
    assert.equal(results[1]?.status, 'rejected');
    const err = (results[1] as PromiseRejectedResult).reason;
    assert.ok(isHelpdeskError(err) && err.code === 'STORE.UNAVAILABLE', 'a database failure is STORE.UNAVAILABLE, so callers fail closed');
    assert.deepEqual((reader.prepare('SELECT text FROM notes ORDER BY id').all() as { text: string }[]).map((r) => r.text), ['first', 'third']);
  });

  it('a database that cannot be written fails every caller of the batch; nothing is answered as stored', async () => {
    const write = notes();
    const pending = [write('a'), write('b')];
    db.close();
    const results = await Promise.allSettled(pending);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(isHelpdeskError(r.reason) && r.reason.code === 'STORE.UNAVAILABLE');
    }
    assert.equal((reader.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n, 0);
  });

  it('a group takes the write lock first: another connection holding it makes the batch fail, not half-write', async () => {
    const other = new Database(join(dir, 'store.db'));
    other.pragma('busy_timeout = 0');
    db.pragma('busy_timeout = 0');
    const write = notes();
    other.exec('BEGIN IMMEDIATE');
    try {
      const results = await Promise.allSettled([write('x'), write('y')]);
      assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.deepEqual(await Promise.all([write('x'), write('y')]), [1, 2], 'once the lock is free, the same writes go through');
  });

  it('on a NORMAL connection (the store\'s unsynced one), lookups\' records are answered before any fsync, then the WAL is fsynced off the event loop', async () => {
    db.pragma('synchronous = NORMAL');
    const fsyncs = await heldFsyncs();
    try {
      const write = notes('committed');
      const before = walFrames();
      const ids = await Promise.all([write('looked up'), write('looked up too')]);
      assert.deepEqual(ids, [1, 2], 'answered while the fsync is still held');
      assert.ok(walFrames() > before, 'written to the WAL');
      for (let i = 0; i < 50 && fsyncs.started() === 0; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(fsyncs.started(), 1, 'one fsync on the thread pool for the batch');
      assert.equal(Number(db.pragma('synchronous', { simple: true })), 1, 'the connection stays NORMAL');
      fsyncs.release();
    } finally {
      fsyncs.restore();
    }
  });

  it('leaves a NORMAL connection NORMAL (the portal\'s sessions and quotas): its commits never fsync', async () => {
    db.pragma('synchronous = NORMAL');
    const fsyncs = await heldFsyncs();
    try {
      const write = notes();
      assert.equal(Number(db.pragma('synchronous', { simple: true })), 1, 'still NORMAL once the group commit is made');
      assert.deepEqual(await Promise.all([write('signed in'), write('signed out')]), [1, 2]);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(fsyncs.started(), 0, 'nothing left to fsync off the loop either');
      fsyncs.release();
    } finally {
      fsyncs.restore();
    }
  });

  it('on a FULL connection every batch commits with the fsync inside, lookups\' records too: nothing is left for the thread pool', async () => {
    const fsyncs = await heldFsyncs();
    try {
      const commit = groupCommit(db);
      commits.push(commit);
      const insert = db.prepare<[string]>('INSERT INTO notes (text) VALUES (?)');
      const write = (text: string, durability: Durability) => commit('notes', () => Number(insert.run(text).lastInsertRowid), durability);
      assert.deepEqual(await Promise.all([write('looked up', 'committed'), write('unlocked', 'on-disk')]), [1, 2]);
      assert.deepEqual(await Promise.all([write('looked up', 'committed'), write('looked up too', 'committed')]), [3, 4]);
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(fsyncs.started(), 0, 'no fsync left for the thread pool: the commits made them');
      fsyncs.release();
    } finally {
      fsyncs.restore();
    }
  });

});
