// The store contract against SQLite on a temporary file.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import type { Store } from '../../src/ports/store.port';
import { sqliteTamper } from './sqlite-tamper';
import { describeStoreContract } from './store.contract';

const BUSY_TIMEOUT_MS = 200;

describeStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'helpdesk-store-'));
  const path = join(dir, 'data', 'helpdesk.db');
  const auditKey = randomBytes(32);
  const store = openSqliteStore({ path, auditKey, busyTimeoutMs: BUSY_TIMEOUT_MS });
  const twins: Store[] = [];
  return {
    store,
    tamper: sqliteTamper(path, BUSY_TIMEOUT_MS),
    async openTwin() {
      const twin = openSqliteStore({ path, auditKey, busyTimeoutMs: 5_000 });
      twins.push(twin);
      return twin;
    },
    async cleanup() {
      for (const twin of twins) await twin.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
