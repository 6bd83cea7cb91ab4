// `npm run seed:demo`: regenerates the demo directory's portal data (events, sync transactions,
// enrollments, portal accounts) in the configured SQLite store, relative to now. Only for the demo
// directory: with LDAP_URL set it stops, so it never writes made-up data next to real users.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import dotenv from 'dotenv';
import { DEMO_LOGINS, seedDemoPortalData } from '../src/adapters/demo/demo-portal-data';
import { loadConfig } from '../src/config/load-config';
import { buildCore } from '../src/core';
import { silentLogger } from '../src/ports/logger.port';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const loaded = loadConfig(process.env, { fileExists: (f) => fs.existsSync(f) });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const config = loaded.config;
  if (config.ldap || config.store.kind !== 'sqlite') throw new Error('seed:demo only seeds the demo directory (unset LDAP_URL) in a SQLite store');
  const core = await buildCore(config, silentLogger); // opens (and migrates) the store, and derives the answer key
  const db = new Database(config.store.path, { timeout: 5000 });
  try {
    const marks = DEMO_LOGINS.map(() => '?').join(', ');
    db.transaction(() => {
      for (const table of ['portal_events', 'portal_accounts', 'enrollments']) db.prepare(`DELETE FROM ${table} WHERE user IN (${marks})`).run(...DEMO_LOGINS);
    }).immediate();
  } finally {
    db.close();
  }
  const { events, users } = await seedDemoPortalData(core.store, core.answerCipher, new Date());
  await core.close();
  console.log(`Seeded ${events} portal events for ${users} demo users in ${config.store.path}.`);
}

main().catch((err: unknown) => {
  console.error(`seed:demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
