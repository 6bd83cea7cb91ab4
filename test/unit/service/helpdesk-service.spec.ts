import assert from 'node:assert/strict';
import { ticketOutbox } from '../../../src/adapters/tickets/ticket-outbox';
import { HelpdeskError } from '../../../src/domain/errors';
import type { Entra } from '../../../src/ports/entra.port';
import { VERBS } from '../../../src/domain/verbs';
import type { Store } from '../../../src/ports/store.port';
import { ctxFor, demoFixture, expectKind, type Fixture } from '../../helpers/service-fixture';

const AGENT = 'demo.agent';
const SUPER = 'demo.super';

async function lockState(f: Fixture, login: string): Promise<boolean> {
  const entry = await f.directory.findByLogin(login);
  assert.ok(entry);
  return entry.account.locked;
}

async function auditActions(f: Fixture): Promise<string[]> {
  const entries = await f.store.audit.list({ limit: 100 });
  return entries.reverse().map((e) => `${e.actor} ${e.action} ${e.target ?? '-'} ${e.outcome}${e.code ? ` ${e.code}` : ''}`);
}

function tokenOf(view: ReturnType<typeof expectKind<'confirm'>>): string {
  const token = view.actions.find((a) => a.verb === VERBS.confirmAccept)?.data.token;
  assert.ok(token, 'confirm card carries a token');
  return token;
}

