// `npm run bench [-- <filter>] [-- --strict]`: starts the Samba AD test DC (or reuses SAMBA_TEST_DIR), runs
// every bench/*.bench.ts (each exports `run(ctx)`) one after the other, and prints what each measured
// against DESIGN.md's performance budgets. A surface adds its bench by dropping `bench/<name>.bench.ts`
// here (bench/slack-ack.bench.ts wraps the Slack helper's bench/slack-ack.ts). `--strict`: exit 1 on a miss.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { removeSamba, startSamba } from '../test/helpers/samba';
import type { BenchContext, BenchModule, BenchReport } from './bench-types';

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
  const strict = args.includes('--strict');
  const filters = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort();
  if (files.length === 0) throw new Error(`no bench/*.bench.ts matches ${filters.join(' ')}`);
  const ctx: BenchContext = { log: (line) => console.log(line), env: process.env };
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
      for (const b of report.budgets) console.log(`  ${b.ok ? 'PASS' : 'MISS'}  ${b.name}: ${b.measured} (budget ${b.budget})`);
    }
  } finally {
    if (ownSamba) await removeSamba();
  }
  const missed = reports.flatMap((r) => r.budgets.filter((b) => !b.ok));
  console.log(`\n${missed.length === 0 ? 'All budgets met.' : `${missed.length} budget(s) missed.`}`);
  if (strict && missed.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
