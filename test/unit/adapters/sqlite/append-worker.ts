// Worker for the cross-connection append test: opens its own store on the shared file and appends.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';

interface Job {
  path: string;
  auditKey: Uint8Array;
  worker: number;
  count: number;
}

async function run(job: Job): Promise<void> {
  const store = openSqliteStore({ path: job.path, auditKey: Buffer.from(job.auditKey), busyTimeoutMs: 5000 });
  try {
    for (let i = 0; i < job.count; i++) {
      await store.audit.append({
        at: new Date(), correlationId: `w${job.worker}-${i}`, surface: 'api', actor: `worker${job.worker}`,
        role: 'agent', action: 'user.find', outcome: 'success',
      });
    }
  } finally {
    await store.close();
  }
}

run(workerData as Job).then(() => parentPort?.postMessage('done'), (e: unknown) => {
  throw e;
});
