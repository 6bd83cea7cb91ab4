// Group commit: writes that arrive in the same turn of the event loop share one transaction. With
// synchronous=FULL each commit waits for the disk (an fsync on the main thread, blocking every request
// meanwhile), so under load one commit for a dozen writes is the difference between a busy event loop
// and a blocked one. Each caller's promise settles only after the commit holding its write, so "on disk
// when it resolves" still holds for every caller. If a batch fails, its writes are tried again one
// transaction each, so a write that fails on its own fails only its own caller.
import type Database from 'better-sqlite3';
import { guard } from './store-unavailable';

interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (out: O) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * `write` runs inside the shared transaction, in the order the calls were made. `immediate`: take the
 * write lock before the first read (the audit chain reads its head, then moves it).
 */
export function groupCommit<I, O>(
  db: Database.Database, what: string, write: (item: I) => O, options: { immediate?: boolean } = {},
): (item: I) => Promise<O> {
  const batchTx = db.transaction((items: readonly I[]) => items.map((item) => write(item)));
  const singleTx = db.transaction(write);
  const run = <A, R>(tx: Database.Transaction<(a: A) => R>, a: A): R => (options.immediate ? tx.immediate(a) : tx(a));
  let queue: Waiting<I, O>[] = [];

  function settleAlone(w: Waiting<I, O>): void {
    try {
      w.resolve(guard(what, () => run(singleTx, w.item)));
    } catch (err) {
      w.reject(err);
    }
  }

  function flush(): void {
    const batch = queue;
    queue = [];
    if (batch.length === 1) return settleAlone(batch[0] as Waiting<I, O>);
    let results: O[];
    try {
      results = run(batchTx, batch.map((w) => w.item));
    } catch {
      for (const w of batch) settleAlone(w);
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i] as O));
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ item, resolve, reject });
    });
}
