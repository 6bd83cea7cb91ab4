// The audit trail of the store the bot is configured with, opened read-only for the audit scripts
// (`audit:verify`, `audit:export`): the same environment and .env as the bot (STORE_URL, SECRETS_KEY or, in
// development, the key file beside the store). Nothing is created or changed; a missing store or key is a
// reason to stop, never to make a new one (a new key verifies nothing).
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { deriveKey } from '../src/adapters/secrets/secrets-key';
import { openMongoAuditTrailReadOnly } from '../src/adapters/mongo/mongo-store';
import { openSqliteAuditTrailReadOnly } from '../src/adapters/sqlite/sqlite-store';
import { loadConfig } from '../src/config/load-config';
import type { HelpdeskAuditTrail } from '../src/ports/audit-trail.port';

export interface ReadOnlyAuditTrail {
  readonly audit: HelpdeskAuditTrail;
  /** The chain's key, to check records one by one. */
  readonly auditKey: Buffer;
  close(): Promise<void>;
}

/** Opens the configured store's trail read-only, or calls `fail` with the reason. */
export async function openConfiguredAuditTrail(fail: (message: string) => never): Promise<ReadOnlyAuditTrail> {
  dotenv.config({ quiet: true });
  const loaded = loadConfig(process.env, { fileExists: (f) => fs.existsSync(f) });
  if (!loaded.ok) fail(`the configuration is invalid:\n${loaded.problems.map((p) => `  config: ${p}`).join('\n')}`);
  const config = loaded.config;
  const store = config.store;
  if (store.kind === 'sqlite' && !fs.existsSync(store.path)) fail(`no store at ${path.resolve(store.path)} (STORE_URL)`);

  let master = config.secretsKey;
  if (!master) {
    const keyFile = path.join(config.dataDir, 'secrets.key');
    if (!fs.existsSync(keyFile)) fail(`SECRETS_KEY is unset and there is no ${path.resolve(keyFile)}`);
    master = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (master.length !== 32) fail(`${path.resolve(keyFile)} does not hold a 32-byte base64 key`);
  }

  const auditKey = deriveKey(master, 'audit-chain');
  if (store.kind === 'mongodb') {
    const trail = await openMongoAuditTrailReadOnly(store.url, auditKey).catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
    return { audit: trail.audit, auditKey, close: () => trail.close() };
  }
  const trail = openSqliteAuditTrailReadOnly(store.path, auditKey);
  return { audit: trail.audit, auditKey, close: async () => trail.close() };
}
