// Two replicas on one store (one SQLite file, one Bot Connector), against Samba AD: what a message is
// owed after its turn is kept in the store, not in the memory of the replica that posted it. An approval
// request's copies posted by A are updated, once, by B when the decision is pressed through B (A gone by
// then); a "ticket to follow" message shown by A is updated, once, by B when B's retry creates the ticket.
// In Slack likewise, an approval request's messages posted by A are updated once when decided through B,
// and a "ticket to follow" answered by A (to a slash command, to a mention) is followed up by B.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ticketOutbox } from '../../src/adapters/tickets/ticket-outbox';
import { HelpdeskError } from '../../src/domain/errors';
import { VERBS } from '../../src/domain/verbs';
import type { TicketSink } from '../../src/ports/ticket-sink.port';
import { cardActions, cardText } from '../helpers/adaptive-card-sdk';
import { startBotHarness, startReplicas, type BotHarness } from '../helpers/bot-harness';
import { LoopbackConnector, teamsMember } from '../helpers/loopback-connector';
import { MAIL_DOMAIN, USERS } from '../helpers/samba';
import { startFakeSlackApi, type FakeSlackApi } from '../helpers/slack-api-fake';
import { buttonByVerb, buttonsOf, startSlackHarness, textOf, type SlackHarness } from '../helpers/slack-harness';
import { blockActions, postSigned, TEST_BOT_TOKEN } from '../helpers/slack-requests';
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
      connector, approvalsConversation: SUPERVISORS, ticketSink,
      ticketRetry: { firstMs: 200, maxMs: 400, pollMs: 100 },
      settings: { changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } },
    };
    ({ a, b, dir } = await startReplicas(startBotHarness, replica));
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

describe('Two Slack replicas on one store: approval request messages', function () {
  this.timeout(60_000);
  const AGENT = 'U0AGENT01';
  const SUPER = 'U0SUPER01';
  const CHANNEL = 'C0HELPDESK';
  const SUPERVISORS = 'C0SUPERVIS';
  let dir: string;
  let fake: FakeSlackApi;
  let a: SlackHarness | undefined;
  let b: SlackHarness;

  before(async () => {
    const slackUsers = [
      { id: AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' },
      { id: SUPER, email: `${USERS.supervisor}@${MAIL_DOMAIN}`, realName: 'Sam Supervisor' },
    ];
    fake = await startFakeSlackApi({ token: TEST_BOT_TOKEN, users: slackUsers });
    ({ a, b, dir } = await startReplicas(startSlackHarness, { slackUsers, fake, approvalsChannel: SUPERVISORS }));
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('requested through A, approved through B after A is gone: both messages A posted are updated once', async () => {
    const { ack } = await a!.command(AGENT, `pin ${USERS.jdoe} view`);
    assert.equal(ack.status, 200);
    await fake.waitFor(() => fake.callsTo('chat.postMessage').length === 2);
    const [asked, supervisors] = fake.callsTo('chat.postMessage');
    assert.ok(asked && supervisors);
    assert.equal(supervisors.body.channel, SUPERVISORS);
    await a!.close(); // A's memory is gone
    a = undefined;

    const button = buttonByVerb(supervisors, VERBS.approvalApprove);
    const pressed = await postSigned(b.eventsUrl, blockActions({
      userId: SUPER, responseUrl: fake.newResponseUrl(), ephemeral: false, channelId: SUPERVISORS, messageTs: fake.tsOf(supervisors),
      action: { action_id: button.action_id, ...(button.value !== undefined ? { value: button.value } : {}), text: button.text },
    }));
    assert.equal(pressed.status, 200);
    const pin = await fake.waitFor((c) => c.method === 'chat.postEphemeral');
    await fake.waitFor(() => fake.callsTo('chat.update').length >= 2);
    await b.surface.idle();
    await sleep(300);
    const updates = fake.callsTo('chat.update');
    assert.deepEqual(updates.map((u) => `${String(u.body.channel)} ${String(u.body.ts)}`).sort(),
      [`${CHANNEL} ${fake.tsOf(asked)}`, `${SUPERVISORS} ${fake.tsOf(supervisors)}`].sort(), 'each message updated once');
    for (const u of updates) {
      assert.match(textOf(u), /Approved by \*Sam Supervisor\*/);
      assert.deepEqual(buttonsOf(u), [], 'no button left on a decided request');
    }
    assert.equal(pin.body.channel, CHANNEL, 'the PIN goes where the requester asked (known from A\'s message)');
    assert.equal(pin.body.user, AGENT);
  });
});

describe('Two Slack replicas on one store: "ticket to follow" messages', function () {
  this.timeout(60_000);
  const AGENT = 'U0AGENT01';
  const CHANNEL = 'C0HELPDESK';
  let dir: string;
  let fake: FakeSlackApi;
  let a: SlackHarness | undefined;
  let b: SlackHarness;
  let down = true;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mypass-replicas-'));
    const slackUsers = [{ id: AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' }];
    fake = await startFakeSlackApi({ token: TEST_BOT_TOKEN, users: slackUsers });
    const outbox = ticketOutbox();
    const replica = { slackUsers, storePath: path.join(dir, 'helpdesk.db'), fake, ticketRetry: { firstMs: 200, maxMs: 400, pollMs: 100 } };
    // A never reaches the ticket system; B does once the test says so.
    a = await startSlackHarness({ ...replica, ticketSink: { ...outbox, async create() { throw new HelpdeskError('TICKETS.UNAVAILABLE'); } } });
    b = await startSlackHarness({
      ...replica,
      ticketSink: {
        ...outbox,
        async create(d) {
          if (down) throw new HelpdeskError('TICKETS.UNAVAILABLE');
          return outbox.create(d);
        },
      },
    });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answered by A to a slash command and a mention, A gone: B replaces the slash command\'s answer and follows the mention up, each once', async () => {
    const { answer: kept, responseUrl } = await a!.ask(AGENT, `escalate ${USERS.cobrien} cannot enroll in the portal`);
    assert.match(textOf(kept), /is kept/);
    const threadTs = '1712345678.000300';
    assert.equal((await a!.mention(AGENT, `<@${fake.botUserId}> escalate ${USERS.jdoe} printer queue stuck`, { threadTs })).status, 200);
    const keptMention = await fake.waitFor((c) => c.method === 'chat.postEphemeral' && /is kept/.test(textOf(c)));
    await a!.surface.idle();
    await a!.close(); // A's memory is gone
    a = undefined;

    down = false;
    const path = new URL(responseUrl).pathname;
    const replaced = await fake.waitFor((c) => c.method === 'response_url' && c.path === path && c !== kept, 20_000);
    assert.equal(replaced.body.replace_original, true);
    assert.match(textOf(replaced), /Outbox ticket/);
    const followed = await fake.waitFor((c) => c.method === 'chat.postEphemeral' && c !== keptMention && /Outbox ticket/.test(textOf(c)), 20_000);
    assert.equal(followed.body.user, AGENT);
    assert.equal(followed.body.channel, CHANNEL);
    assert.equal(followed.body.thread_ts, threadTs);
    await b.service.tickets?.idle();
    await sleep(500);
    assert.equal(fake.callsTo('response_url').filter((c) => c.path === path).length, 2, 'answered, then replaced once');
    assert.equal(fake.callsTo('chat.postEphemeral').filter((c) => /Outbox ticket/.test(textOf(c))).length, 1, 'followed up once');
  });
});
