// `npm run bench [-- <filter>] [--store=sqlite|mongodb]`: starts the Samba AD test DC (or reuses SAMBA_TEST_DIR), runs every
// bench/*.bench.ts (each exports `run(ctx)`) one after the other, prints what each measured, then ONE table
// against DESIGN.md's performance budgets (the framework floor and the raw LDAP time beside the bot), and
// exits 1 when a budget is missed. A bench that declares `stores = ['sqlite', 'mongodb']` runs once per store
// (FerretDB started for the run like the DC, or MONGODB_URL's server), and the table puts each of its budgets'
// rows for both stores one under the other. A surface adds its bench by dropping `bench/<name>.bench.ts` here
// (bench/slack-ack.bench.ts wraps the Slack helper's bench/slack-ack.ts).
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { mongoTestUrl, startFerretDb, stopFerretDb } from '../test/helpers/ferretdb';
import { removeSamba, startSamba } from '../test/helpers/samba';
import { MongoClient } from 'mongodb';
import type { BenchModule, BenchReport, BenchStore, Budget, StoreKind } from './bench-types';

/**
 * Benches run after all others: desk-lists adds 10,000 users to the DC and deletes them, and Samba goes on
 * working on that for minutes afterwards — long enough to time out the adds and commands of a bench after it.
 */
const RUN_LAST = ['desk-lists.bench.ts'];

interface StoreReport {
  readonly store: StoreKind;
  readonly report: BenchReport;
}

/**
 * The one table: every budget of every bench that ran, the bot's figure with the floor's and raw LDAP's beside
 * it; a bench run on both stores gives each budget's SQLite row and then its MongoDB row.
 */
function budgetTable(reports: readonly StoreReport[]): string[] {
  const header = ['bench', 'store', 'budget', 'measured', 'floor', 'raw LDAP', 'target', 'result'];
  const benches = [...new Set(reports.map((r) => r.report.name))];
  const rows = benches.flatMap((name) => {
    const runs = reports.filter((r) => r.report.name === name);
    const most = Math.max(...runs.map((r) => r.report.budgets.length));
    return Array.from({ length: most }, (_, i) => runs.flatMap(({ store, report }) => {
      const b: Budget | undefined = report.budgets[i];
      return b ? [[name, store, b.name, b.measured, b.floor ?? '', b.rawLdap ?? '', b.budget, b.info ? 'info' : b.ok ? 'PASS' : 'MISS']] : [];
    })).flat();
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
}

/** A MongoDB run's database is dropped after it (MONGODB_URL's server keeps nothing of the bench). */
async function dropDatabase(url: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/** `npm run bench -- soak [--minutes N]`: the soak alone (bench/soak.ts), N minutes (10); exit 1 on a miss. */
async function soakMode(args: readonly string[]): Promise<void> {
  const minutes = Number(args[args.indexOf('--minutes') + 1]) || 10;
  const ownSamba = !process.env.SAMBA_TEST_DIR;
  const samba = await startSamba();
  console.log(`Samba AD DC at ${samba.url}`);
  try {
    const { soak } = await import('./soak');
    const report = await soak(minutes, (line) => console.log(line));
    for (const line of report.lines) console.log(`  ${line}`);
    for (const b of report.budgets) console.log(`  ${b.ok ? 'PASS' : 'MISS'}  ${b.name}: ${b.measured} (budget ${b.budget})`);
    if (report.budgets.some((b) => !b.ok)) process.exitCode = 1;
  } finally {
    if (ownSamba) await removeSamba();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === 'soak') return soakMode(args);
  const filters = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort((a, b) => Number(RUN_LAST.includes(a)) - Number(RUN_LAST.includes(b)) || a.localeCompare(b));
  if (files.length === 0) throw new Error(`no bench/*.bench.ts matches ${filters.join(' ')}`);
  const log = (line: string) => console.log(line);
  const loadAtStart = loadavg();
  const reports: StoreReport[] = [];
  const modules = await Promise.all(files.map(async (file) => ({ file, mod: (await import(path.join(__dirname, file))) as BenchModule })));
  // `--store=sqlite` (or mongodb) runs each bench on that store alone.
  const onlyStore = args.find((a) => a.startsWith('--store='))?.slice('--store='.length);
  const storesOf = (mod: BenchModule): readonly StoreKind[] => (mod.stores ?? ['sqlite']).filter((k) => !onlyStore || k === onlyStore);
  // One Samba AD test DC for every bench (reused when SAMBA_TEST_DIR names a running one).
  const ownSamba = !process.env.SAMBA_TEST_DIR;
  if (ownSamba) console.log('starting the Samba AD test DC…');
  const samba = await startSamba();
  console.log(`Samba AD DC at ${samba.url}`);
  let mongo: { external: boolean } | undefined;
  // Every SQLite run before any MongoDB run (RUN_LAST aside): FerretDB starts only then, so neither it nor
  // work it is still finishing after a heavy run shares the cores with a SQLite measurement.
  const runs = modules
    .flatMap(({ file, mod }) => storesOf(mod).map((kind) => ({ file, mod, kind })))
    .sort((a, b) => Number(RUN_LAST.includes(a.file)) - Number(RUN_LAST.includes(b.file)) || Number(a.kind === 'mongodb') - Number(b.kind === 'mongodb'));
  try {
    for (const { file, mod, kind } of runs) {
      if (kind === 'mongodb' && !mongo) {
        mongo = await startFerretDb();
        console.log(mongo.external ? '\nMongoDB at MONGODB_URL' : '\nFerretDB started for the MongoDB runs');
      }
      console.log(`\n▶ ${file} (${kind})`);
      const store: BenchStore = kind === 'mongodb' ? { kind, url: mongoTestUrl(`bench_${Date.now().toString(36)}`) } : { kind };
      // A bench that fails is a missed row in the table, and the others still run.
      const report = await mod.run({ log, env: process.env, store })
        .catch((err: unknown): BenchReport => ({
          name: file.replace(/\.bench\.ts$/, ''), lines: [`failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`],
          budgets: [{ name: 'ran to the end', measured: `failed: ${(err instanceof Error ? err.message : String(err)).slice(0, 120)}`, budget: 'no error', ok: false }],
        }))
        .finally(() => (store.kind === 'mongodb' ? dropDatabase(store.url).catch(() => undefined) : undefined));
      reports.push({ store: kind, report });
      for (const line of report.lines) console.log(`  ${line}`);
    }
  } finally {
    if (mongo && !mongo.external) await stopFerretDb();
    if (ownSamba) await removeSamba();
  }
  // The machine is shared: the load around the run says how much to trust it.
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`\nBudgets (DESIGN.md "Performance budgets"); ${cpus().length} cores, load average ${load(loadAtStart)} at the start, ${load(loadavg())} at the end`);
  for (const line of budgetTable(reports)) console.log(line);
  const missed = reports.flatMap((r) => r.report.budgets.filter((b) => !b.ok && !b.info));
  console.log(`\n${missed.length === 0 ? 'All budgets met.' : `${missed.length} budget(s) missed.`}`);
  if (missed.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
