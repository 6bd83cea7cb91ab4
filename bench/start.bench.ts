// `npm start` from a built tree (DESIGN.md's "start in under 2 s"): `npm run build` first (tsc -b into dist/,
// untimed), then `npm start` as a newcomer runs it — npm, the build that finds nothing to do, node on
// dist/src/main.js — timed from the spawn to the local console's page answering 200. The first start seeds
// the demo portal data into a fresh data folder (reported apart); the timed starts reuse that folder.
// BENCH_STARTS (5): how many timed starts.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanEnv, freePort } from '../test/helpers/app-process';
import type { BenchContext, BenchReport } from './bench-types';
import { ms, summarise } from './stats';

const ROOT = path.resolve(__dirname, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/** One `npm start`: ms from the spawn to GET / (the console) answering 200; then SIGTERM to the whole group. */
async function timedStart(dataDir: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(NPM, ['start', '--silent'], {
    cwd: ROOT,
    detached: true, // its own process group: npm's child node stops with it
    env: { ...cleanEnv(), PORT: String(port), STORE_URL: `sqlite:${path.join(dataDir, 'helpdesk.db')}`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  try {
    for (const deadline = Date.now() + 60_000; ; await sleep(20)) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${out}`);
      try {
        const res = await fetch(`http://localhost:${port}/`);
        const body = await res.text();
        if (res.ok && body.includes('<html')) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`npm start did not answer within 60 s:\n${out}`);
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
  }
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const starts = Number(ctx.env.BENCH_STARTS) || 5;
  ctx.log('npm run build (tsc -b into dist/)…');
  execFileSync(NPM, ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mypass-start-bench-'));
  try {
    const first = await timedStart(dataDir);
    const times: number[] = [];
    for (let i = 0; i < starts; i++) times.push(await timedStart(dataDir));
    const s = summarise(times);
    return {
      name: 'npm start',
      lines: [
        `npm start from a built tree, spawn → GET / (the local console) answering 200, demo directory, SQLite in a temp folder`,
        `first start (fresh data folder, seeds the demo portal data): ${ms(first)}`,
        `${starts} starts: ${times.map((t) => ms(t)).join(', ')} (median ${ms(s.p50)})`,
      ],
      budgets: [{ name: 'npm start → console answering (median)', measured: ms(s.p50), budget: '< 2000 ms', ok: s.p50 < 2000 }],
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
