// What a new agent noticed in the local console (hardening 11, 12, 14): answers that claim nothing that did
// not happen, refusals in words, and pick lists that lead on to the action the agent typed.
import assert from 'node:assert/strict';
import { renderCard } from '../../../src/chat/cards/render-card';
import { errorText } from '../../../src/chat/core/error-text';
import { renderView } from '../../../src/chat/slack/slack-renderer';
import { ACTIONS } from '../../../src/domain/policy';
import { ALL_VERBS, VERBS } from '../../../src/domain/verbs';
import type { DirectoryEntry } from '../../../src/domain/directory-user';
import type { Directory } from '../../../src/ports/directory.port';
import { COMMAND_ROUTES, PRESS_ROUTES } from '../../../src/service/routes';
import type { View } from '../../../src/service/kernel/views';
import { cardActions, cardText } from '../../helpers/adaptive-card-sdk';
import { ctxFor, demoFixture, expectKind, type Fixture } from '../../helpers/service-fixture';
import { DemoDirectory } from '../../../src/adapters/demo/demo-directory';
import { TestClock } from '../../helpers/service-fixture';

const AGENT = 'demo.agent';
const SUPER = 'demo.super';

/** The demo directory, counting the writes the service asks of it. */
function countingDirectory(): { directory: Directory; writes: string[] } {
  const inner = new DemoDirectory(new TestClock());
  const writes: string[] = [];
  const directory: Directory = Object.assign(Object.create(inner) as Directory, {
    unlock: async (dn: string) => { writes.push(`unlock ${dn}`); return inner.unlock(dn); },
    setPassword: async (dn: string, p: string, o: { mustChange: boolean }) => { writes.push(`setPassword ${dn}`); return inner.setPassword(dn, p, o); },
  });
  return { directory, writes };
}

/** The demo directory with one more user shown locked (the demo file locks only Lena). */
function withLocked(login: string): Directory {
  const inner = new DemoDirectory(new TestClock());
  const lock = <T extends DirectoryEntry | null>(e: T): T =>
    e && e.sAMAccountName === login ? { ...e, account: { ...e.account, locked: true, lockedAt: new Date('2026-11-25T08:30:00Z') } } : e;
  return Object.assign(Object.create(inner) as Directory, {
    search: async (q: string, n: number) => (await inner.search(q, n)).map(lock),
    findByLogin: async (q: string) => lock(await inner.findByLogin(q)),
  });
}

async function auditLines(f: Fixture): Promise<string[]> {
  const entries = await f.store.audit.list({ limit: 100 });
  return entries.reverse().map((e) => `${e.action} ${e.target ?? '-'} ${e.outcome}${e.code ? ` ${e.code}` : ''}`);
}

const text = (view: View) => cardText(renderCard(view, { actions: 'submit' }));

describe('agent UX: unlock answers only what happened (item 11)', () => {
  it('unlock of an account that is not locked answers at once: no confirm step, no token, no directory write', async () => {
    const { directory, writes } = countingDirectory();
    const f = demoFixture({ directory });
    const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'john.doe' }), 'error');
    assert.equal(view.code, 'ACCOUNT.NOT_LOCKED');
    const shown = text(view);
    assert.match(shown, /John Doe \(john\.doe\) is not locked — nothing to unlock\./);
    assert.doesNotMatch(shown, /unlocked|sign in again|Reference/);
    assert.deepEqual(cardActions(renderCard(view, { actions: 'submit' })), [], 'no Confirm button');
    assert.deepEqual(writes, []);
    assert.deepEqual(await auditLines(f), ['account.unlock.prompt john.doe refused ACCOUNT.NOT_LOCKED']);
    // The details card's Unlock button (none for an unlocked user) pressed anyway: the same answer.
    const pressed = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.accountUnlock, data: { user: 'john.doe' } }), 'error');
    assert.equal(pressed.code, 'ACCOUNT.NOT_LOCKED');
  });

  it('re-checks at accept time: unlocked meanwhile → says so, writes nothing, audits no "requested"', async () => {
    const { directory, writes } = countingDirectory();
    const f = demoFixture({ directory });
    const confirm = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'demo.locked' }), 'confirm');
    const token = confirm.actions.find((a) => a.verb === VERBS.confirmAccept)?.data.token ?? '';
    const lena = await directory.findByLogin('demo.locked');
    await (Object.getPrototypeOf(directory) as Directory).unlock(lena?.dn ?? ''); // a colleague, outside the bot
    const late = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token } }), 'error');
    assert.equal(late.code, 'ACCOUNT.NOT_LOCKED');
    assert.match(text(late), /Lena Locked \(demo\.locked\) is no longer locked .*nothing was changed/);
    assert.doesNotMatch(text(late), /can sign in again|✔ Done/);
    assert.deepEqual(writes, []);
    assert.deepEqual(await auditLines(f), [
      'account.unlock.prompt demo.locked success',
      'account.unlock demo.locked refused ACCOUNT.NOT_LOCKED',
    ]);
  });

  it('a reset of a disabled account says so on the confirm card (Teams/console and Slack) and in the result', async () => {
    const f = demoFixture();
    const confirm = expectKind(await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'old.contractor', delivery: 'view' }), 'confirm');
    assert.match(text(confirm), /The account is disabled: they can't sign in with the new password until it is enabled\./);
    assert.match(JSON.stringify(renderView(confirm, { ephemeral: true })), /The account is disabled/);
    const token = confirm.actions.find((a) => a.verb === VERBS.confirmAccept)?.data.token ?? '';
    const result = expectKind(await f.service.press(ctxFor(SUPER), { verb: VERBS.confirmAccept, data: { token } }), 'result');
    assert.match(result.message, /still disabled/);
    // An enabled account's confirm card carries no warning.
    const plain = expectKind(await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'confirm');
    assert.equal(plain.warnings, undefined);
    assert.doesNotMatch(text(plain), /disabled/);
  });

  it('a reset of a locked account warns that it stays locked', async () => {
    const f = demoFixture();
    const confirm = expectKind(await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'demo.locked', delivery: 'view' }), 'confirm');
    assert.match(text(confirm), /a reset does not unlock it/);
  });
});

