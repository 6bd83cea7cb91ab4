// The program stopped in the middle of work, for real: SIGTERM while an unlock and a reset are in flight
// (the DC's answers held by the delaying proxy, so both are mid-way through their directory calls), and
// SIGKILL while an unlock's directory write is in flight. SIGTERM: both finish before the process exits, and
// the audit chain verifies. SIGKILL: after a restart on the same store the state is consistent, and the dead
// unlock's reserved place under the limits is given back once its lease ends (CHANGE_LEASE_SECONDS).
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { auditVerify, type RunningApp } from '../helpers/app-process';
import { button } from '../helpers/teams-chat';
import { USERS, lockOut, rawUser, resetSeededUser } from '../helpers/samba';
import { VERBS } from '../../src/domain/verbs';
import { chatWith, report, startFaultEnv, startProgram, text, timed, until, type FaultEnv } from './fault-env';

const LEASE_SECONDS = 3;

function storeOf(app: RunningApp): string {
  return path.join(app.dataDir, 'helpdesk.db');
}

/** Rows of the program's store, read from outside (read-only, as an operator's sqlite3 would). */
function query<T>(app: RunningApp, sql: string, ...params: unknown[]): T[] {
  const db = new Database(storeOf(app), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('Faults: the program stopped mid-action (SIGTERM, SIGKILL)', function () {
  this.timeout(180_000);
  let f: FaultEnv;
  let app: RunningApp | undefined;

  before(async () => {
    // A slow DC must not time out here: the point is actions truly in flight when the signal comes. One change
    // an hour per account, so a place held by a dead unlock would refuse the next one; a short lease to see it freed.
    f = await startFaultEnv({ LDAP_TIMEOUT_MS: '10000', LIMIT_TARGET_PER_HOUR: '1', CHANGE_LEASE_SECONDS: String(LEASE_SECONDS) });
  });
  afterEach(async () => {
    f.proxy.delayMs = 0;
    f.proxy.delayRequests = false;
    await app?.stop();
    app = undefined;
  });
  after(async () => {
    await resetSeededUser(USERS.locky).catch(() => undefined);
    await resetSeededUser(USERS.resetme).catch(() => undefined);
    await f?.close();
  });

  it('SIGTERM with an unlock and a reset in flight: both finish before the process exits; the audit chain verifies', async () => {
    app = await startProgram(f);
    const running = app;
    const chat = chatWith(f, running);
    await lockOut(USERS.locky);
    const unlock = button(await chat.say(f.agent, `unlock ${USERS.locky}`), VERBS.confirmAccept);
    const reset = button(await chat.say(f.supervisor, `reset ${USERS.resetme} view`), VERBS.confirmAccept);
    assert.ok(unlock && reset);
    const { pwdLastSet: before } = await rawUser(USERS.resetme, ['pwdLastSet']);

    f.proxy.delayMs = 300;
    const unlocked = timed(() => chat.press(f.agent, unlock));
    const resetDone = timed(() => chat.press(f.supervisor, reset));
    await new Promise((r) => setTimeout(r, 700)); // both are waiting on the DC now
    const exit = timed(() => running.kill('SIGTERM'));

    const [u, r, e] = await Promise.all([unlocked, resetDone, exit]);
    assert.match(text(u.value), /Account unlocked/);
    assert.match(text(r.value), /Password reset/);
    assert.equal(e.value, 0, running.output);
    assert.equal(String((await rawUser(USERS.locky, ['lockoutTime'])).lockoutTime), '0');
    assert.notEqual(String((await rawUser(USERS.resetme, ['pwdLastSet'])).pwdLastSet), String(before));
    // Each action's audit trail is whole: requested, then its outcome.
    const trail = query<{ action: string; outcome: string }>(running, "SELECT action, outcome FROM helpdesk_audit WHERE target IN (?, ?) ORDER BY seq", USERS.locky, USERS.resetme);
    assert.ok(trail.some((a) => a.action === 'account.unlock' && a.outcome === 'requested'), JSON.stringify(trail));
    assert.ok(trail.some((a) => a.outcome === 'success'), JSON.stringify(trail));
    const verified = await auditVerify({ STORE_URL: `sqlite:${storeOf(running)}`, SECRETS_KEY: f.env.SECRETS_KEY ?? '' });
    assert.equal(verified.code, 0, verified.output);
    report('SIGTERM mid-action', {
      'agents saw': '"Account unlocked" and the reset password card, as on any day',
      unlock: `${u.ms} ms`, reset: `${r.ms} ms`, 'exit after SIGTERM': `${e.ms} ms (code 0)`, 'audit:verify': 'intact',
    });
  });

  it('SIGKILL while an unlock is in flight: after a restart the spent token stays spent, the account is untouched, and a new unlock works', async () => {
    await resetSeededUser(USERS.locky);
    app = await startProgram(f);
    const first = app;
    const chat = chatWith(f, first);
    await lockOut(USERS.locky);
    const unlock = button(await chat.say(f.agent, `unlock ${USERS.locky}`), VERBS.confirmAccept);
    assert.ok(unlock);

    // Requests and answers held 400 ms each way: the kill comes once the unlock's audit record is written,
    // while its directory write is still on its way to the DC.
    f.proxy.delayMs = 400;
    f.proxy.delayRequests = true;
    const pressed = chat.press(f.agent, unlock).then(() => 'answered', () => 'cut off');
    await until('the unlock to be under way (its audit record written)', async () =>
      query(first, "SELECT 1 FROM helpdesk_audit WHERE action = 'account.unlock' AND outcome = 'requested' AND target = ?", USERS.locky).length > 0, 20_000);
    await first.kill('SIGKILL');
    assert.equal(await pressed, 'cut off');
    f.proxy.delayMs = 0;
    f.proxy.delayRequests = false;

    const restart = await timed(() => startProgram(f, { dataDir: first.dataDir }));
    app = restart.value;
    const again = chatWith(f, app);
    // The directory write never reached the DC: the account is still locked.
    assert.notEqual(String((await rawUser(USERS.locky, ['lockoutTime'])).lockoutTime), '0');
    // The spent token stays spent.
    assert.match(text(await again.press(f.agent, unlock)), /already been used/);
    // The reservation of the change that never happened held the account's one place; once its lease ends the
    // sweep gives it back (nothing else would for the rest of the hour), and the agent can simply ask again.
    const held = query<{ n: number }>(app, 'SELECT count(*) AS n FROM account_changes WHERE target = ?', USERS.locky)[0]?.n;
    const freed = await until('the dead unlock\'s place given back by the lease sweep', async () =>
      query<{ n: number }>(restart.value, 'SELECT count(*) AS n FROM account_changes WHERE target = ?', USERS.locky)[0]?.n === 0, 30_000);
    assert.match(app.output, /reserved account changes given back/);
    const fresh = button(await again.say(f.agent, `unlock ${USERS.locky}`), VERBS.confirmAccept);
    assert.ok(fresh, 'the next unlock is offered (the dead one no longer counts against the limit)');
    assert.match(text(await again.press(f.agent, fresh)), /Account unlocked/);
    const verified = await auditVerify({ STORE_URL: `sqlite:${storeOf(app)}`, SECRETS_KEY: f.env.SECRETS_KEY ?? '' });
    assert.equal(verified.code, 0, verified.output);
    report('SIGKILL mid-action', {
      'agent saw': 'no answer to the press (the process died); after the restart "That button has already been used", and a new unlock worked',
      restart: `${restart.ms} ms`, 'places held by the dead unlock at restart': String(held),
      'given back by the lease sweep': `${freed} ms after the restart (lease ${LEASE_SECONDS} s)`, 'audit:verify': 'intact',
    });
  });
});
