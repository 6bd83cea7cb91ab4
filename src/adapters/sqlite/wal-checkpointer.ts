// Checkpoints the store's WAL on a thread of its own. SQLite checkpoints inside the commit that takes the
// WAL past 1000 pages: it copies them into the database file and fsyncs it there, on the event loop. Under
// the portal's load that was a stall every second or two, in front of every waiting request (challenge p99
// 101–118 ms with it, 93–96 ms without). A PASSIVE checkpoint from another connection waits for no reader or
// writer, so this thread does it every CHECKPOINT_EVERY_MS and the store's own connections only as a backstop.
import { Worker } from 'node:worker_threads';

const CHECKPOINT_EVERY_MS = 250;

/** SQLite's own `wal_autocheckpoint`: a commit that leaves the WAL this many pages long checkpoints. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * The connections' `wal_autocheckpoint` while the thread runs. Not 0: the WAL starts again from its
 * beginning only when a write begins with every frame already checkpointed, which a thread racing steady
 * writes almost never leaves behind, so the WAL grew without bound (362 MB after 200,000 portal events in
 * a row, 10 GB after the bench's million). A commit past this length checkpoints what the thread has not
 * yet copied (little, by then), and the next write starts the WAL again.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 4 * SQLITE_AUTOCHECKPOINT_PAGES;

// Plain JavaScript, evaluated in the worker: no build step to find at run time.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy (another checkpoint) or gone: next time */ }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** A last checkpoint, then the thread ends. */
  close(): Promise<void>;
}

/**
 * Starts the checkpointing thread for the store file at `path`. `failed`: the thread could not run (the
 * caller's connections then checkpoint in their commits again, so the WAL never grows without bound).
 */
export function startWalCheckpointer(path: string, failed: (err: unknown) => void): WalCheckpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { path, everyMs: CHECKPOINT_EVERY_MS, driver: require.resolve('better-sqlite3') } });
  // An open store alone does not keep the process alive...
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let closing = false;
  worker.once('error', (err) => {
    if (!closing) failed(err);
  });
  return {
    async close() {
      closing = true;
      // ...but its closing does: with the thread unref'd, a process whose last other handle had closed
      // ended (exit code 0) while it waited here, before the last checkpoint and whatever its caller did next.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
