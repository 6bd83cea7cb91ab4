// Limits on account changes (LIMIT_AGENT_PER_HOUR = 20, LIMIT_TARGET_PER_HOUR = 3 by default), through the
// service as an agent meets them: the answer, what the directory did, what the audit trail says.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import { errorText } from '../../../../src/chat/core/error-text';
import { HelpdeskError } from '../../../../src/domain/errors';
import { VERBS } from '../../../../src/domain/verbs';
import type { Directory } from '../../../../src/ports/directory.port';
import { hashToken, PURGE_AFTER_EXPIRY_MS } from '../../../../src/service/kernel/confirmation-tokens';
import type { View } from '../../../../src/service/kernel/views';
import { DemoDirectory } from '../../../../src/adapters/demo/demo-directory';
import { SmsOutbox } from '../../../../src/adapters/outbox/sms-outbox';
import type { DirectoryEntry } from '../../../../src/domain/directory-user';
import type { Store } from '../../../../src/ports/store.port';
import { ctxFor, demoFixture, expectKind, TestClock, type Fixture } from '../../../helpers/service-fixture';

/**
 * The demo directory with every account reading as locked, so that each unlock is a real change to count
 * (an unlock of an account that is not locked is refused before any limit is consulted).
 */
function everyoneLocked(directory: Directory): Directory {
  const locked = (e: DirectoryEntry): DirectoryEntry => ({ ...e, account: { ...e.account, locked: true } });
  return Object.assign(Object.create(directory) as Directory, {
    findByLogin: async (login: string) => {
      const e = await directory.findByLogin(login);
      return e ? locked(e) : null;
    },
    search: async (query: string, limit: number) => (await directory.search(query, limit)).map(locked),
  });
}

function lockedFixture(overrides: { store?: Store; directory?: Directory } = {}): Fixture {
  return demoFixture({ directory: everyoneLocked(new DemoDirectory(new TestClock())), ...overrides });
}

const AGENT = 'demo.agent';
const SUPER = 'demo.super';
const MINUTE = 60_000;
const TARGETS = ['demo.locked', 'maria.finance', 'john.doe', 'jane.smith', 'james.smithers', 'conor.obrien', 'zoe.muller'];

async function prompt(f: Fixture, who: string, user: string): Promise<View> {
  return f.service.command(ctxFor(who), { name: 'unlock', user });
}

function tokenOf(view: View): string {
  const token = expectKind(view, 'confirm').actions.find((a) => a.verb === VERBS.confirmAccept)?.data.token;
  assert.ok(token);
  return token;
}

async function accept(f: Fixture, who: string, token: string): Promise<View> {
  return f.service.press(ctxFor(who), { verb: VERBS.confirmAccept, data: { token } });
}

/** Prompt and confirm an unlock; the final view. */
async function unlock(f: Fixture, who: string, user: string): Promise<View> {
  const first = await prompt(f, who, user);
  return first.kind === 'confirm' ? accept(f, who, tokenOf(first)) : first;
}

async function lastAudit(f: Fixture): Promise<string> {
  const [e] = await f.store.audit.list({ limit: 1 });
  return `${e?.actor} ${e?.action} ${e?.target ?? '-'} ${e?.outcome} ${e?.code ?? ''}`.trim();
}

async function successes(f: Fixture, action = 'account.unlock'): Promise<number> {
  return (await f.store.audit.list({ limit: 1000 })).filter((e) => e.action === action && e.outcome === 'success').length;
}

