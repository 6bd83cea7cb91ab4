// `npm run bench [-- <filter>]`: starts the Samba AD test DC (or reuses SAMBA_TEST_DIR), runs every
// bench/*.bench.ts (each exports `run(ctx)`) one after the other, prints what each measured, then ONE table
// against DESIGN.md's performance budgets (the framework floor and the raw LDAP time beside the bot), and
// exits 1 when a budget is missed. A surface adds its bench by dropping `bench/<name>.bench.ts` here
// (bench/slack-ack.bench.ts wraps the Slack helper's bench/slack-ack.ts).
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { removeSamba, startSamba } from '../test/helpers/samba';
import type { BenchContext, BenchModule, BenchReport, Budget } from './bench-types';

/** The one table: every budget of every bench that ran, the bot's figure with the floor's and raw LDAP's beside it. */
function budgetTable(reports: readonly BenchReport[]): string[] {
  const header = ['bench', 'budget', 'measured', 'floor', 'raw LDAP', 'target', 'result'];
  const rows = reports.flatMap((r) => r.budgets.map((b: Budget) => [
    r.name, b.name, b.measured, b.floor ?? '', b.rawLdap ?? '', b.budget, b.info ? 'info' : b.ok ? 'PASS' : 'MISS',
  ]));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const filters = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort();
  if (files.length === 0) throw new Error(`no bench/*.bench.ts matches ${filters.join(' ')}`);
  const ctx: BenchContext = { log: (line) => console.log(line), env: process.env };
  const loadAtStart = loadavg();
  const reports: BenchReport[] = [];
  // One Samba AD test DC for every bench (reused when SAMBA_TEST_DIR names a running one).
  const ownSamba = !process.env.SAMBA_TEST_DIR;
  if (ownSamba) console.log('starting the Samba AD test DC…');
  const samba = await startSamba();
  console.log(`Samba AD DC at ${samba.url}`);
  try {
    for (const file of files) {
      console.log(`\n▶ ${file}`);
      const mod = (await import(path.join(__dirname, file))) as BenchModule;
      const report = await mod.run(ctx);
      reports.push(report);
      for (const line of report.lines) console.log(`  ${line}`);
    }
  } finally {
    if (ownSamba) await removeSamba();
  }
  // The machine is shared: the load around the run says how much to trust it.
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`\nBudgets (DESIGN.md "Performance budgets"); ${cpus().length} cores, load average ${load(loadAtStart)} at the start, ${load(loadavg())} at the end`);
  for (const line of budgetTable(reports)) console.log(line);
  const missed = reports.flatMap((r) => r.budgets.filter((b) => !b.ok && !b.info));
  console.log(`\n${missed.length === 0 ? 'All budgets met.' : `${missed.length} budget(s) missed.`}`);
  if (missed.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
