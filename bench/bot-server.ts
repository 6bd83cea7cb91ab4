// The bot under bench, in its own process (so its resident memory is its own): the Teams surface on the
// restify server, the LDAP adapter on the Samba test DC (SAMBA_TEST_DIR, inherited), a temporary SQLite
// store, or the MongoDB store on BENCH_MONGO_URL's database. Prints "READY <url>" once listening; SIGTERM closes it.
import { startBotHarness } from '../test/helpers/bot-harness';

async function main(): Promise<void> {
  const pool = Number(process.env.BENCH_LDAP_POOL) || undefined;
  const mongoUrl = process.env.BENCH_MONGO_URL;
  const harness = await startBotHarness({ directory: 'samba', ...(pool ? { ldapPoolSize: pool } : {}), ...(mongoUrl ? { mongoUrl } : {}) });
  process.stdout.write(`READY ${harness.url}\n`);
  const stop = () => {
    if (process.env.BENCH_MEMLOG === '1') {
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      const mb = (x: number) => `${(x / 1048576).toFixed(0)} MB`;
      process.stderr.write(`bot memory at exit: rss ${mb(m.rss)}, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)}, external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)}\n`);
    }
    harness.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
