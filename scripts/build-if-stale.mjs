// `npm start`'s build step: runs `tsc -b` only when a source or build setting is newer than the last build's
// record, so a start from a built tree does not pay for loading the compiler (about a second) to learn that
// nothing changed. tsc -b still decides what to rebuild; this only skips asking it when nothing was touched.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const record = path.join(root, 'dist', 'tsconfig.build.tsbuildinfo');

function newest(target) {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted or renamed file shows as a newer folder
  for (const entry of readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

const built = statSync(record, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) => newest(path.join(root, p)));
if (built === 0 || inputs.some((t) => t > built)) {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
