// Faults of the directory, done for real: the suite's own Samba DC is stopped in the middle of a run, and
// slowed by a loopback proxy that holds its answers. The agent gets one clear answer within the bound
// (LDAP_TIMEOUT_MS), /readyz says the directory is down, nothing is half done, other agents are still
// answered, and the program recovers by itself when the DC is back.
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RunningApp } from '../helpers/app-process';
import { button } from '../helpers/teams-chat';
import { USERS, lockOut, rawUser, resetSeededUser, restartSamba, stopSamba } from '../helpers/samba';
import { VERBS } from '../../src/domain/verbs';
import { LDAP_TIMEOUT_MS, ask, chatWith, readyz, report, startFaultEnv, startProgram, text, timed, until, type FaultEnv } from './fault-env';

const UNREACHABLE = /The directory is not reachable right now\. Nothing was changed/;
/** What a lookup may take beyond the bound: the chat round trip on a 2-core machine shared with others. */
const SLACK_MS = 1000;

describe('Faults: the directory (a real Samba DC stopped and slowed mid-run)', function () {
  this.timeout(120_000);
  let f: FaultEnv;
  let app: RunningApp;

  before(async () => {
    // The window test below unlocks one account many times.
    f = await startFaultEnv({ LIMIT_TARGET_PER_HOUR: '100', LIMIT_AGENT_PER_HOUR: '100' });
    app = await startProgram(f);
  });
  after(async () => {
    await app?.stop();
    await f?.close();
  });

  it('DC stopped: lookups say so within LDAP_TIMEOUT_MS, /readyz 503, a confirm is not half done, and it recovers without a restart', async () => {
    const chat = chatWith(f, app);
    assert.match(text(await chat.say(f.agent, `user ${USERS.jdoe}`)), /John Doe/);
    await lockOut(USERS.locky);
    const prompt = await chat.say(f.agent, `unlock ${USERS.locky}`);
    const confirm = button(prompt, VERBS.confirmAccept);
    assert.ok(confirm, text(prompt));

    await stopSamba();
    const lookup = await timed(() => chat.say(f.agent, `user ${USERS.jdoe}`));
    assert.match(text(lookup.value), UNREACHABLE);
    assert.ok(lookup.ms < LDAP_TIMEOUT_MS + SLACK_MS, `the lookup took ${lookup.ms} ms`);
    const ready = await timed(() => readyz(app));
    assert.equal(ready.value.status, 503);
    assert.equal(ready.value.body.directory, 'down');
    const pressed = await timed(() => chat.press(f.agent, confirm));
    assert.match(text(pressed.value), UNREACHABLE);
    assert.ok(pressed.ms < 2 * LDAP_TIMEOUT_MS + SLACK_MS, `the confirm took ${pressed.ms} ms`);

    await restartSamba();
    const recovery = await until('a lookup after the DC came back', async () => /John Doe/.test(text(await chat.say(f.agent, `user ${USERS.jdoe}`))));
    const readyAgain = await until('/readyz 200 after the DC came back', async () => (await readyz(app)).status === 200);
    // Nothing was half done: the account is still locked, and the same confirm button works now, once.
    assert.notEqual(String((await rawUser(USERS.locky, ['lockoutTime'])).lockoutTime), '0');
    assert.match(text(await chat.press(f.agent, confirm)), /Account unlocked/);
    assert.equal(String((await rawUser(USERS.locky, ['lockoutTime'])).lockoutTime), '0');
    assert.match(text(await chat.press(f.agent, confirm)), /already been used|already used/i);
    report('DC stopped', {
      'agent saw': '"The directory is not reachable right now. Nothing was changed; please try again in a moment."',
      lookup: `${lookup.ms} ms`, 'confirm press': `${pressed.ms} ms`, '/readyz': `503 in ${ready.ms} ms`,
      'recovered after the DC was back': `${recovery} ms (lookups), ${readyAgain} ms more (/readyz)`,
    });
    await resetSeededUser(USERS.locky);
  });

  it('the DC dies at any point of a confirm: while it was only checking, the same button works once the DC is back', async () => {
    const chat = chatWith(f, app);
    const outcomes: string[] = [];
    /** Unlocks of the account under way: each writes its `requested` audit record just before the directory write. */
    const underWay = () => {
      const db = new Database(path.join(app.dataDir, 'helpdesk.db'), { readonly: true, fileMustExist: true });
      try {
        return (db.prepare("SELECT count(*) AS n FROM helpdesk_audit WHERE action = 'account.unlock' AND outcome = 'requested' AND target = ?")
          .get(USERS.locky) as { n: number }).n;
      } finally {
        db.close();
      }
    };
    // The proxy lets n more requests through, then the DC is gone: n = 0, 1, 2… walks the cut through the press
    // (the presser's role, the target's entry and protections, then the change), until the press gets through whole.
    for (let n = 0; n < 40; n++) {
      await lockOut(USERS.locky);
      const confirm = button(await chat.say(f.agent, `unlock ${USERS.locky}`), VERBS.confirmAccept);
      assert.ok(confirm);
      const before = underWay();
      f.proxy.dieAfterRequests = n;
      const pressed = text(await chat.press(f.agent, confirm));
      f.proxy.revive();
      if (/Account unlocked/.test(pressed)) {
        outcomes.push(`${n}: unlocked`);
        break;
      }
      assert.match(pressed, UNREACHABLE);
      await until('a lookup once the DC is back', async () => /John Doe/.test(text(await chat.say(f.agent, `user ${USERS.jdoe}`))));
      const wasUnderWay = underWay() > before;
      const again = text(await chat.press(f.agent, confirm));
      if (wasUnderWay) {
        // Cut at the change itself: the token was spent for it, as it must be (the write may have reached the DC).
        assert.match(again, /already been used|already used/i);
        outcomes.push(`${n}: cut at the change, token spent`);
      } else {
        assert.match(again, /Account unlocked/, `cut after ${n} requests, during the checks: the button must still work`);
        outcomes.push(`${n}: cut while checking, the button worked after`);
      }
      await resetSeededUser(USERS.locky);
    }
    assert.match(outcomes.at(-1) ?? '', /unlocked$/, outcomes.join('; '));
    assert.ok(outcomes.filter((o) => /while checking/.test(o)).length >= 2, outcomes.join('; '));
    report('DC dies mid-confirm', { 'cut after n requests': outcomes.join('; ') });
    await resetSeededUser(USERS.locky);
  });

  it('DC slow: no lookup waits past its bound, and another agent is answered promptly meanwhile', async () => {
    const chat = chatWith(f, app);
    // Both agents resolved once (their roles are cached for typed commands, as in any busy hour).
    assert.match(text(await chat.say(f.agent, `user ${USERS.jdoe}`)), /John Doe/);
    assert.match(text(await chat.say(f.otherAgent, 'help')), /user/);

    // Slow but within the bound: answered, late.
    f.proxy.delayMs = 300;
    const slow = await timed(() => chat.say(f.agent, `user ${USERS.jdoe}`));
    assert.match(text(slow.value), /John Doe/);

    // Slower than the bound: the lookup is cut off at the bound, while the other agent is answered at once.
    f.proxy.delayMs = 4 * LDAP_TIMEOUT_MS;
    const stuck = timed(() => ask(f, app, f.agent, `user ${USERS.jsmith}`));
    await new Promise((r) => setTimeout(r, 200)); // the lookup is waiting on the DC now
    const help = await timed(() => ask(f, app, f.otherAgent, 'help'));
    const health = await timed(() => fetch(`${app.base}/healthz`));
    const cut = await stuck;
    assert.match(text(cut.value), UNREACHABLE);
    assert.ok(cut.ms < LDAP_TIMEOUT_MS + SLACK_MS, `the lookup took ${cut.ms} ms`);
    assert.ok(help.ms < 500, `help took ${help.ms} ms while a lookup waited on the DC`);
    assert.equal(health.value.status, 200);
    assert.ok(health.ms < 200, `/healthz took ${health.ms} ms`);

    f.proxy.delayMs = 0;
    const recovery = await until('a lookup once the DC is fast again', async () => /Jane Smith/.test(text(await chat.say(f.agent, `user ${USERS.jsmith}`))));
    report('DC slow', {
      'agent saw': 'the card late (300 ms a round trip), or "The directory is not reachable right now…" at the bound',
      'slow lookup': `${slow.ms} ms`, 'cut-off lookup': `${cut.ms} ms (bound ${LDAP_TIMEOUT_MS} ms)`,
      "another agent's help meanwhile": `${help.ms} ms`, '/healthz meanwhile': `${health.ms} ms`, recovered: `${recovery} ms`,
    });
  });
});
