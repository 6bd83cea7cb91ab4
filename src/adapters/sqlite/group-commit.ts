// Group commit: writes to one connection made in the same task (before the event loop moves on) share one
// transaction. If a batch fails, its writes are tried again one transaction each, so a write that fails
// on its own fails only its own caller.
//
// The disk wait is off the event loop. The connection's synchronous=FULL would fsync the WAL inside the
// commit, on the main thread, freezing every request meanwhile; the batch commits with synchronous=NORMAL
// instead (the WAL written, no fsync) and the WAL is then fsynced on libuv's thread pool — the same fsync
// FULL does, the same file. A caller waiting for 'on-disk' settles only after an fsync that began after its
// commit, so "on disk when it resolves" holds as before; one fsync covers every commit before it. A caller
// for whom 'committed' is enough (the record of a lookup: written, or the lookup is refused) settles at
// the commit, and its record reaches the disk with that same fsync a moment later.
import { open, type FileHandle } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { guard, storeUnavailable } from './store-unavailable';

/** 'on-disk': settle after the WAL holding the write is fsynced; 'committed': at the commit. */
export type Durability = 'on-disk' | 'committed';

interface Waiting {
  readonly what: string;
  readonly write: () => unknown;
  readonly durability: Durability;
  readonly resolve: (out: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Runs `write` inside the task's shared transaction, in the order of the calls. The transaction is
 * IMMEDIATE (the write lock is taken before the first read: the audit chain reads its head, then moves it).
 */
export type GroupCommit = (<O>(what: string, write: () => O, durability?: Durability) => Promise<O>) & {
  /** Lets the last fsync finish and closes the WAL's file handle (the store's close). */
  readonly close: () => Promise<void>;
};

interface WalSync {
  readonly sync: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/**
 * fsyncs the connection's WAL file on the thread pool, coalescing: a caller joins the next fsync that
 * starts after its call (one in flight may have begun before its commit), never an earlier one.
 */
function walSync(db: Database.Database): WalSync {
  const walPath = `${db.name}-wal`;
  let handle: Promise<FileHandle> | undefined;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const fsyncOnce = async (): Promise<void> => {
    handle ??= open(walPath, 'r');
    try {
      await (await handle).sync();
    } catch (err) {
      // Reopened next time (the WAL may have been replaced while no connection held it).
      const failed = handle;
      handle = undefined;
      void failed.then((h) => h.close()).catch(() => undefined);
      throw storeUnavailable('fsync of the write-ahead log', err);
    }
  };
  const close = async (): Promise<void> => {
    await Promise.allSettled([running, next]);
    const held = handle;
    handle = undefined;
    await held?.then((h) => h.close()).catch(() => undefined);
  };
  const sync = () => {
    if (next) return next;
    const after = running ?? Promise.resolve();
    const mine: Promise<void> = after.catch(() => undefined).then(() => {
      next = undefined;
      running = mine;
      return fsyncOnce();
    }).finally(() => {
      if (running === mine) running = undefined;
    });
    next = mine;
    return mine;
  };
  return { sync, close };
}

export function groupCommit(db: Database.Database): GroupCommit {
  const batchTx = db.transaction((batch: readonly Waiting[]) => batch.map((w) => w.write()));
  const singleTx = db.transaction((w: Waiting) => w.write());
  // Only a file connection that is FULL (2; EXTRA is 3) fsyncs in its commits: one that is NORMAL (the
  // portal's sessions) or in memory never waits for the disk.
  const full = !db.memory && Number(db.pragma('synchronous', { simple: true })) >= 2;
  const wal = full ? walSync(db) : undefined;
  const toNormal = db.prepare('PRAGMA synchronous = NORMAL');
  const toFull = db.prepare('PRAGMA synchronous = FULL');
  let queue: Waiting[] = [];

  /** Commits without the in-commit fsync; the connection stays FULL for every other write. */
  function commitWithoutFsync<T>(tx: () => T): T {
    if (!full) return tx();
    toNormal.run();
    try {
      return tx();
    } finally {
      toFull.run();
    }
  }

  function settle(written: ReadonlyArray<{ readonly w: Waiting; readonly out: unknown }>): void {
    if (wal && written.some(({ w }) => w.durability === 'on-disk')) {
      const onDisk = wal.sync();
      for (const { w, out } of written) if (w.durability === 'on-disk') onDisk.then(() => w.resolve(out), w.reject);
    }
    for (const { w, out } of written) if (!wal || w.durability === 'committed') w.resolve(out);
  }

  function flush(): void {
    const batch = queue;
    queue = [];
    if (batch.length > 1) {
      try {
        const results = commitWithoutFsync(() => batchTx.immediate(batch));
        return settle(batch.map((w, i) => ({ w, out: results[i] })));
      } catch {
        // fall through: each write alone
      }
    }
    const written: Array<{ readonly w: Waiting; readonly out: unknown }> = [];
    for (const w of batch) {
      try {
        written.push({ w, out: guard(w.what, () => commitWithoutFsync(() => singleTx.immediate(w))) });
      } catch (err) {
        w.reject(err);
      }
    }
    settle(written);
  }

  const commit = <O>(what: string, write: () => O, durability: Durability = 'on-disk') =>
    new Promise<O>((resolve, reject) => {
      // Flushed once the current task's synchronous work and microtasks are done: the writes made together
      // share a commit, and a lone write does not wait for a turn of the event loop.
      if (queue.length === 0) queueMicrotask(flush);
      queue.push({ what, write, durability, resolve: resolve as (out: unknown) => void, reject });
    });
  return Object.assign(commit, { close: async () => wal?.close() });
}
