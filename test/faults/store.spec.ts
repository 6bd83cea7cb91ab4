// The store unavailable, for real: another process holds the SQLite file's write lock (as a stuck backup
// or a second writer would), so every write of the program waits out its busy timeout and fails. Actions
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
import { chatWith, readyz, report, startFaultEnv, startProgram, text, timed, until, type FaultEnv } from './fault-env';

const NOT_DONE = /can't be written right now, so nothing was done|store is not available right now, so nothing was done/;

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
      const pressed = await timed(() => chat.press(f.agent, confirm));
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
        'agent saw (lookup)': /John Doe/.test(lookupText) ? 'the card (reads need no write)' : 'nothing was done',
        lookup: `${lookup.ms} ms`, '/readyz': `503 in ${ready.ms} ms`,
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
