// Two replicas on one store (one SQLite file, one Bot Connector), against Samba AD: what a message is
// owed after its turn is kept in the store, not in the memory of the replica that posted it. An approval
// request's copies posted by A are updated, once, by B when the decision is pressed through B (A gone by
// then); a "ticket to follow" message shown by A is updated, once, by B when B's retry creates the ticket.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ticketOutbox } from '../../src/adapters/tickets/ticket-outbox';
import { HelpdeskError } from '../../src/domain/errors';
import { VERBS } from '../../src/domain/verbs';
import type { TicketSink } from '../../src/ports/ticket-sink.port';
import { cardActions, cardText } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { LoopbackConnector, teamsMember } from '../helpers/loopback-connector';
import { USERS } from '../helpers/samba';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';

type Card = Record<string, unknown>;
const SUPERVISORS = '19:supervisors@thread.tacv2';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const base = (id: string) => id.split(';')[0];

describe('Two Teams replicas on one store: approval copies and "ticket to follow" messages', function () {
  this.timeout(60_000);
  let dir: string;
  let connector: LoopbackConnector;
  let a: BotHarness | undefined;
  let b: BotHarness;
  let down = true;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mypass-replicas-'));
    connector = await new LoopbackConnector().start();
    const outbox = ticketOutbox();
    // The ticket system is down until the test says otherwise.
    const ticketSink: TicketSink = {
      ...outbox,
      async create(d) {
        if (down) throw new HelpdeskError('TICKETS.UNAVAILABLE');
        return outbox.create(d);
      },
    };
    const replica = {
      storePath: path.join(dir, 'helpdesk.db'), connector, approvalsConversation: SUPERVISORS, ticketSink,
      ticketRetry: { firstMs: 200, maxMs: 400, pollMs: 100 },
      settings: { changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } },
    };
    a = await startBotHarness(replica);
    b = await startBotHarness(replica);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await connector?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an approval requested through A, its copies posted by A, approved through B after A is gone: A\'s copy is updated once, with no PIN', async () => {
    const agent = connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    const supervisor = connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
    const before = connector.replies.length;
    const res = await postActivity(a!.url, teamsMessage({ serviceUrl: connector.url, user: agent, conversation: 'channel', text: `pin ${USERS.jdoe} view` }));
    assert.equal(res.status, 200, res.text);
    const [asked, copy] = connector.replies.slice(before);
    assert.ok(asked && copy, 'posted where asked and to the supervisors');
    assert.equal(copy.conversationId, SUPERVISORS);
    const approve = cardActions(copy.activity.attachments?.[0]?.content as Card).find((x) => x.verb === VERBS.approvalApprove);
    assert.ok(approve);
    await a!.close(); // A's memory is gone
    a = undefined;

    const puts = connector.replies.length;
    const pressed = await postActivity(b.url, teamsInvoke({
      serviceUrl: connector.url, user: supervisor, conversation: 'channel', conversationId: `${SUPERVISORS};messageid=${copy.answeredId}`,
      verb: VERBS.approvalApprove, data: approve.data as Record<string, unknown>, replyToId: copy.answeredId,
    }));
    assert.equal(pressed.status, 200, pressed.text);
    await sleep(300);
    const updates = connector.replies.slice(puts).filter((r) => r.method === 'PUT');
    assert.deepEqual(updates.map((u) => `${base(u.conversationId)} ${u.replyToId ?? ''}`).sort(),
      [`${SUPERVISORS} ${copy.answeredId}`, `${base(asked.conversationId)} ${asked.answeredId}`].sort(), 'each copy updated once');
    for (const u of updates) {
      assert.match(cardText(u.activity.attachments?.[0]?.content), /Approved by Sam Supervisor/);
      assert.ok(!/\b\d{4} \d{4}\b/.test(cardText(u.activity.attachments?.[0]?.content)), 'no PIN on a shared card');
    }
    const approvalId = String((approve.data as Record<string, unknown>).approvalId);
    assert.deepEqual(await b.store.pendingWork.inGroup(`approval:${approvalId}`, new Date()), [], 'nothing left to do');
  });

  it('a "ticket to follow" shown through A is updated once, by B, when B\'s retry creates the ticket after A is gone', async () => {
    a ??= await startBotHarness({
      storePath: b.dbPath, connector, ticketSink: { ...ticketOutbox(), async create() { throw new HelpdeskError('TICKETS.UNAVAILABLE'); } },
      ticketRetry: { firstMs: 200, maxMs: 400, pollMs: 100 },
    });
    const agent = connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    const before = connector.replies.length;
    const res = await postActivity(a.url, teamsMessage({ serviceUrl: connector.url, user: agent, text: `escalate ${USERS.cobrien} cannot enroll in the portal` }));
    assert.equal(res.status, 200, res.text);
    const kept = connector.replies.slice(before).find((r) => r.method === 'POST');
    assert.ok(kept);
    assert.match(cardText(kept.activity.attachments?.[0]?.content), /Kept/);
    await a.close();
    a = undefined;

    down = false;
    const update = await connector.waitFor((r) => r.method === 'PUT' && r.replyToId === kept.answeredId, 20_000);
    assert.equal(base(update.conversationId), base(kept.conversationId));
    assert.match(cardText(update.activity.attachments?.[0]?.content), /Outbox ticket/);
    await b.service.tickets?.idle();
    await sleep(500);
    assert.equal(connector.replies.filter((r) => r.method === 'PUT' && r.replyToId === kept.answeredId).length, 1, 'updated once');
  });
});