describe('HelpdeskService (demo directory, in-memory store)', () => {
  let f: Fixture;
  beforeEach(() => {
    f = demoFixture();
  });

  describe('help', () => {
    it('lists agent commands for an agent and adds supervisor commands for a supervisor', async () => {
      f = demoFixture({ sms: { kind: 'outbox', send: () => Promise.reject(new Error('not sent in this test')) } });
      const agent = expectKind(await f.service.command(ctxFor(AGENT), { name: 'help' }), 'help');
      const sup = expectKind(await f.service.command(ctxFor(SUPER), { name: 'help' }), 'help');
      assert.equal(agent.role, 'agent');
      assert.ok(agent.commands.some((c) => c.usage.startsWith('user ')));
      assert.ok(agent.commands.some((c) => c.usage === 'reset <user> sms'), 'an agent may reset by SMS');
      assert.ok(!agent.commands.some((c) => c.usage === 'reset <user> view'), 'a shown reset is the supervisor\'s');
      assert.ok(sup.commands.some((c) => c.usage === 'reset <user> view'));
    });

    it('lists only what this installation can do: no tap without Graph, no SMS commands without a sender, no escalate without tickets', async () => {
      const usages = async (fixture: Fixture) => expectKind(await fixture.service.command(ctxFor(SUPER), { name: 'help' }), 'help').commands.map((c) => c.usage);
      const bare = await usages(f);
      for (const missing of ['tap <user> sms|view', 'pin <user> sms', 'reset <user> sms', 'verify <user>', 'escalate <user> <reason>']) {
        assert.ok(!bare.includes(missing), `${missing} is not offered`);
      }
      assert.ok(bare.includes('reset <user> view') && bare.includes('pin <user> view'), 'what needs none of them stays');
      const sms = { kind: 'outbox' as const, send: () => Promise.reject(new Error('not sent in this test')) };
      const full = await usages(demoFixture({ sms, entra: {} as Entra, ticketSink: ticketOutbox() }));
      for (const offered of ['tap <user> sms|view', 'pin <user> sms', 'reset <user> sms', 'verify <user>', 'escalate <user> <reason>']) {
        assert.ok(full.includes(offered), `${offered} is offered`);
      }
    });

    it('tells a non-agent they are not staff, and audits the refusal', async () => {
      const view = expectKind(await f.service.command(ctxFor('john.doe'), { name: 'help' }), 'help');
      assert.equal(view.role, 'none');
      assert.deepEqual(view.commands, []);
      assert.deepEqual(await auditActions(f), ['john.doe help - refused AUTH.NOT_STAFF']);
    });
  });

  describe('user', () => {
    it('shows one match as a details card with the buttons an agent may use', async () => {
      const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'user', query: 'Lena' }), 'user-details');
      assert.equal(view.login, 'demo.locked');
      assert.equal(view.organisation.department, 'Finance');
      assert.ok(view.badges.includes('locked') && view.badges.includes('demo'));
      // Lena has a mobile in the directory: the SMS actions and caller verification are offered too.
      assert.deepEqual(view.actions.map((a) => a.verb), [VERBS.accountUnlock, VERBS.pinSms, VERBS.passwordResetSms, VERBS.verifySend]);
      assert.deepEqual(view.actions[0]?.data, { user: 'demo.locked' });
    });

    it('gives a supervisor the supervisor-only reset button as well', async () => {
      const view = expectKind(await f.service.command(ctxFor(SUPER), { name: 'user', query: 'demo.locked' }), 'user-details');
      assert.deepEqual(view.actions.map((a) => a.verb), [VERBS.accountUnlock, VERBS.pinSms, VERBS.passwordResetSms, VERBS.verifySend, VERBS.passwordResetView]);
    });

    it('answers several matches with a pick list of user.show buttons carrying only logins', async () => {
      const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'user', query: 'smith' }), 'pick-list');
      assert.deepEqual(view.users.map((u) => u.login).sort(), ['james.smithers', 'jane.smith']);
      assert.ok(view.actions.every((a) => a.verb === VERBS.userShow && Object.keys(a.data).join() === 'user'));
      assert.equal(view.truncated, false);
    });

    it('prefers the exact login among several matches', async () => {
      const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'user', query: 'jane.smith' }), 'user-details');
      assert.equal(view.login, 'jane.smith');
    });

    it('says no user matches, and audits it', async () => {
      const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'user', query: 'nobody-here' }), 'error');
      assert.equal(view.code, 'DIR.USER_NOT_FOUND');
      assert.deepEqual(await auditActions(f), ['demo.agent user.find nobody-here refused DIR.USER_NOT_FOUND']);
    });

    it('refuses a non-agent and shows no data about the user', async () => {
      const view = await f.service.command(ctxFor('john.doe'), { name: 'user', query: 'demo.locked' });
      assert.deepEqual(view, { kind: 'error', code: 'AUTH.NOT_STAFF', params: {}, correlationId: (view as { correlationId: string }).correlationId });
      assert.deepEqual(await auditActions(f), ['john.doe user.find demo.locked refused AUTH.NOT_STAFF']);
    });

    it('refuses a chat user unknown to the directory', async () => {
      const view = expectKind(await f.service.command(ctxFor('stranger@elsewhere.test'), { name: 'user', query: 'john' }), 'error');
      assert.equal(view.code, 'AUTH.UNKNOWN_IDENTITY');
      assert.deepEqual(await auditActions(f), ['local:chat-stranger@elsewhere.test user.find john refused AUTH.UNKNOWN_IDENTITY']);
    });

    it('shows a protected admin without any action button', async () => {
      const view = expectKind(await f.service.command(ctxFor(SUPER), { name: 'user', query: 'admin.root' }), 'user-details');
      assert.ok(view.badges.includes('protected'));
      assert.deepEqual(view.actions, []);
    });
  });

  describe('unlock', () => {
    it('asks to confirm, unlocks once on confirm, and refuses the replayed token', async () => {
      const confirm = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'demo.locked' }), 'confirm');
      assert.equal(await lockState(f, 'demo.locked'), true, 'nothing changes before the confirmation');
      const token = tokenOf(confirm);
      const result = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token } }), 'result');
      assert.equal(result.outcome, 'success');
      assert.equal(await lockState(f, 'demo.locked'), false);
      const replay = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token } }), 'error');
      assert.equal(replay.code, 'CONFIRM.USED');
      assert.deepEqual(await auditActions(f), [
        'demo.agent account.unlock.prompt demo.locked success',
        'demo.agent account.unlock demo.locked requested',
        'demo.agent account.unlock demo.locked success',
        'demo.agent confirm.accept - refused CONFIRM.USED',
      ]);
    });

    it("refuses another agent's click on my confirm button and leaves it usable for me", async () => {
      const token = tokenOf(expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'demo.locked' }), 'confirm'));
      const other = expectKind(await f.service.press(ctxFor(SUPER), { verb: VERBS.confirmAccept, data: { token } }), 'error');
      assert.equal(other.code, 'CONFIRM.INVALID');
      assert.equal(await lockState(f, 'demo.locked'), true);
      expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token } }), 'result');
      assert.equal(await lockState(f, 'demo.locked'), false);
    });

    it('refuses a confirmation after five minutes', async () => {
      const token = tokenOf(expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'demo.locked' }), 'confirm'));
      f.clock.advance(5 * 60_000 + 1);
      const view = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token } }), 'error');
      assert.equal(view.code, 'CONFIRM.EXPIRED');
      assert.equal(await lockState(f, 'demo.locked'), true);
    });

    it('performs a double click once', async () => {
      const token = tokenOf(expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'demo.locked' }), 'confirm'));
      const views = await Promise.all([1, 2, 3].map(() => f.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token } })));
      assert.equal(views.filter((v) => v.kind === 'result').length, 1);
      const audit = await auditActions(f);
      assert.equal(audit.filter((a) => a.endsWith('account.unlock demo.locked success')).length, 1);
    });

    it('cancel burns the token and changes nothing', async () => {
      const token = tokenOf(expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'demo.locked' }), 'confirm'));
      expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.confirmCancel, data: { token } }), 'result');
      const view = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token } }), 'error');
      assert.equal(view.code, 'CONFIRM.USED');
      assert.equal(await lockState(f, 'demo.locked'), true);
    });

    it('refuses a protected target and the own account, both audited', async () => {
      const admin = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'admin.root' }), 'error');
      const self = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: AGENT }), 'error');
      assert.equal(admin.code, 'POLICY.PROTECTED_TARGET');
      assert.equal(self.code, 'POLICY.SELF_ACTION');
      assert.deepEqual(await auditActions(f), [
        'demo.agent account.unlock.prompt admin.root refused POLICY.PROTECTED_TARGET',
        'demo.agent account.unlock.prompt demo.agent refused POLICY.SELF_ACTION',
      ]);
    });

    it('answers an ambiguous name with the pick list, not a refusal', async () => {
      const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'smith' }), 'pick-list');
      assert.deepEqual(view.actions.map((a) => a.verb), [VERBS.accountUnlock, VERBS.accountUnlock]);
    });

    it('does not touch the directory when the audit trail cannot be written', async () => {
      const token = tokenOf(expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'demo.locked' }), 'confirm'));
      const broken: Store = {
        ...f.store,
        audit: { ...f.store.audit, append: async () => { throw new HelpdeskError('STORE.UNAVAILABLE'); } },
      };
      const g = demoFixture({ store: broken, directory: f.directory });
      const view = expectKind(await g.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token } }), 'error');
      assert.equal(view.code, 'AUDIT.UNAVAILABLE');
      assert.equal(await lockState(f, 'demo.locked'), true);
      const lookup = expectKind(await g.service.command(ctxFor(AGENT), { name: 'user', query: 'john.doe' }), 'error');
      assert.equal(lookup.code, 'AUDIT.UNAVAILABLE', 'no data is shown without an audit record');
    });
  });

  describe('reset view', () => {
    it('is refused to an agent', async () => {
      const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'error');
      assert.equal(view.code, 'AUTH.FORBIDDEN');
    });

    it('is refused in a shared conversation, before anything changes', async () => {
      const shared = expectKind(await f.service.command(ctxFor(SUPER, 'shared'), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'shared-request');
      const requestId = shared.actions[0]?.data.requestId ?? '';
      const view = expectKind(await f.service.press(ctxFor(SUPER, 'shared'), { verb: VERBS.requestShow, data: { requestId } }), 'error');
      assert.equal(view.code, 'POLICY.PRIVATE_ONLY');
      assert.equal((await f.directory.findByLogin('john.doe'))?.account.passwordMustChange, false);
    });

    it('shows a policy-compliant password once to the supervisor, and never writes it to the audit trail', async () => {
      const token = tokenOf(expectKind(await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'confirm'));
      const result = expectKind(await f.service.press(ctxFor(SUPER), { verb: VERBS.confirmAccept, data: { token } }), 'result');
      const password = result.secret?.value ?? '';
      assert.match(password, /^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)[A-Za-z\d]{16}$/);
      assert.doesNotMatch(password, /[Il1O0o5S2Z8B]/);
      const entry = await f.directory.findByLogin('john.doe');
      assert.equal(entry?.account.passwordMustChange, true);
      const audit = JSON.stringify(await f.store.audit.list({ limit: 100 }));
      assert.ok(!audit.includes(password));
      assert.ok((await auditActions(f)).includes('demo.super password.reset.view john.doe success'));
    });

    it('re-checks the role when the confirm button is pressed', async () => {
      const token = tokenOf(expectKind(await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'confirm'));
      // The same token pressed by the same person from a shared channel is refused: the secret would show.
      const view = expectKind(await f.service.press(ctxFor(SUPER, 'shared'), { verb: VERBS.confirmAccept, data: { token } }), 'error');
      assert.equal(view.code, 'POLICY.PRIVATE_ONLY');
    });
  });

  describe('shared conversations (a Teams channel or group chat)', () => {
    const JOHN_FACTS = ['Finance', 'Accountant', 'HQ 3.04', '+1 555 0122', 'John Doe', 'john.doe@', 'locked'];

    async function share(login = AGENT, query = 'john.doe') {
      return expectKind(await f.service.command(ctxFor(login, 'shared'), { name: 'user', query }), 'shared-request');
    }

    it('answers what the agent typed and who asked, a Show details button with only an id, and nothing about the user', async () => {
      const view = await share();
      assert.equal(view.typed, 'user john.doe');
      assert.equal(view.askedBy, 'Dana Agent');
      assert.equal(view.askerChatUserId, 'chat-demo.agent');
      assert.deepEqual(view.actions.map((a) => [a.verb, Object.keys(a.data)]), [[VERBS.requestShow, ['requestId']]]);
      assert.deepEqual(view.refresh, view.actions[0]);
      const json = JSON.stringify(view);
      for (const fact of JOHN_FACTS) assert.ok(!json.includes(fact), `leaked ${fact}`);
      assert.ok((await auditActions(f)).includes('demo.agent request.share john.doe success'));
    });

    it('a non-agent gets the usual refusal, audited', async () => {
      const view = expectKind(await f.service.command(ctxFor('john.doe', 'shared'), { name: 'user', query: 'maria.finance' }), 'error');
      assert.equal(view.code, 'AUTH.NOT_STAFF');
      assert.ok((await auditActions(f)).includes('john.doe request.share maria.finance refused AUTH.NOT_STAFF'));
    });

    it('Show details re-runs the command as the presser: the asker and another agent get the card; a non-agent is refused', async () => {
      const requestId = (await share()).actions[0]?.data.requestId ?? '';
      const mine = expectKind(await f.service.press(ctxFor(AGENT, 'shared'), { verb: VERBS.requestShow, data: { requestId } }), 'user-details');
      assert.equal(mine.displayName, 'John Doe');
      const theirs = expectKind(await f.service.press(ctxFor(SUPER, 'shared'), { verb: VERBS.requestShow, data: { requestId } }), 'user-details');
      assert.ok(theirs.actions.some((a) => a.verb === VERBS.passwordResetView), 'drawn for the presser’s own role');
      assert.ok(!mine.actions.some((a) => a.verb === VERBS.passwordResetView));
      const refused = expectKind(await f.service.press(ctxFor('maria.finance', 'shared'), { verb: VERBS.requestShow, data: { requestId } }), 'error');
      assert.equal(refused.code, 'AUTH.NOT_STAFF');
      const audit = await auditActions(f);
      assert.ok(audit.includes('demo.agent user.find john.doe success'), audit.join('\n'));
      assert.ok(audit.includes('demo.super user.find john.doe success'));
      assert.ok(audit.includes('maria.finance request.show - refused AUTH.NOT_STAFF'));
    });

    it('the role is checked again at the press: a supervisor command shared by a supervisor is refused to an agent', async () => {
      const shared = expectKind(await f.service.command(ctxFor(SUPER, 'shared'), { name: 'unlock', user: 'demo.locked' }), 'shared-request');
      const requestId = shared.actions[0]?.data.requestId ?? '';
      const confirm = expectKind(await f.service.press(ctxFor(AGENT, 'shared'), { verb: VERBS.requestShow, data: { requestId } }), 'confirm');
      assert.ok(confirm.actions[0]?.data.token, 'an agent may unlock: the confirm card is theirs, bound to them');
      const reset = expectKind(await f.service.command(ctxFor(SUPER, 'shared'), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'shared-request');
      const forbidden = expectKind(await f.service.press(ctxFor(AGENT, 'shared'), { verb: VERBS.requestShow, data: { requestId: reset.actions[0]?.data.requestId ?? '' } }), 'error');
      assert.equal(forbidden.code, 'AUTH.FORBIDDEN');
    });

    it('an expired, unknown or malformed request gets one polite answer', async () => {
      const requestId = (await share()).actions[0]?.data.requestId ?? '';
      f.clock.advance(24 * 3600_000 + 1);
      const expired = expectKind(await f.service.press(ctxFor(AGENT, 'shared'), { verb: VERBS.requestShow, data: { requestId } }), 'error');
      assert.equal(expired.code, 'CONFIRM.EXPIRED');
      for (const id of [requestId, 'A'.repeat(24), 'x', '']) {
        const view = expectKind(await f.service.press(ctxFor(AGENT, 'shared'), { verb: VERBS.requestShow, data: { requestId: id } }), 'error');
        assert.equal(view.code, 'CONFIRM.INVALID', id);
      }
    });

    it('help is answered as it is', async () => {
      expectKind(await f.service.command(ctxFor(AGENT, 'shared'), { name: 'help' }), 'help');
    });
  });

  describe('a shown password hides itself', () => {
    async function shownPassword() {
      const token = tokenOf(expectKind(await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'confirm'));
      return expectKind(await f.service.press(ctxFor(SUPER), { verb: VERBS.confirmAccept, data: { token } }), 'result');
    }

    it('the result carries a reference, when it hides itself (2 minutes) and a Hide button with only the reference', async () => {
      const result = await shownPassword();
      const secret = result.secret;
      assert.ok(secret);
      assert.equal(secret.hideAfterMs, 120_000);
      assert.equal(secret.hidesAt, new Date(f.clock.now().getTime() + 120_000).toISOString());
      assert.deepEqual(result.actions[0], { verb: VERBS.secretHide, label: 'Hide', data: { ref: secret.ref } });
      const stored = await f.store.shownSecrets.find(secret.ref, f.clock.now());
      assert.ok(stored && !JSON.stringify(stored).includes(secret.value), 'the reference never holds the secret');
    });

    it('Hide answers "Password for <name> shown to <viewer> at <time>; hidden." without the password; only the viewer may', async () => {
      const result = await shownPassword();
      const ref = result.secret?.ref ?? '';
      const other = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.secretHide, data: { ref } }), 'error');
      assert.equal(other.code, 'CONFIRM.INVALID');
      f.clock.advance(30_000);
      const hidden = expectKind(await f.service.press(ctxFor(SUPER), { verb: VERBS.secretHide, data: { ref } }), 'result');
      assert.equal(hidden.message, 'Password for John Doe shown to Sam Super at 2026-11-25 09:00 UTC; hidden.');
      assert.equal(hidden.secret, undefined);
      assert.ok(!JSON.stringify(hidden).includes(result.secret?.value ?? '?'));
      const audit = await auditActions(f);
      assert.ok(audit.includes('demo.super secret.hide john.doe success'));
      assert.ok(audit.includes('demo.agent secret.hide - refused CONFIRM.INVALID'));
    });

    it('a shown helpdesk PIN is named a PIN when hidden, not a password', async () => {
      const token = tokenOf(expectKind(await f.service.command(ctxFor(SUPER), { name: 'pin', user: 'john.doe', delivery: 'view' }), 'confirm'));
      const result = expectKind(await f.service.press(ctxFor(SUPER), { verb: VERBS.confirmAccept, data: { token } }), 'result');
      const hidden = expectKind(await f.service.press(ctxFor(SUPER), { verb: VERBS.secretHide, data: { ref: result.secret?.ref ?? '' } }), 'result');
      assert.equal(hidden.title, 'Helpdesk PIN hidden');
      assert.equal(hidden.message, 'Helpdesk PIN for John Doe shown to Sam Super at 2026-11-25 09:00 UTC; hidden.');
    });
  });

  it('answers commands of later releases politely', async () => {
    const view = expectKind(await f.service.command(ctxFor(AGENT), { name: 'verify', user: 'john.doe' }), 'error');
    assert.equal(view.code, 'CMD.NOT_AVAILABLE');
  });

  it('keeps the audit chain verifiable', async () => {
    await f.service.command(ctxFor(AGENT), { name: 'user', query: 'john' });
    await f.service.command(ctxFor('john.doe'), { name: 'user', query: 'john' });
    assert.deepEqual(await f.store.audit.verify(), { ok: true, count: 2 });
  });
});
