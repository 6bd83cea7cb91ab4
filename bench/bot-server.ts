// The bot under bench, in its own process (so its resident memory is its own): the Teams surface on the
// restify server, the LDAP adapter on the Samba test DC (SAMBA_TEST_DIR, inherited), a temporary SQLite
// store. Prints "READY <url>" once listening; SIGTERM closes it.
import { startBotHarness } from '../test/helpers/bot-harness';

async function main(): Promise<void> {
  const pool = Number(process.env.BENCH_LDAP_POOL) || undefined;
  const harness = await startBotHarness({ directory: 'samba', ...(pool ? { ldapPoolSize: pool } : {}) });
  process.stdout.write(`READY ${harness.url}\n`);
  const stop = () => {
    harness.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
