// What the benches that run the program in a process of its own share: the program compiled as `npm start`
// runs it, its heap cap, and what /proc says about its memory.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** The heap cap of `npm start` and infra/Dockerfile: keeps resident memory near the live heap (~40 MB) under load. */
export const PRODUCTION_NODE_FLAGS = ['--max-old-space-size=160'];

/**
 * Compiles the project (src and bench) into dist/bench-build and returns that folder: the program runs as
 * `npm start` runs it, compiled JavaScript, not through tsx, whose on-the-fly transpiling would add to the
 * memory measured.
 */
let compiledOnce: string | undefined;

export function compileForBench(): string {
  if (compiledOnce) return compiledOnce; // a bench run once per store compiles once per `npm run bench`
  const out = path.join(ROOT, 'dist', 'bench-build');
  // A clean folder: the output of a source file since moved or deleted would otherwise shadow its successor
  // (a stale `service/account-actions.js` is found before the `service/account-actions/` folder).
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', out, '--noEmit', 'false', '--sourceMap', 'false'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  compiledOnce = out;
  return out;
}

/** A process's resident memory now (VmRSS) or at its peak (VmHWM), in bytes; 0 once it is gone. */
export function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
