// escalate and the ticket desk's rules, on the demo directory with the dev outbox (or a sink that fails
// on purpose): one open ticket per user, comments for later escalations and follow-ups, the same reason
// filed once, refusals not retried, comments kept until they can be posted, the audit record first, and
// never a secret in a ticket text.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import { ticketOutbox, type TicketOutbox } from '../../../../src/adapters/tickets/ticket-outbox';
import { HelpdeskError } from '../../../../src/domain/errors';
import { VERBS } from '../../../../src/domain/verbs';
import type { Store } from '../../../../src/ports/store.port';
import type { TicketSink } from '../../../../src/ports/ticket-sink.port';
import { ctxFor, demoFixture, expectKind, type Fixture } from '../../../helpers/service-fixture';

const AGENT = 'demo.agent';
const SUPER = 'demo.super';
const RETRY = { firstMs: 1, maxMs: 5, pollMs: 1_000_000 };

/** The outbox, with failures switched on and off by the test. */
function flaky(outbox: TicketOutbox) {
  const fail: { create?: string; comment?: string } = {};
  let creates = 0;
  const sink: TicketSink = {
    ...outbox,
    kind: 'outbox',
    async create(d) {
      creates += 1;
      if (fail.create) throw new HelpdeskError(fail.create as 'TICKETS.UNAVAILABLE');
      return outbox.create(d);
    },
    async comment(t, text) {
      if (fail.comment) throw new HelpdeskError(fail.comment as 'TICKETS.UNAVAILABLE');
      return outbox.comment(t, text);
    },
  };
  return { sink, fail, creates: () => creates };
}

