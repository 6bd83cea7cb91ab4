// Group commit: writes to one connection that arrive in the same turn of the event loop share one
// transaction. With synchronous=FULL each commit waits for the disk (an fsync on the main thread, blocking
// every request meanwhile), so under load one commit for a dozen writes is the difference between a busy
// event loop and a blocked one. Each caller's promise settles only after the commit holding its write, so
// "on disk when it resolves" still holds for every caller. If a batch fails, its writes are tried again
// one transaction each, so a write that fails on its own fails only its own caller.
import type Database from 'better-sqlite3';
import { guard } from './store-unavailable';

interface Waiting {
  readonly what: string;
  readonly write: () => unknown;
  readonly resolve: (out: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Runs `write` inside the turn's shared transaction, in the order of the calls. The transaction is
 * IMMEDIATE (the write lock is taken before the first read: the audit chain reads its head, then moves it).
 */
export type GroupCommit = <O>(what: string, write: () => O) => Promise<O>;

export function groupCommit(db: Database.Database): GroupCommit {
  const batchTx = db.transaction((batch: readonly Waiting[]) => batch.map((w) => w.write()));
  const singleTx = db.transaction((w: Waiting) => w.write());
  let queue: Waiting[] = [];

  function settleAlone(w: Waiting): void {
    try {
      w.resolve(guard(w.what, () => singleTx.immediate(w)));
    } catch (err) {
      w.reject(err);
    }
  }

  function flush(): void {
    const batch = queue;
    queue = [];
    if (batch.length === 1) return settleAlone(batch[0] as Waiting);
    let results: unknown[];
    try {
      results = batchTx.immediate(batch);
    } catch {
      for (const w of batch) settleAlone(w);
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]));
  }

  return <O>(what: string, write: () => O) =>
    new Promise<O>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ what, write, resolve: resolve as (out: unknown) => void, reject });
    });
}
