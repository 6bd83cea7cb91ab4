// `npm run audit:verify`: walks the helpdesk audit chain of the store the bot is configured with (the same
// environment and .env: STORE_URL, SECRETS_KEY or, in development, the key file beside the store) and
// says whether it is intact. The store is opened read-only; nothing is created or changed.
//
// STORE_URL=mongodb://… reads the audit collections of that database and writes nothing.
//
// Exit status: 0 intact, 1 broken (the first broken record's seq is printed), 2 could not verify
// (bad configuration, no store file, no key).
import { openConfiguredAuditTrail } from './audit-store';

function fail(message: string): never {
  console.error(`audit:verify: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const started = Date.now();
  const trail = await openConfiguredAuditTrail(fail);
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
