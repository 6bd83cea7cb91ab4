// The alerts' watcher on the demo directory and a SQLite store: a VIP group member's lockout, an agent over
// the per-agent limit (through the service, as an agent meets it), a supervisor's override, portal locks
// from one address; each alert once, whichever poll or replica sees it again.
import assert from 'node:assert/strict';
import { DemoDirectory } from '../../../../src/adapters/demo/demo-directory';
import type { DirectoryEntry } from '../../../../src/domain/directory-user';
import { VERBS } from '../../../../src/domain/verbs';
import type { Directory } from '../../../../src/ports/directory.port';
import { silentLogger } from '../../../../src/ports/logger.port';
import { AlertDispatcher, AlertWatch, PORTAL_ADDRESS_ACCOUNTS, type AlertSettings } from '../../../../src/service/desk';
import type { AlertView } from '../../../../src/service/kernel/views';
import { ctxFor, DEMO_SETTINGS, demoFixture, expectKind, TestClock, type Fixture } from '../../../helpers/service-fixture';

const SETTINGS: AlertSettings = { lockouts: 5, windowMs: 15 * 60_000, vipGroups: ['Finance'], pollMs: 30_000 };

/** Every account reads as locked to findByLogin, so that each unlock is a real change to count. */
function everyoneLocked(directory: Directory): Directory {
  const locked = (e: DirectoryEntry): DirectoryEntry => ({ ...e, account: { ...e.account, locked: true } });
  return Object.assign(Object.create(directory) as Directory, {
    findByLogin: async (login: string) => {
      const e = await directory.findByLogin(login);
      return e ? locked(e) : null;
    },
  });
}

function watcher(f: Fixture, settings = SETTINGS): { watch: AlertWatch; posted: AlertView[] } {
  const posted: AlertView[] = [];
  const sink = { name: 'test', post: async (v: AlertView) => { posted.push(v); } };
  const deps = { directory: f.directory, store: f.store, clock: f.clock, logger: silentLogger, settings: DEMO_SETTINGS };
  return { watch: new AlertWatch(deps, new AlertDispatcher(f.store.alertClaims, [sink], f.clock, silentLogger, settings), settings), posted };
}

describe('alerts: the watcher', () => {
  it('a member of an ALERT_VIP_GROUPS group locked out: one alert with Show and Unlock, not repeated by later polls', async () => {
    const f = demoFixture();
    const { watch, posted } = watcher(f);
    assert.deepEqual(await watch.poll(), { polled: true, sent: 1 });
    assert.equal(posted[0]?.rule, 'protected-lockout');
    assert.match(posted[0]?.text ?? '', /^A member of Finance is locked out: Lena Locked \(demo\.locked\), in Active Directory since/);
    assert.deepEqual(posted[0]?.actions.map((a) => `${a.verb} ${a.data.user}`), [`${VERBS.userShow} demo.locked`, `${VERBS.accountUnlock} demo.locked`]);
    // The same poll slot is not polled twice; the next slots (past the dispatcher's window too) remember the lock.
    assert.deepEqual(await watch.poll(), { polled: false, sent: 0 });
    f.clock.advance(30_000);
    assert.equal((await watch.poll()).sent, 0);
    f.clock.advance(2 * 60_000);
    assert.equal((await watch.poll()).sent, 0);
    assert.equal(posted.length, 1);
  });

  it('without a VIP group, an ordinary user\'s lockout is no alert', async () => {
    const f = demoFixture();
    const { watch, posted } = watcher(f, { ...SETTINGS, vipGroups: [] });
    assert.deepEqual(await watch.poll(), { polled: true, sent: 0 });
    assert.equal(posted.length, 0);
  });

  it('an agent refused over the per-agent limit: one agent-limit alert naming the agent and the target', async () => {
    const f = demoFixture({ directory: everyoneLocked(new DemoDirectory(new TestClock())), settings: { changeLimits: { perActor: 1, perTarget: 100, secretsPerTarget: 100, windowMs: 3600_000 } } });
    const { watch, posted } = watcher(f, { ...SETTINGS, vipGroups: [] });
    const unlock = async (user: string) => {
      const confirm = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'unlock', user }), 'confirm');
      const token = confirm.actions.find((a) => a.verb === VERBS.confirmAccept)?.data.token ?? '';
      return f.service.press(ctxFor('demo.agent'), { verb: VERBS.confirmAccept, data: { token } });
    };
    await unlock('john.doe');
    const refused = await f.service.command(ctxFor('demo.agent'), { name: 'unlock', user: 'jane.smith' });
    assert.equal(expectKind(refused, 'error').code, 'POLICY.RATE_LIMITED');
    await watch.poll();
    const alerts = posted.filter((p) => p.rule === 'agent-limit');
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]?.text ?? '', /^An agent's account changes exceed the per-agent limit: demo\.agent was refused a change on jane\.smith \(1 changes by this agent in the window, limit 1\)/);
    assert.deepEqual(alerts[0]?.users, ['jane.smith']);
  });

  it('a supervisor\'s override (audited as limit.override) is an alert once; portal locks of several accounts from one address are one alert', async () => {
    const f = demoFixture();
    const { watch, posted } = watcher(f, { ...SETTINGS, vipGroups: [] });
    const at = f.clock.now();
    await f.store.audit.append({
      at, correlationId: 'c1', surface: 'teams', actor: 'demo.super', role: 'supervisor', action: 'limit.override', target: 'john.doe', outcome: 'success',
      code: 'POLICY.RATE_LIMITED', detail: 'account.unlock 20 changes by this agent in the window, limit 20; reason: incident 42',
    });
    const users = Array.from({ length: PORTAL_ADDRESS_ACCOUNTS }, (_, i) => `portal.user${i}`);
    for (const user of users) {
      await f.store.portalAccounts.ensure(user, at);
      await f.store.portalAccounts.setLock(user, { locked: true, lockedAt: at, failedAttempts: 5 }, at);
      await f.store.portalEvents.append([{ user, type: 'portal-lock', outcome: 'success', at, ip: '203.0.113.7', category: 'self-service', unknownUser: false, detail: 'locked after 5 failed challenges' }]);
    }
    await watch.poll();
    f.clock.advance(30_000);
    await watch.poll();
    const override = posted.filter((p) => p.rule === 'limit-override');
    assert.equal(override.length, 1);
    assert.match(override[0]?.text ?? '', /^A supervisor went over a limit: demo\.super made a change past the hourly limit on john\.doe \(.*reason: incident 42\)/);
    const address = posted.filter((p) => p.rule === 'portal-address');
    assert.equal(address.length, 1);
    assert.match(address[0]?.text ?? '', new RegExp(`^Failed portal challenges from one address: ${PORTAL_ADDRESS_ACCOUNTS} accounts were locked on the self-service portal from 203\\.0\\.113\\.7`));
    assert.deepEqual(address[0]?.actions.filter((a) => a.verb === VERBS.portalUnlock).map((a) => a.data.user), users);
  });
});
