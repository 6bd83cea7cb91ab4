// Mocha global fixtures (loaded through .mocharc.json `require`): one Samba AD DC for the whole run.
//
// Started when the run includes anything besides unit specs (integration, contract, e2e need the
// real directory; a unit-only run does not wait for it). If it cannot start, the run fails with the
// reason — tests are never skipped. Test files reach it through test/helpers/samba.ts (sambaInfo()).
// Re-runs are quick: the provisioned, seeded domain is cached as a template by scripts/samba-dc.sh,
// so a run only copies it and starts samba (well under a second once the template exists).
import { relative, sep } from 'node:path';
import type { Runner, Suite } from 'mocha';
import { startFerretDb, stopFerretDb, stopFerretDbSync } from './ferretdb';
import { rtRemove, rtStart } from './request-tracker';
import { removeSamba, removeSambaSync, startSamba } from './samba';

function specFiles(suite: Suite, into = new Set<string>()): Set<string> {
  if (suite.file) into.add(suite.file);
  for (const t of suite.tests) if (t.file) into.add(t.file);
  for (const s of suite.suites) specFiles(s, into);
  return into;
}

/** False only when every loaded spec is a unit spec (and they are known: parallel mode loads none here). */
function runNeedsDirectory(runner: Runner | undefined): boolean {
  if (process.env.SAMBA_TEST === 'always') return true;
  const suite = runner?.suite;
  if (!suite) return true;
  const files = [...specFiles(suite)].map((f) => relative(process.cwd(), f).split(sep).join('/'));
  if (files.length === 0) return true;
  return files.some((f) => !f.startsWith('test/unit/'));
}

/** Request Tracker only for runs that load a ticket spec against it (`*.rt.spec.ts`), or RT_TEST=always. */
function runNeedsRequestTracker(runner: Runner | undefined): boolean {
  if (process.env.RT_TEST === 'always') return true;
  const suite = runner?.suite;
  if (!suite) return false;
  return [...specFiles(suite)].some((f) => f.endsWith('.rt.spec.ts'));
}

/** FerretDB (test/helpers/ferretdb.ts) only for runs that load a spec with "mongo" in its name, or MONGO_TEST=always. */
function runNeedsMongo(runner: Runner | undefined): boolean {
  if (process.env.MONGO_TEST === 'always') return true;
  const suite = runner?.suite;
  if (!suite) return false;
  return [...specFiles(suite)].some((f) => /mongo[^/]*\.spec\.ts$/.test(f));
}

let started = false;
let rtStarted = false;
let mongoStarted = false;

export async function mochaGlobalSetup(this: Runner | undefined): Promise<void> {
  if (runNeedsRequestTracker(this)) {
    const t0 = Date.now();
    try {
      const rt = await rtStart();
      rtStarted = true;
      console.log(`  Request Tracker 5 at ${rt.url} ready in ${Date.now() - t0} ms`);
    } catch (e) {
      throw new Error(`Could not start the Request Tracker test server: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  if (runNeedsMongo(this)) {
    const t0 = Date.now();
    try {
      const mongo = await startFerretDb();
      mongoStarted = !mongo.external;
      if (mongoStarted) process.once('exit', stopFerretDbSync);
      console.log(mongo.external ? '  MongoDB from MONGODB_URL' : `  FerretDB at ${mongo.url} ready in ${Date.now() - t0} ms`);
    } catch (e) {
      throw new Error(`Could not start the MongoDB test server (FerretDB): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  if (!runNeedsDirectory(this)) return;
  const t0 = Date.now();
  try {
    const info = await startSamba();
    started = true;
    // If the process dies without teardown (^C), still stop the DC we started.
    process.once('exit', removeSambaSync);
    console.log(`  Samba AD DC ${info.realm} at ${info.url} (pid ${info.pid}) ready in ${Date.now() - t0} ms`);
  } catch (e) {
    throw new Error(`Could not start the Samba AD test DC: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (mongoStarted) {
    mongoStarted = false;
    process.removeListener('exit', stopFerretDbSync);
    await stopFerretDb();
  }
  if (rtStarted) {
    rtStarted = false;
    await rtRemove();
  }
  if (!started) return;
  started = false;
  process.removeListener('exit', removeSambaSync);
  await removeSamba();
}
