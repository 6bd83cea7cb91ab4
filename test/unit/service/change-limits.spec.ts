// Limits on account changes (LIMIT_AGENT_PER_HOUR = 20, LIMIT_TARGET_PER_HOUR = 3 by default), through the
// service as an agent meets them: the answer, what the directory did, what the audit trail says.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store';
import { errorText } from '../../../src/chat/core/error-text';
import { HelpdeskError } from '../../../src/domain/errors';
import { VERBS } from '../../../src/domain/verbs';
import type { Directory } from '../../../src/ports/directory.port';
import { hashToken, PURGE_AFTER_EXPIRY_MS } from '../../../src/service/confirmations';
import type { View } from '../../../src/service/views';
import { DemoDirectory } from '../../../src/adapters/demo/demo-directory';
import type { DirectoryEntry } from '../../../src/domain/directory-user';
import type { Store } from '../../../src/ports/store.port';
import { ctxFor, demoFixture, expectKind, TestClock, type Fixture } from '../../helpers/service-fixture';

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
      "john.doe's account was changed 3 times in the last hour, the limit for one account; try again after 10:00 UTC. If it keeps happening, escalate it.");
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

  it('re-checks at the accept, atomically: two open confirm cards cannot both take the last place', async () => {
    expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    expectKind(await unlock(f, AGENT, 'demo.locked'), 'result');
    const tab1 = tokenOf(await prompt(f, AGENT, 'demo.locked'));
    const tab2 = tokenOf(await prompt(f, SUPER, 'demo.locked'));
    const views = await Promise.all([accept(f, AGENT, tab1), accept(f, SUPER, tab2)]);
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
