// `npm start`'s build step: runs `tsc -b` only when a source or build setting is newer than the last build's
// record, so a start from a built tree does not pay for loading the compiler (about a second) to learn that
// nothing changed. tsc -b still decides what to rebuild; this only skips asking it when nothing was touched.
// Given a program (npm start's dist/src/main.js), it runs it afterwards in the same process.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdirSync, rmSync, statSync } from 'node:fs';
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
/** Removes what a source file since moved or deleted compiled to: tsc -b leaves it, and a stale `x.js` is found before a new `x/` folder. */
function removeOrphans(dir, source) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const out = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      removeOrphans(out, path.join(source, entry.name));
      continue;
    }
    const stem = entry.name.replace(/(\.d)?\.ts$|\.js(\.map)?$|\.d\.ts\.map$/, '');
    if (stem !== entry.name && !statSync(path.join(source, `${stem}.ts`), { throwIfNoEntry: false })) rmSync(out);
  }
}

if (built === 0 || inputs.some((t) => t > built)) {
  const compiled = path.join(root, 'dist', 'src');
  if (statSync(compiled, { throwIfNoEntry: false })) removeOrphans(compiled, path.join(root, 'src'));
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

// `build-if-stale.mjs dist/src/main.js` then runs the program in this same process: npm start pays for one
// Node start-up, not two (a fifth of a second on a small machine).
const program = process.argv[2];
if (program) createRequire(import.meta.url)(path.resolve(root, program));
