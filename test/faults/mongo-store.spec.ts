// The MongoDB store unavailable, for real: the program runs on a FerretDB of this suite's own (the run's
// shared one stays up for the other specs), which is stopped mid-run and started again on the same port and
// data. Actions are refused because their audit record cannot be written (fail closed) within the driver's
// timeouts, the agent gets one clear answer, /readyz says the store is down, and all of it comes back by
// itself once FerretDB answers again; the audit chain verifies afterwards. (The name holds "mongo" only
// because the global setup keys on it; this suite uses its own server.)
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { auditVerify, freePort, type RunningApp } from '../helpers/app-process';
import { spawnFerretDb, stopProcess } from '../helpers/ferretdb';
import { button } from '../helpers/teams-chat';
import { USERS, lockOut, rawUser, resetSeededUser } from '../helpers/samba';
import { VERBS } from '../../src/domain/verbs';
import { DEFAULT_MONGO_TIMEOUT_MS } from '../../src/adapters/mongo/mongo-store';
import { QUICK_MS } from '../../src/adapters/mongo/mongo-unreachable';
import { chatWith, readyz, report, startFaultEnv, startProgram, text, timed, until, type FaultEnv } from './fault-env';

const NOT_DONE = /can't be written right now, so nothing was done|store is not available right now, so nothing was done/;
/**
 * One wait for a server (DEFAULT_MONGO_TIMEOUT_MS, 3 s: the store read fails), then the failure's own audit record
 * fails within QUICK_MS (the server is held unreachable, mongo-unreachable.ts); and some room. It was twice the
 * server selection timeout, the read's and the audit record's (10 s with the 5 s of then).
 */
const BOUND_MS = DEFAULT_MONGO_TIMEOUT_MS + QUICK_MS + 1000;
const AGENT_SAW = (card: string) => /audit/.test(card) ? '"The audit trail can\'t be written right now, so nothing was done."' : /John Doe/.test(card) ? 'the card' : '"The bot\'s store is not available right now, so nothing was done."';

/** A FerretDB on a fixed port and data folder, so it can be stopped and started again as the same server. */
class OwnFerretDb {
  private proc: ChildProcess | undefined;
  readonly dir = mkdtempSync(path.join(tmpdir(), 'mypass-ferret-fault-'));
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.proc = await spawnFerretDb(this.port, this.dir);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    await stopProcess(proc);
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('Faults: the MongoDB store (FerretDB stopped mid-run, then started again)', function () {
  this.timeout(180_000);
  let f: FaultEnv;
  let app: RunningApp;
  let ferret: OwnFerretDb;
  let storeUrl: string;

  before(async () => {
    ferret = new OwnFerretDb(await freePort());
    await ferret.start();
    storeUrl = `mongodb://127.0.0.1:${ferret.port}/mypass_fault`;
    f = await startFaultEnv({ STORE_URL: storeUrl });
    app = await startProgram(f);
  });
  after(async () => {
    await app?.stop();
    await f?.close();
    await ferret?.remove();
  });

  it('actions are refused (fail closed), reads answer clearly, /readyz 503, within the driver timeouts; it recovers by itself; the chain verifies', async () => {
    const chat = chatWith(f, app);
    await lockOut(USERS.locky);
    const confirm = button(await chat.say(f.agent, `unlock ${USERS.locky}`), VERBS.confirmAccept);
    assert.ok(confirm);

    await ferret.stop();
    let downFor: number;
    const t0 = performance.now();
    try {
      const pressed = await timed(() => chat.press(f.agent, confirm));
      assert.match(text(pressed.value), NOT_DONE, app.output);
      assert.ok(pressed.ms < BOUND_MS, `the refusal took ${pressed.ms} ms`);
      assert.notEqual(String((await rawUser(USERS.locky, ['lockoutTime'])).lockoutTime), '0', 'the account was unlocked without its audit record');
      const lookup = await timed(() => chat.say(f.agent, `user ${USERS.jdoe}`));
      const lookupText = text(lookup.value);
      assert.ok(/John Doe/.test(lookupText) || NOT_DONE.test(lookupText), lookupText);
      assert.ok(lookup.ms < BOUND_MS, `the lookup took ${lookup.ms} ms`);
      const ready = await timed(() => readyz(app));
      assert.equal(ready.value.status, 503);
      assert.equal(ready.value.body.store, 'down');
      assert.ok(ready.ms < BOUND_MS, `/readyz took ${ready.ms} ms`);
      report('MongoDB store stopped', {
        'agent saw (confirm)': AGENT_SAW(text(pressed.value)), 'confirm press': `${pressed.ms} ms`,
        'agent saw (lookup)': AGENT_SAW(lookupText),
        lookup: `${lookup.ms} ms`, '/readyz': `503 in ${ready.ms} ms`,
      });
    } finally {
      await ferret.start(); // the same port and data folder
      downFor = Math.round(performance.now() - t0);
    }
    const recovery = await until('/readyz 200 once FerretDB is back', async () => (await readyz(app)).status === 200, 60_000);
    // The refused press spent nothing: the same button works now, once.
    const again = await timed(() => chat.press(f.agent, confirm));
    assert.match(text(again.value), /Account unlocked/, app.output);
    assert.equal(String((await rawUser(USERS.locky, ['lockoutTime'])).lockoutTime), '0');
    const verified = await auditVerify({ STORE_URL: storeUrl, SECRETS_KEY: f.env.SECRETS_KEY ?? '' });
    assert.equal(verified.code, 0, verified.output);
    assert.match(verified.output, /audit chain intact/);
    report('MongoDB store stopped', {
      'down for': `${downFor} ms`, 'recovered after FerretDB was back': `${recovery} ms (/readyz 200)`,
      'the same confirm then': `worked in ${again.ms} ms`, 'audit:verify': 'intact',
    });
    await resetSeededUser(USERS.locky);
  });
});