describe('escalate (demo directory, dev outbox)', () => {
  let f: Fixture;
  let outbox: TicketOutbox;
  beforeEach(() => {
    outbox = ticketOutbox();
    f = demoFixture({ ticketSink: outbox, ticketRetry: RETRY });
  });

  const escalate = (user: string, reason: string, who = AGENT, conversation: 'personal' | 'shared' = 'personal') =>
    f.service.command(ctxFor(who, conversation), { name: 'escalate', user, reason });

  it('opens a ticket with the summary; a second escalation comments on it; the same reason again adds nothing', async () => {
    const first = expectKind(await escalate('demo.locked', 'locked again after holiday'), 'escalation');
    assert.equal(first.outcome, 'created');
    assert.equal(first.ticket?.label, 'Outbox ticket T-1');
    const [created] = outbox.entries();
    assert.equal(created?.subject, 'Helpdesk escalation: Lena Locked (demo.locked): locked again after holiday');
    assert.match(created?.text ?? '', /Escalated by Dana Agent \(demo\.agent, agent\) via the local console, a private chat/);
    assert.match(created?.text ?? '', /Account: enabled, LOCKED since /);
    assert.match(created?.text ?? '', /Department: Finance; title: Accounts Payable Clerk; manager: Maria García/);

    const second = expectKind(await escalate('demo.locked', 'caller now on a hotel phone'), 'escalation');
    assert.equal(second.outcome, 'commented');
    assert.equal(second.ticket?.label, 'Outbox ticket T-1');
    const again = expectKind(await escalate('demo.locked', 'caller now on a hotel phone', SUPER), 'escalation');
    assert.equal(again.outcome, 'already');
    assert.deepEqual(outbox.entries().map((e) => e.event), ['created', 'comment']);
  });

  it('in a shared conversation, "Show details" pressed by two staff members files the escalation once', async () => {
    const shared = expectKind(await escalate('john.doe', 'needs a new phone enrolled', AGENT, 'shared'), 'shared-request');
    const press = { verb: VERBS.requestShow, data: shared.actions[0]?.data ?? {} };
    assert.equal(expectKind(await f.service.press(ctxFor(AGENT, 'shared'), press), 'escalation').outcome, 'created');
    assert.equal(expectKind(await f.service.press(ctxFor(SUPER, 'shared'), press), 'escalation').outcome, 'already');
    assert.equal(outbox.entries().length, 1);
  });

  it('a ticket closed in the system: the next escalation opens a new one', async () => {
    expectKind(await escalate('john.doe', 'first problem'), 'escalation');
    outbox.close('T-1');
    const next = expectKind(await escalate('john.doe', 'second problem'), 'escalation');
    assert.equal(next.outcome, 'created');
    assert.equal(next.ticket?.label, 'Outbox ticket T-2');
  });

  it('two escalations of the same user at once: one ticket and one comment', async () => {
    const views = await Promise.all([escalate('jane.smith', 'reason one'), escalate('jane.smith', 'reason two')]);
    assert.deepEqual(views.map((v) => expectKind(v, 'escalation').outcome).sort(), ['commented', 'created']);
    assert.deepEqual(outbox.entries().map((e) => e.event), ['created', 'comment']);
  });

  it('an unlock and a password reset afterwards add comments that say what was done, never the password', async () => {
    expectKind(await escalate('demo.locked', 'locked out'), 'escalation');
    const unlock = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'demo.locked' }), 'confirm');
    await f.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token: unlock.actions[0]?.data.token ?? '' } });
    const reset = expectKind(await f.service.command(ctxFor(SUPER), { name: 'reset', user: 'demo.locked', delivery: 'view' }), 'confirm');
    const result = expectKind(await f.service.press(ctxFor(SUPER), { verb: VERBS.confirmAccept, data: { token: reset.actions[0]?.data.token ?? '' } }), 'result');
    const password = result.secret?.value;
    assert.ok(password);
    await f.service.tickets?.idle();
    const comments = outbox.entries().filter((e) => e.event === 'comment').map((e) => e.text);
    assert.equal(comments.length, 2);
    assert.match(comments[0] ?? '', /Dana Agent \(demo\.agent, agent\) via the local console, a private chat unlocked the Active Directory account of Lena Locked \(demo\.locked\)\./);
    assert.match(comments[1] ?? '', /reset the password \(must change at next logon\) of Lena Locked \(demo\.locked\); delivery: shown once to the agent\./);
    for (const e of outbox.entries()) assert.ok(!e.text.includes(password) && !(e.subject ?? '').includes(password));
  });

  it('an action on a user without an open ticket files nothing', async () => {
    const unlock = expectKind(await f.service.command(ctxFor(AGENT), { name: 'unlock', user: 'demo.locked' }), 'confirm');
    await f.service.press(ctxFor(AGENT), { verb: VERBS.confirmAccept, data: { token: unlock.actions[0]?.data.token ?? '' } });
    await f.service.tickets?.idle();
    assert.deepEqual(outbox.entries(), []);
  });

  it('the details and audit cards carry an Escalate button; it asks for the reason, whose press files it', async () => {
    const details = expectKind(await f.service.command(ctxFor(AGENT), { name: 'user', query: 'john.doe' }), 'user-details');
    const button = details.actions.find((a) => a.verb === VERBS.ticketEscalate);
    assert.deepEqual(button?.data, { user: 'john.doe' });
    const audit = expectKind(await f.service.command(ctxFor(AGENT), { name: 'audit', user: 'john.doe' }), 'audit-events');
    assert.ok(audit.actions.some((a) => a.verb === VERBS.ticketEscalate));
    const form = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.ticketEscalate, data: { user: 'john.doe' } }), 'escalate-form');
    assert.equal(form.maxReason, 500);
    const submit = form.actions[0];
    assert.equal(submit?.verb, VERBS.ticketEscalateSubmit);
    const done = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.ticketEscalateSubmit, data: { ...submit?.data, reason: 'from the card' } }), 'escalation');
    assert.equal(done.outcome, 'created');
    const formAgain = expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.ticketEscalate, data: { user: 'john.doe' } }), 'escalate-form');
    assert.equal(formAgain.openTicket?.label, 'Outbox ticket T-1');
  });

  it('bad input gets one polite answer and files nothing; an empty reason from the card too', async () => {
    assert.equal(expectKind(await escalate('john.doe', 'x'.repeat(501)), 'error').code, 'CMD.USAGE');
    assert.equal(expectKind(await f.service.press(ctxFor(AGENT), { verb: VERBS.ticketEscalateSubmit, data: { user: 'john.doe', reason: '   ' } }), 'error').code, 'CMD.USAGE');
    assert.equal(expectKind(await escalate('nobody.here', 'reason'), 'error').code, 'DIR.USER_NOT_FOUND');
    assert.equal(expectKind(await escalate('john.doe', 'reason', 'john.doe'), 'error').code, 'AUTH.NOT_STAFF');
    assert.deepEqual(outbox.entries(), []);
  });

  it('no ticket is filed when the audit trail cannot be written', async () => {
    const broken: Store = { ...f.store, audit: { ...f.store.audit, append: async () => { throw new HelpdeskError('STORE.UNAVAILABLE'); } } };
    const g = demoFixture({ store: broken, ticketSink: outbox });
    assert.equal(expectKind(await g.service.command(ctxFor(AGENT), { name: 'escalate', user: 'john.doe', reason: 'r' }), 'error').code, 'AUDIT.UNAVAILABLE');
    assert.deepEqual(outbox.entries(), []);
  });

  it('without a ticket system: no Escalate button, and escalate is "not available"', async () => {
    const g = demoFixture();
    const details = expectKind(await g.service.command(ctxFor(AGENT), { name: 'user', query: 'john.doe' }), 'user-details');
    assert.ok(!details.actions.some((a) => a.verb === VERBS.ticketEscalate));
    assert.equal(expectKind(await g.service.command(ctxFor(AGENT), { name: 'escalate', user: 'john.doe', reason: 'r' }), 'error').code, 'CMD.NOT_AVAILABLE');
  });

  describe('faults', () => {
    it('the system down: kept as pending, retried in the background, created once; listeners hear of it', async () => {
      const s = flaky(outbox);
      s.fail.create = 'TICKETS.UNAVAILABLE';
      const g = demoFixture({ ticketSink: s.sink, ticketRetry: RETRY });
      const heard: string[] = [];
      g.service.tickets?.onCreated((_ref, t) => heard.push(t.label));
      const kept = expectKind(await g.service.command(ctxFor(AGENT), { name: 'escalate', user: 'john.doe', reason: 'r1' }), 'escalation');
      assert.equal(kept.outcome, 'pending');
      assert.match(kept.message, /not reachable right now.*kept and filed automatically/);
      g.clock.advance(1000);
      await g.service.tickets?.tick();
      assert.equal(s.creates(), 2);
      s.fail.create = undefined;
      g.clock.advance(1000);
      await g.service.tickets?.tick();
      await g.service.tickets?.tick();
      assert.equal(s.creates(), 3);
      assert.deepEqual(heard, ['Outbox ticket T-1']);
      const shown = expectKind(await g.service.press(ctxFor(AGENT), { verb: VERBS.ticketShow, data: { ref: kept.ref } }), 'escalation');
      assert.equal(shown.outcome, 'created');
      assert.equal(shown.ticket?.label, 'Outbox ticket T-1');
    });

    it('two replicas on one store retry at the same moment: the ticket is created once, and its comment posted once', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'mypass-desk-'));
      const file = path.join(dir, 'helpdesk.db');
      const stores = [openSqliteStore({ path: file, auditKey: Buffer.alloc(32, 7) }), openSqliteStore({ path: file, auditKey: Buffer.alloc(32, 7) })];
      try {
        const s = flaky(outbox);
        s.fail.create = 'TICKETS.UNAVAILABLE';
        const [a, b] = stores.map((store) => demoFixture({ store, ticketSink: s.sink, ticketRetry: RETRY })) as [Fixture, Fixture];
        const kept = expectKind(await a.service.command(ctxFor(AGENT), { name: 'escalate', user: 'john.doe', reason: 'r1' }), 'escalation');
        assert.equal(kept.outcome, 'pending');
        await b.service.command(ctxFor(AGENT), { name: 'escalate', user: 'john.doe', reason: 'r2' });
        s.fail.create = undefined;
        for (const g of [a, b]) g.clock.advance(1000);
        // Both replicas' loops find it due at once, and again right after (a stale list).
        await Promise.all([a.service.tickets?.tick(), b.service.tickets?.tick()]);
        await Promise.all([a.service.tickets?.tick(), b.service.tickets?.tick()]);
        assert.equal(s.creates(), 2, 'one failed create, then one create across both replicas');
        assert.deepEqual(outbox.entries().map((e) => e.event), ['created', 'comment']);
      } finally {
        for (const store of stores) await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a refusal (credentials) is answered plainly and not retried', async () => {
      const s = flaky(outbox);
      s.fail.create = 'TICKETS.REJECTED';
      const g = demoFixture({ ticketSink: s.sink, ticketRetry: RETRY });
      const view = expectKind(await g.service.command(ctxFor(AGENT), { name: 'escalate', user: 'john.doe', reason: 'r1' }), 'escalation');
      assert.equal(view.outcome, 'failed');
      assert.match(view.message, /refused the ticket .* tell your administrator/);
      g.clock.advance(60_000);
      await g.service.tickets?.tick();
      assert.equal(s.creates(), 1);
    });

    it('a comment the system does not take is kept and posted on a later round, in order', async () => {
      const s = flaky(outbox);
      const g = demoFixture({ ticketSink: s.sink, ticketRetry: RETRY });
      await g.service.command(ctxFor(AGENT), { name: 'escalate', user: 'john.doe', reason: 'r1' });
      s.fail.comment = 'TICKETS.UNAVAILABLE';
      const view = expectKind(await g.service.command(ctxFor(AGENT), { name: 'escalate', user: 'john.doe', reason: 'r2' }), 'escalation');
      assert.equal(view.outcome, 'commented');
      assert.match(view.message, /did not take the comment just now; it is kept/);
      await g.service.command(ctxFor(AGENT), { name: 'escalate', user: 'john.doe', reason: 'r3' });
      s.fail.comment = undefined;
      await g.service.tickets?.tick();
      const comments = outbox.entries().filter((e) => e.event === 'comment').map((e) => /Reason:\n(r\d)/.exec(e.text)?.[1]);
      assert.deepEqual(comments, ['r2', 'r3']);
    });
  });
});
