// `npm run bench [-- <filter>] [-- --strict]`: runs every bench/*.bench.ts (each exports `run(ctx)`),
// one after the other, and prints what each measured against DESIGN.md's performance budgets.
// Another surface adds its own bench by dropping a `bench/<name>.bench.ts` file here.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { BenchContext, BenchModule, BenchReport } from './bench-types';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const strict = args.includes('--strict');
  const filters = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort();
  if (files.length === 0) throw new Error(`no bench/*.bench.ts matches ${filters.join(' ')}`);
  const ctx: BenchContext = { log: (line) => console.log(line), env: process.env };
  const reports: BenchReport[] = [];
  for (const file of files) {
    console.log(`\n▶ ${file}`);
    const mod = (await import(path.join(__dirname, file))) as BenchModule;
    const report = await mod.run(ctx);
    reports.push(report);
    for (const line of report.lines) console.log(`  ${line}`);
    for (const b of report.budgets) console.log(`  ${b.ok ? 'PASS' : 'MISS'}  ${b.name}: ${b.measured} (budget ${b.budget})`);
  }
  const missed = reports.flatMap((r) => r.budgets.filter((b) => !b.ok));
  console.log(`\n${missed.length === 0 ? 'All budgets met.' : `${missed.length} budget(s) missed.`}`);
  if (strict && missed.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
