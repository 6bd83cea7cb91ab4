// Group commit: writes to one connection made in the same turn of the event loop share one transaction. If a batch fails, its writes are tried again one transaction each, so a write that fails
// on its own fails only its own caller.
//
// How a commit reaches the disk is the connection's: one with synchronous=FULL fsyncs the WAL inside every
// commit (an action's audit record, a portal event, a code used: on disk when the caller goes on). One with
// synchronous=NORMAL never fsyncs in a commit (no fsync on the main thread, which under load held up every
// other request); a batch holding a write marked 'committed' (a lookup's audit record: written, or the lookup
// is refused) then has the WAL fsynced on libuv's thread pool within 0.1 s, nobody waiting for it (or by the
// next FULL commit, whichever comes first). The store keeps one connection of each kind (sqlite-store.ts).
// (Making every caller wait for a thread-pool fsync instead was tried: a portal sign-in's few writes in a row
// then waited longer, p50 124 ms against 94 ms in the portal bench. Switching one FULL connection to NORMAL
// and back around each batch of lookups' records was tried too: two more statements in every lookup.)
import { open, type FileHandle } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { guard } from './store-unavailable';

/** 'on-disk': the write is on disk when its caller goes on; 'committed': written, on disk a moment later. */
export type Durability = 'on-disk' | 'committed';

interface Waiting {
  readonly what: string;
  readonly write: () => unknown;
  readonly durability: Durability;
  readonly resolve: (out: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Runs `write` inside the turn's shared transaction, in the order of the calls. The transaction is
 * IMMEDIATE (the write lock is taken before the first read: the audit chain reads its head, then moves it).
 */
export type GroupCommit = (<O>(what: string, write: () => O, durability?: Durability) => Promise<O>) & {
  /** Lets the background fsyncs finish and closes the WAL's file handle (the store's close). */
  readonly close: () => Promise<void>;
};

interface WalSync {
  readonly sync: () => void;
  readonly close: () => Promise<void>;
}

/** How soon after a batch of lookups' records the WAL is fsynced for it: at most one fsync this often. */
const LOOKUPS_ON_DISK_WITHIN_MS = 100;

/**
 * fsyncs the connection's WAL file on the thread pool, for the batches of lookups' records: within
 * LOOKUPS_ON_DISK_WITHIN_MS of the first batch not yet on disk, one fsync for all of them (one per batch, at
 * hundreds a second, cost the disk and the kernel's time what the main thread had gained).
 */
function walSync(db: Database.Database): WalSync {
  const walPath = `${db.name}-wal`;
  let handle: Promise<FileHandle> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const fsyncNow = async (): Promise<void> => {
    timer = undefined;
    const opened = (handle ??= open(walPath, 'r'));
    try {
      await (await opened).sync();
    } catch {
      // Reopened next time (the WAL may have been replaced while no connection held it). Nobody waits for
      // this fsync: a disk that fails it fails the next FULL commit too, and that caller is refused.
      if (handle === opened) handle = undefined;
      void opened.then((h) => h.close()).catch(() => undefined);
    }
  };
  const sync = (): void => {
    timer ??= setTimeout(() => {
      running = fsyncNow().finally(() => {
        running = undefined;
      });
    }, LOOKUPS_ON_DISK_WITHIN_MS);
  };
  const close = async (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      await fsyncNow();
    }
    await running;
    const held = handle;
    handle = undefined;
    await held?.then((h) => h.close()).catch(() => undefined);
  };
  return { sync, close };
}

export function groupCommit(db: Database.Database): GroupCommit {
  const batchTx = db.transaction((batch: readonly Waiting[]) => batch.map((w) => w.write()));
  const singleTx = db.transaction((w: Waiting) => w.write());
  // A file connection below FULL (NORMAL is 1, FULL 2) leaves the fsync to us: 'committed' writes get one off
  // the loop. A FULL one fsyncs in every commit, and one in memory has nothing to fsync.
  const wal = !db.memory && Number(db.pragma('synchronous', { simple: true })) < 2 ? walSync(db) : undefined;
  let queue: Waiting[] = [];

  function commitBatch<T>(batch: readonly Waiting[], tx: () => T): T {
    const out = tx();
    if (wal && batch.some((w) => w.durability === 'committed')) wal.sync();
    return out;
  }

  function flush(): void {
    const batch = queue;
    queue = [];
    if (batch.length > 1) {
      try {
        const results = commitBatch(batch, () => batchTx.immediate(batch));
        return batch.forEach((w, i) => w.resolve(results[i]));
      } catch {
        // fall through: each write alone
      }
    }
    for (const w of batch) {
      try {
        w.resolve(guard(w.what, () => commitBatch([w], () => singleTx.immediate(w))));
      } catch (err) {
        w.reject(err);
      }
    }
  }

  const commit = <O>(what: string, write: () => O, durability: Durability = 'on-disk') =>
    new Promise<O>((resolve, reject) => {
      // Flushed after this turn's I/O callbacks: the writes of every request answered in the turn share a
      // commit (flushing after each task's microtasks instead made more, smaller commits: the portal bench's
      // challenge p99 went from 130 to 140–164 ms, its rate from 225 to 155 a second).
      if (queue.length === 0) setImmediate(flush);
      queue.push({ what, write, durability, resolve: resolve as (out: unknown) => void, reject });
    });
  return Object.assign(commit, { close: async () => wal?.close() });
}
