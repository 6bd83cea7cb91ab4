// `npm run audit:verify`: walks the helpdesk audit chain of the store the bot is configured with (the same
// environment and .env: STORE_URL, SECRETS_KEY or, in development, the key file beside the store) and
// says whether it is intact. The store is opened read-only; nothing is created or changed.
//
// STORE_URL=mongodb://… reads the audit collections of that database and writes nothing.
//
// Exit status: 0 intact, 1 broken (the first broken record's seq is printed), 2 could not verify
// (bad configuration, no store file, no key).
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { deriveKey } from '../src/adapters/secrets/secrets-key';
import { openMongoAuditTrailReadOnly } from '../src/adapters/mongo/mongo-store';
import { openSqliteAuditTrailReadOnly } from '../src/adapters/sqlite/sqlite-store';
import { loadConfig } from '../src/config/load-config';

function fail(message: string): never {
  console.error(`audit:verify: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const loaded = loadConfig(process.env, { fileExists: (f) => fs.existsSync(f) });
  if (!loaded.ok) fail(`the configuration is invalid:\n${loaded.problems.map((p) => `  config: ${p}`).join('\n')}`);
  const config = loaded.config;
  const store = config.store;
  if (store.kind === 'sqlite' && !fs.existsSync(store.path)) fail(`no store at ${path.resolve(store.path)} (STORE_URL)`);

  let master = config.secretsKey;
  if (!master) {
    // The dev key the bot generated beside the store. Never generate one here: a new key verifies nothing.
    const keyFile = path.join(config.dataDir, 'secrets.key');
    if (!fs.existsSync(keyFile)) fail(`SECRETS_KEY is unset and there is no ${path.resolve(keyFile)}`);
    master = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (master.length !== 32) fail(`${path.resolve(keyFile)} does not hold a 32-byte base64 key`);
  }

  const started = Date.now();
  const auditKey = deriveKey(master, 'audit-chain');
  const trail = store.kind === 'mongodb'
    ? await openMongoAuditTrailReadOnly(store.url, auditKey).catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)))
    : openSqliteAuditTrailReadOnly(store.path, auditKey);
  try {
    const result = await trail.audit.verify();
    const head = await trail.audit.head();
    const ms = Date.now() - started;
    if (result.ok) {
      console.log(`audit chain intact: ${result.count} records, head seq ${head?.seq ?? 0} hash ${head?.hash ?? '-'} (${ms} ms)`);
      return;
    }
    console.log(`audit chain BROKEN: first broken record seq ${result.brokenAt}: ${result.reason}`);
    process.exitCode = 1;
  } finally {
    await trail.close();
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
