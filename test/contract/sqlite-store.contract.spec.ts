// The store contract against SQLite on a temporary file.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import { sqliteTamper } from './sqlite-tamper';
import { describeStoreContract } from './store.contract';

const BUSY_TIMEOUT_MS = 200;

describeStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'helpdesk-store-'));
  const path = join(dir, 'data', 'helpdesk.db');
  const store = openSqliteStore({ path, auditKey: randomBytes(32), busyTimeoutMs: BUSY_TIMEOUT_MS });
  return {
    store,
    tamper: sqliteTamper(path, BUSY_TIMEOUT_MS),
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