describe('agent UX: refusals name the action in words (item 12)', () => {
  it('an agent asking for a shown reset reads "Resetting a password and showing it needs the supervisor role"', async () => {
    const f = demoFixture();
    for (const view of [
      await f.service.command(ctxFor(AGENT), { name: 'reset', user: 'john.doe', delivery: 'view' }),
      await f.service.press(ctxFor(AGENT), { verb: VERBS.passwordResetView, data: { user: 'john.doe' } }),
    ]) {
      const shown = text(expectKind(view, 'error'));
      assert.match(shown, /^Resetting a password and showing it needs the supervisor role\./);
      assert.doesNotMatch(shown, /[a-z]+\.[a-z]+/, `an internal id leaks: ${shown}`);
      assert.doesNotMatch(JSON.stringify(renderView(view, { ephemeral: true })), /password\.reset|\.prompt/);
    }
  });

  it('every action, verb and route audit name reads as words in AUTH.FORBIDDEN and CMD.NOT_AVAILABLE', () => {
    const ids = new Set<string>([
      ...Object.keys(ACTIONS), ...ALL_VERBS, ...COMMAND_ROUTES.map((r) => r.audit), ...[...PRESS_ROUTES.values()].map((r) => r.audit),
      'command.audit', 'some.future.verb',
    ]);
    for (const action of ids) {
      for (const message of [errorText('AUTH.FORBIDDEN', { action, role: 'supervisor' }), errorText('CMD.NOT_AVAILABLE', { command: action })]) {
        assert.ok(!message.includes(action), `"${action}" leaks into: ${message}`);
        assert.doesNotMatch(message, /\b[a-z]+\.[a-z]+\b/, message);
        assert.match(message, /^[A-Z]/);
      }
    }
    assert.equal(errorText('CMD.NOT_AVAILABLE', { command: 'reset … sms' }), '"reset … sms" is not available in this installation yet.');
  });
});

