// The store unavailable, for real: another process holds the SQLite file's write lock (as a stuck backup
// or a second writer would), so every write of the program waits out its busy timeout and fails; the wait
// is off the event loop, so /healthz and other agents' commands that write nothing answer meanwhile. Actions
// are refused because their audit record cannot be written (fail closed), the agent gets one clear answer,
// /readyz says the store is down, and all of it comes back by itself when the lock is let go.
// (The MongoDB store's own fault — FerretDB stopped mid-run — goes in a suite beside this one, mongo-store.spec.ts,
// when that store arrives.)
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RunningApp } from '../helpers/app-process';
import { button } from '../helpers/teams-chat';
import { USERS, lockOut, rawUser, resetSeededUser } from '../helpers/samba';
import { VERBS } from '../../src/domain/verbs';
import { ask, chatWith, readyz, report, startFaultEnv, startProgram, text, timed, until, type FaultEnv } from './fault-env';

const NOT_DONE = /can't be written right now, so nothing was done|store is not available right now, so nothing was done/;
/** How long the program's writes wait for a lock (DEFAULT_BUSY_TIMEOUT_MS): this once froze the whole process. */
const BUSY_MS = 2000;
/** "Promptly": far below BUSY_MS. */
const PROMPT_MS = 500;

describe('Faults: the store (the SQLite file locked by another process mid-run)', function () {
  this.timeout(120_000);
  let f: FaultEnv;
  let app: RunningApp;

  before(async () => {
    f = await startFaultEnv();
    app = await startProgram(f);
  });
  after(async () => {
    await app?.stop();
    await f?.close();
  });

  it('actions are refused (fail closed), reads answer clearly, /readyz 503; it recovers by itself', async () => {
    const chat = chatWith(f, app);
    await lockOut(USERS.locky);
    const confirm = button(await chat.say(f.agent, `unlock ${USERS.locky}`), VERBS.confirmAccept);
    assert.ok(confirm);

    const holder = new Database(path.join(app.dataDir, 'helpdesk.db'), { timeout: 0 });
    holder.exec('BEGIN IMMEDIATE'); // the write lock, held until ROLLBACK
    let lockedFor: number;
    const t0 = performance.now();
    try {
      // While the press waits for the lock, the process answers others at once: the wait is not inside SQLite.
      // (Every chat command writes its audit record, so another agent's help waits for the lock too — beside
      // the press, not after it — and is refused the same way.)
      const pressing = timed(() => chat.press(f.agent, confirm));
      await new Promise((r) => setTimeout(r, 300));
      const helping = timed(() => ask(f, app, f.otherAgent, 'help'));
      const health = await timed(() => fetch(`${app.base}/healthz`));
      const readyWhileWaiting = await timed(() => readyz(app));
      const [pressed, help] = await Promise.all([pressing, helping]);
      assert.equal(health.value.status, 200);
      assert.ok(health.ms < PROMPT_MS, `/healthz took ${health.ms} ms while a write waited for the lock`);
      assert.equal(readyWhileWaiting.value.status, 503);
      assert.ok(readyWhileWaiting.ms < PROMPT_MS, `/readyz took ${readyWhileWaiting.ms} ms while a write waited for the lock`);
      assert.ok(pressed.ms > 300 + health.ms + readyWhileWaiting.ms, `the press (${pressed.ms} ms) was still waiting for the lock`);
      assert.match(text(help.value), NOT_DONE);
      assert.ok(help.ms < 2 * BUSY_MS, `help took ${help.ms} ms: it waited behind the press`);
      assert.match(text(pressed.value), NOT_DONE);
      assert.notEqual(String((await rawUser(USERS.locky, ['lockoutTime'])).lockoutTime), '0', 'the account was unlocked without its audit record');
      const lookup = await timed(() => chat.say(f.agent, `user ${USERS.jdoe}`));
      const lookupText = text(lookup.value);
      assert.ok(/John Doe/.test(lookupText) || NOT_DONE.test(lookupText), lookupText);
      const ready = await timed(() => readyz(app));
      assert.equal(ready.value.status, 503);
      assert.equal(ready.value.body.store, 'down');
      report('store locked', {
        'agent saw (confirm)': /audit/.test(text(pressed.value)) ? '"The audit trail can\'t be written right now, so nothing was done."' : '"The bot\'s store is not available right now, so nothing was done."',
        'confirm press': `${pressed.ms} ms`,
        'meanwhile /healthz': `200 in ${health.ms} ms`, '/readyz': `503 in ${readyWhileWaiting.ms} ms`,
        'another agent\'s help (its audit write waits too)': `refused in ${help.ms} ms`,
        'agent saw (lookup)': /John Doe/.test(lookupText) ? 'the card (reads need no write)' : 'nothing was done',
        lookup: `${lookup.ms} ms`, '/readyz after': `503 in ${ready.ms} ms`,
      });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      lockedFor = Math.round(performance.now() - t0);
    }
    const recovery = await until('/readyz 200 once the lock is let go', async () => (await readyz(app)).status === 200);
    // The refused press spent nothing: the same button works now, once.
    assert.match(text(await chat.press(f.agent, confirm)), /Account unlocked/);
    assert.equal(String((await rawUser(USERS.locky, ['lockoutTime'])).lockoutTime), '0');
    report('store locked', { 'locked for': `${lockedFor} ms`, 'recovered after the lock was let go': `${recovery} ms (/readyz 200; the same confirm then worked)` });
    await resetSeededUser(USERS.locky);
  });
});