describe('Change limits', () => {
  let f: Fixture;
  beforeEach(() => {
    f = lockedFixture();
  });

  it('refuses the 21st account change of an agent within the hour, says until when, and audits it', async () => {
    for (let i = 0; i < 20; i++) {
      expectKind(await unlock(f, AGENT, TARGETS[i % TARGETS.length] ?? ''), 'result');
      f.clock.advance(MINUTE);
    }
    const view = expectKind(await prompt(f, AGENT, 'zoe.muller'), 'error');
    assert.equal(view.code, 'POLICY.RATE_LIMITED');
    assert.equal(errorText(view.code, view.params),
      'You have made 20 account changes in the last hour, the limit; try again after 10:00 UTC or ask a supervisor.');
    assert.equal(await lastAudit(f), 'demo.agent account.unlock.prompt zoe.muller refused POLICY.RATE_LIMITED');
    assert.equal(await successes(f), 20);
    // Another staff member is not affected: the limit is per agent.
    expectKind(await unlock(f, SUPER, 'zoe.muller'), 'result');
  });

  it("refuses a target's 4th change within the hour, whoever asks, counting resets too", async () => {
    expectKind(await unlock(f, AGENT, 'john.doe'), 'result');
    expectKind(await unlock(f, SUPER, 'john.doe'), 'result');
    const reset = await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'john.doe', delivery: 'view' });
    expectKind(await accept(f, SUPER, tokenOf(reset)), 'result');
    f.clock.advance(5 * MINUTE);
    const view = expectKind(await prompt(f, AGENT, 'john.doe'), 'error');
    assert.equal(view.code, 'POLICY.RATE_LIMITED');
    assert.equal(errorText(view.code, view.params),
      "john.doe's account was changed 3 times in the last hour, the limit for one account; try again after 10:00 UTC, or ask a supervisor: they may go over it with a reason.");
    assert.equal(await lastAudit(f), 'demo.agent account.unlock.prompt john.doe refused POLICY.RATE_LIMITED');
    // Typed in a channel, the card everyone sees is only a placeholder: it names no login.
    const shared = expectKind(await f.service.command(ctxFor(AGENT, 'shared'), { name: 'unlock', user: 'John' }), 'shared-request');
    assert.doesNotMatch(JSON.stringify(shared), /john\.doe|RATE_LIMITED/);
    expectKind(await unlock(f, AGENT, 'jane.smith'), 'result');
  });

  it('slides the window with the clock: each change stops counting an hour after it was made', async () => {
    for (let i = 0; i < 3; i++) {
      expectKind(await unlock(f, AGENT, 'demo.locked'), 'result'); // at 09:00, 09:10, 09:20
      f.clock.advance(10 * MINUTE);
    }
    f.clock.advance(30 * MINUTE - 1); // 09:59:59.999
    assert.equal(expectKind(await prompt(f, AGENT, 'demo.locked'), 'error').code, 'POLICY.RATE_LIMITED');
    f.clock.advance(1); // 10:00: the 09:00 change has left the window
    expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    const again = expectKind(await prompt(f, AGENT, 'demo.locked'), 'error');
    assert.equal(again.params.until, '2026-11-25T10:10:00.000Z', 'free again when the 09:10 change leaves the window');
  });

  it('a finished change keeps its place when the lease sweep runs; one still running past its lease (a slow DC while another replica swept) counts once, anew', async () => {
    expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    f.clock.advance(10 * MINUTE);
    assert.equal(await f.store.accountChanges.sweepExpired(f.clock.now(), 10), 0, 'a finished change is not given back');

    const box: { f?: Fixture } = {};
    const base = everyoneLocked(new DemoDirectory(new TestClock()));
    const slow = Object.assign(Object.create(base) as Directory, {
      unlock: async (dn: string) => {
        const fx = box.f;
        assert.ok(fx);
        fx.clock.advance(6 * MINUTE); // past the 5-minute lease, mid-write
        assert.equal(await fx.store.accountChanges.sweepExpired(fx.clock.now(), 10), 1, 'the sweep took the running change');
        await base.unlock(dn);
      },
    });
    box.f = lockedFixture({ directory: slow });
    expectKind(await unlock(box.f, AGENT, 'demo.locked'), 'result');
    assert.equal((await box.f.store.accountChanges.recent('demo.locked', new Date(0), 10)).length, 1, 'the change counts once');
  });

  it('re-checks at the accept, atomically: two open confirm cards cannot both take the last place', async () => {
    expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    const tab1 = tokenOf(await prompt(f, AGENT, 'demo.locked'));
    const tab2 = tokenOf(await prompt(f, AGENT, 'demo.locked'));
    const views = await Promise.all([accept(f, AGENT, tab1), accept(f, AGENT, tab2)]);
    assert.deepEqual(views.map((v) => v.kind).sort(), ['error', 'result']);
    const refused = views.find((v) => v.kind === 'error');
    assert.equal(refused?.kind === 'error' && refused.code, 'POLICY.RATE_LIMITED');
    assert.equal(await successes(f), 3);
    const audit = (await f.store.audit.list({ limit: 100 })).map((e) => `${e.action} ${e.outcome} ${e.code ?? ''}`.trim());
    assert.ok(audit.includes('account.unlock refused POLICY.RATE_LIMITED'), 'the refused accept is audited against the action');
  });

  it('does not count a change the directory refused', async () => {
    const failing: Directory = Object.assign(Object.create(f.directory) as Directory, {
      unlock: async () => {
        throw new HelpdeskError('DIR.UNAVAILABLE');
      },
    });
    const g = lockedFixture({ directory: failing, store: f.store });
    for (let i = 0; i < 4; i++) assert.equal(expectKind(await unlock(g, AGENT, 'demo.locked'), 'error').code, 'DIR.UNAVAILABLE');
    for (let i = 0; i < 3; i++) expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    assert.equal(expectKind(await prompt(f, AGENT, 'demo.locked'), 'error').code, 'POLICY.RATE_LIMITED');
  });

  it('keeps counting across a restart (the count is in the store)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'helpdesk-limits-'));
    const path = join(dir, 'helpdesk.db');
    const auditKey = randomBytes(32);
    try {
      const before = lockedFixture({ store: openSqliteStore({ path, auditKey }) });
      for (let i = 0; i < 3; i++) expectKind(await unlock(before, AGENT, 'demo.locked'), 'result');
      await before.store.close();
      const after = lockedFixture({ store: openSqliteStore({ path, auditKey }) });
      try {
        assert.equal(expectKind(await prompt(after, AGENT, 'demo.locked'), 'error').code, 'POLICY.RATE_LIMITED');
      } finally {
        await after.store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Change limits: only real changes count; secrets have their own; a supervisor may go over with a reason', () => {
  let f: Fixture;
  let outbox: SmsOutbox;
  beforeEach(() => {
    outbox = new SmsOutbox(new TestClock());
    f = demoFixture({ directory: everyoneLocked(new DemoDirectory(new TestClock())), sms: outbox });
  });

  const pinView = async (who: string, user = 'john.doe') => f.service.command(ctxFor(who), { name: 'pin', user, delivery: 'view' });
  const override = (who: string, token: string, reason: string) => f.service.press(ctxFor(who), { verb: VERBS.confirmOverride, data: { token, reason } });
  const auditOf = async (action: string) => (await f.store.audit.list({ limit: 1000 })).filter((e) => e.action === action);

  it('three PINs for john.doe, then a supervisor reset goes through: a PIN is not an account change', async () => {
    for (let i = 0; i < 3; i++) expectKind(await accept(f, SUPER, tokenOf(await pinView(SUPER))), 'result');
    const reset = await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'john.doe', delivery: 'view' });
    assert.equal(expectKind(await accept(f, SUPER, tokenOf(reset)), 'result').title, 'Password reset');
  });

  it('a no-op unlock-portal is answered at once and does not count; a lock cleared meanwhile does not count either', async () => {
    const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock-portal', user: 'john.doe' }), 'error');
    assert.equal(errorText(view.code, view.params), 'John Doe (john.doe) is not locked on the portal — nothing to unlock.');
    await f.store.portalAccounts.put({ user: 'john.doe', enrolled: true, methods: ['questions'], updatedAt: f.clock.now() });
    await f.store.portalAccounts.setLock('john.doe', { locked: true, lockedAt: f.clock.now(), failedAttempts: 5 }, f.clock.now());
    const token = tokenOf(await f.service.command(ctxFor(AGENT), { name: 'unlock-portal', user: 'john.doe' }));
    await f.store.portalAccounts.unlock('john.doe', f.clock.now()); // a colleague, or the portal API
    const late = expectKind(await accept(f, AGENT, token), 'error');
    assert.match(errorText(late.code, late.params), /is no longer locked on the portal .* nothing was changed/);
    for (let i = 0; i < 3; i++) expectKind(await unlock(f, AGENT, 'john.doe'), 'result');
  });

  it('refuses the 6th secret for one account within the hour (LIMIT_SECRETS_PER_TARGET_PER_HOUR = 5), audited; an agent gets no override', async () => {
    for (let i = 0; i < 5; i++) expectKind(await accept(f, SUPER, tokenOf(await pinView(SUPER))), 'result');
    const refused = expectKind(await pinView(AGENT), 'error');
    assert.equal(errorText(refused.code, refused.params),
      '5 PINs, passes or codes were issued for john.doe in the last hour, the limit for one account; try again after 10:00 UTC, or ask a supervisor: they may go over it with a reason.');
    assert.equal(await lastAudit(f), 'demo.agent pin.view.prompt john.doe refused POLICY.RATE_LIMITED');
    const sent = expectKind(await f.service.command(ctxFor(AGENT), { name: 'verify', user: 'john.doe' }), 'error');
    assert.equal(sent.code, 'POLICY.RATE_LIMITED', 'a verification code is an issued secret too');
    assert.equal(outbox.list().length, 0, 'nothing was texted');
    // Account changes are still free.
    expectKind(await unlock(f, AGENT, 'john.doe'), 'result');
  });

  it('a supervisor over a limit gets a card with a reason input; the override is done, audited with its reason, once', async () => {
    for (let i = 0; i < 3; i++) expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    const agentView = expectKind(await prompt(f, AGENT, 'demo.locked'), 'error');
    assert.equal(agentView.code, 'POLICY.RATE_LIMITED', 'an agent is refused: no override');
    const card = expectKind(await prompt(f, SUPER, 'demo.locked'), 'confirm');
    assert.match(card.override?.text ?? '', /changed 3 times in the last hour, the limit for one account is 3; .* type why/);
    assert.deepEqual(card.actions.map((a) => a.verb), [VERBS.confirmOverride, VERBS.confirmCancel], 'no plain Confirm');
    const token = card.actions[0]?.data.token ?? '';
    const agentPress = expectKind(await override(AGENT, token, 'because'), 'error');
    assert.equal(agentPress.code, 'AUTH.FORBIDDEN', 'an agent cannot press it');
    assert.equal(expectKind(await override(SUPER, token, '  '), 'error').code, 'CMD.USAGE', 'a reason is required');
    const done = expectKind(await override(SUPER, token, 'CEO on the phone,\nflight in 1 hour'), 'result');
    assert.equal(done.title, 'Account unlocked');
    assert.equal(expectKind(await override(SUPER, token, 'again'), 'error').code, 'CONFIRM.USED', 'once');
    const overrides = await auditOf('limit.override');
    assert.equal(overrides.length, 1);
    assert.deepEqual([overrides[0]?.actor, overrides[0]?.target, overrides[0]?.outcome, overrides[0]?.code], ['demo.super', 'demo.locked', 'success', 'POLICY.RATE_LIMITED']);
    assert.match(overrides[0]?.detail ?? '', /account\.unlock 3 changes on this account in the window, limit 3; reason: CEO on the phone, flight in 1 hour$/);
    assert.equal(await successes(f), 4);
    // It counts: the agent is still refused, now with 4.
    assert.equal(expectKind(await prompt(f, AGENT, 'demo.locked'), 'error').params.count, 4);
  });

  it('a supervisor whose accept lost the last place to a colleague gets the override card again', async () => {
    for (let i = 0; i < 2; i++) expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    const mine = tokenOf(await prompt(f, SUPER, 'demo.locked'));
    expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    const again = expectKind(await accept(f, SUPER, mine), 'confirm');
    assert.ok(again.override);
    assert.equal(await successes(f), 3);
  });

  it('three wrong verification codes: the answer names the 15-minute cool-down and its end; then a new code can be sent', async () => {
    const sent = expectKind(await f.service.command(ctxFor(AGENT), { name: 'verify', user: 'john.doe' }), 'verify-form');
    assert.equal(sent.state, 'sent');
    const wrong = (code: string) => f.service.press(ctxFor(AGENT), { verb: VERBS.verifyCheck, data: { user: 'john.doe', code } });
    const real = /code is (\d{6})/.exec(outbox.list()[0]?.body ?? '')?.[1] ?? '';
    const bad = real === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) await wrong(bad);
    const over = expectKind(await wrong(bad), 'verify-form');
    assert.equal(over.state, 'over');
    assert.match(over.note, /A new code can be sent after 09:15 UTC \(a 15-minute cool-down\)\.$/);
    const early = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.verifySend, data: { user: 'john.doe' } }), 'error');
    assert.equal(errorText(early.code, early.params),
      'Too many wrong verification codes were tried for that user recently, so no new one is issued until 09:15 UTC (a 15-minute cool-down). Escalate it.');
    f.clock.advance(15 * MINUTE + 1);
    assert.equal(expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.verifySend, data: { user: 'john.doe' } }), 'verify-form').state, 'sent');
  });
});

describe('Expired confirmations', () => {
  it('are purged when new ones are issued, a day after their expiry', async () => {
    const f = lockedFixture();
    const old = tokenOf(await prompt(f, AGENT, 'demo.locked'));
    const consume = () => f.store.confirmations.consume(hashToken(old), AGENT, f.clock.now());
    f.clock.advance(5 * MINUTE + PURGE_AFTER_EXPIRY_MS - MINUTE);
    tokenOf(await prompt(f, AGENT, 'john.doe'));
    assert.deepEqual(await consume(), { ok: false, reason: 'expired' }, 'kept for a day, so a late click hears "expired"');
    f.clock.advance(2 * MINUTE);
    tokenOf(await prompt(f, AGENT, 'john.doe'));
    assert.deepEqual(await consume(), { ok: false, reason: 'unknown' }, 'then deleted');
  });
});