describe('agent UX: pick lists tell namesakes apart and lead on to the action (item 14)', () => {
  it('`user smith` rows show login, department and state; Slack too', async () => {
    const f = demoFixture();
    const jane = await f.directory.findByLogin('jane.smith');
    await f.directory.unlock(jane?.dn ?? ''); // no-op: jane is active
    const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'user', query: 'smith' }), 'pick-list');
    const shown = text(view);
    assert.match(shown, /jane\.smith · Sales · Account Executive/);
    assert.match(shown, /james\.smithers · Sales · Sales Engineer/);
    assert.equal((shown.match(/✅ Active/g) ?? []).length, 2);
    const slack = JSON.stringify(renderView(view, { ephemeral: true }));
    assert.match(slack, /jane\.smith.*:white_check_mark: Active.*Sales/);
  });

  it('shows locked and disabled rows as such', async () => {
    const f = demoFixture({ directory: withLocked('jane.smith') });
    const locked = expectKind(await f.service.command(ctxFor(AGENT), { name: 'user', query: 'smith' }), 'pick-list');
    assert.match(text(locked), /Jane Smith\n🔒 Locked\njane\.smith/);
    assert.match(text(locked), /James Smithers\n✅ Active/);
    assert.match(JSON.stringify(renderView(locked, { ephemeral: true })), /jane\.smith` {2}:lock: \*Locked\*/);
    const disabled = expectKind(await f.service.command(ctxFor(AGENT), { name: 'user', query: 'o' }), 'pick-list');
    assert.ok(disabled.users.some((u) => u.login === 'old.contractor'));
    assert.match(text(disabled), /⛔ Disabled/);
    assert.match(JSON.stringify(renderView(disabled, { ephemeral: true })), /:no_entry: \*Disabled\*/);
  });

  for (const [command, verb, who] of [
    [{ name: 'unlock', user: 'smith' }, VERBS.accountUnlock, AGENT],
    [{ name: 'reset', user: 'smith', delivery: 'view' }, VERBS.passwordResetView, SUPER],
  ] as const) {
    it(`\`${command.name} smith${'delivery' in command ? ' view' : ''}\` offers the pick list; a row leads to that user's confirm step`, async () => {
      const f = demoFixture();
      const list = expectKind(await f.service.command(ctxFor(who), command), 'pick-list');
      assert.deepEqual(list.users.map((u) => u.login).sort(), ['james.smithers', 'jane.smith']);
      for (const a of list.actions) {
        assert.equal(a.verb, verb);
        assert.deepEqual(Object.keys(a.data), ['user'], 'the row carries the login, nothing else');
      }
      const card = renderCard(list, { actions: 'submit' });
      assert.doesNotMatch(cardText(card), /Several users match/);
      for (const action of cardActions(card)) {
        assert.deepEqual(Object.keys(action.data as object).sort(), ['user', 'verb']);
        assert.equal((action.data as Record<string, string>).verb, verb);
      }
      const james = list.actions.find((a) => a.data.user === 'james.smithers');
      assert.ok(james);
      if (verb === VERBS.accountUnlock) {
        // Neither Smith is locked: the row answers at once, as the command would.
        const answer = expectKind(await f.service.press(ctxFor(who), { verb: james.verb, data: james.data }), 'error');
        assert.equal(answer.code, 'ACCOUNT.NOT_LOCKED');
      } else {
        const confirm = expectKind(await f.service.press(ctxFor(who), { verb: james.verb, data: james.data }), 'confirm');
        assert.equal(confirm.target.login, 'james.smithers');
      }
      assert.ok((await auditLines(f))[0]?.endsWith('smith success'));
    });
  }

  it('`unlock <name>` with several locked namesakes: pressing a row opens the confirm card of that user', async () => {
    const f = demoFixture({ directory: withLocked('jane.smith') });
    const list = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'smith' }), 'pick-list');
    const row = list.actions.find((a) => a.data.user === 'jane.smith');
    assert.ok(row && row.verb === VERBS.accountUnlock);
    const confirm = expectKind(await f.service.press(ctxFor(AGENT), { verb: row.verb, data: row.data }), 'confirm');
    assert.equal(confirm.target.login, 'jane.smith');
    assert.match(text(list), /Pick the one to unlock/);
  });

  it('the supervisor-only row stays refused to an agent', async () => {
    const f = demoFixture();
    const view = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.passwordResetView, data: { user: 'jane.smith' } }), 'error');
    assert.equal(view.code, 'AUTH.FORBIDDEN');
  });
});

describe('agent UX: keeping a reset password is a separate choice, off by default (item 12)', () => {
  const keepButton = (message: unknown) => (JSON.stringify(message) ?? '').includes(VERBS.confirmAcceptKeep);

  it('by default the reset confirm card offers Confirm and Cancel only, on Teams and on Slack', async () => {
    const f = demoFixture();
    const view = expectKind(await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'confirm');
    assert.equal(view.alternative, undefined);
    assert.deepEqual(view.actions.map((a) => a.verb), [VERBS.confirmAccept, VERBS.confirmCancel]);
    assert.ok(!keepButton(renderCard(view, { actions: 'execute' })), 'no keep choice on the Teams card');
    assert.ok(!keepButton(renderView(view, { ephemeral: true })), 'no keep choice in the Slack message');
    assert.doesNotMatch(text(view), /Another choice|no change at next logon/);
  });

  it('when allowed, it is drawn apart from Confirm with its own words: its own row on Teams, a section under a divider on Slack', async () => {
    const f = demoFixture({ settings: { resetMayKeepPassword: true } });
    const view = expectKind(await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'confirm');
    assert.ok(!view.actions.some((a) => a.verb === VERBS.confirmAcceptKeep), 'not among Confirm and Cancel');
    assert.equal(view.alternative?.action.verb, VERBS.confirmAcceptKeep);
    const card = renderCard(view, { actions: 'execute' }) as unknown as { body: { type: string; actions?: { verb: string }[]; items?: unknown[] }[]; actions?: unknown[] };
    const rows = card.body.filter((b) => b.type === 'ActionSet').map((b) => (b.actions ?? []).map((a) => a.verb));
    assert.deepEqual(rows, [[VERBS.confirmAccept, VERBS.confirmCancel]], 'Confirm and Cancel are one row, without the keep choice');
    assert.equal(card.actions, undefined);
    const apart = card.body.at(-1);
    assert.equal(apart?.type, 'Container');
    assert.ok(keepButton(apart), 'the keep choice is in its own container below');
    assert.match(cardText(card), /Another choice.*cannot choose a password of their own/s);
    const slack = renderView(view, { ephemeral: true }).blocks as unknown as { type: string; elements?: unknown[]; accessory?: unknown }[];
    const actionRows = slack.filter((b) => b.type === 'actions');
    assert.ok(actionRows.length === 1 && !keepButton(actionRows[0]), 'the Slack row of Confirm has no keep button');
    const at = slack.findIndex((b) => b.type === 'section' && keepButton(b.accessory));
    assert.ok(at > slack.indexOf(actionRows[0]!) && slack[at - 1]?.type === 'divider', 'a section of its own under a divider, below Confirm');
  });
});

