// Escalation over signed Slack requests against Samba AD, into the signed webhook (a loopback receiver
// that verifies every delivery): `/helpdesk escalate` answers with the ticket's link; the details card's
// Escalate button draws a reason input whose typed value (block_actions state) files the ticket; with the
// receiver down the answer says the escalation is kept, and the message is replaced through its
// response_url once the background retry delivered it.
import assert from 'node:assert/strict';
import { verifyWebhook, webhookSink } from '../../src/adapters/tickets/webhook';
import { VERBS } from '../../src/domain/verbs';
import { blockKitProblems } from '../helpers/slack-block-limits';
import { buttonsOf, startSlackHarness, textOf, type SlackHarness } from '../helpers/slack-harness';
import { MAIL_DOMAIN, USERS } from '../helpers/samba';
import { TicketApiFake } from '../helpers/ticket-api-fake';

const AGENT = 'U0AGENT01';
const SECRET = 'slack-test-webhook-secret-0123456789';

describe('Escalation over signed Slack requests, into the signed webhook', function () {
  this.timeout(30_000);
  let h: SlackHarness;
  let receiver: TicketApiFake;
  let up = true;
  let n = 0;
  const accepted: string[] = [];

  before(async () => {
    receiver = await new TicketApiFake((req) => {
      if (!up) return { status: 503 };
      const check = verifyWebhook(SECRET, String(req.headers['x-mypass-signature']), req.raw, new Date());
      if (!check.ok) return { status: 401 };
      const event = req.json as { type: string };
      if (event.type !== 'ticket.create') return { status: 202 };
      n += 1;
      accepted.push((req.json as { subject: string }).subject);
      return { status: 201, body: { id: `WH-${n}`, url: `https://tickets.example.test/WH-${n}` } };
    }).start();
    h = await startSlackHarness({
      slackUsers: [{ id: AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' }],
      ticketSink: webhookSink({ url: receiver.url, secret: SECRET, attempts: 1 }),
      ticketRetry: { firstMs: 200, maxMs: 400, pollMs: 100 },
    });
  });
  after(async () => {
    await h?.close();
    await receiver?.stop();
  });

  const creates = () => receiver.requests.filter((r) => (r.json as { type?: string } | undefined)?.type === 'ticket.create');

  it('/helpdesk escalate: the ticket is delivered signed, with who and from where; the answer links it', async () => {
    const { answer } = await h.ask(AGENT, `escalate ${USERS.jsmith} cannot reach the VPN since Monday`);
    assert.deepEqual(blockKitProblems(answer.body), []);
    assert.equal(answer.body.response_type, 'ephemeral');
    assert.match(textOf(answer), /Ticket WH-1 opened/);
    assert.match(textOf(answer), /<https:\/\/tickets\.example\.test\/WH-1\|WH-1>/);
    const body = creates()[0]?.json as { subject: string; body: string; requestor: string };
    assert.equal(body.subject, 'Helpdesk escalation: Jane Smith (jsmith): cannot reach the VPN since Monday');
    assert.equal(body.requestor, `${USERS.jsmith}@${MAIL_DOMAIN}`);
    assert.match(body.body, /Escalated by Alice Agent \(hd\.agent, agent\) via Slack, a private chat \(conversation C/);
  });

  it('the Escalate button asks for the reason in the message; the typed reason files the ticket', async () => {
    const { answer: details } = await h.ask(AGENT, `user ${USERS.cobrien}`);
    const escalate = buttonsOf(details).find((b) => b.value && (JSON.parse(b.value) as { verb: string }).verb === VERBS.ticketEscalate);
    assert.ok(escalate, 'no Escalate button');
    const { answer: form } = await h.press(AGENT, escalate);
    assert.deepEqual(blockKitProblems(form.body), []);
    const blocks = form.body.blocks as { type: string; block_id?: string; element?: { action_id?: string } }[];
    const input = blocks.find((b) => b.type === 'input');
    assert.ok(input?.block_id && input.element?.action_id);
    const submit = buttonsOf(form).find((b) => b.value && (JSON.parse(b.value) as { verb: string }).verb === VERBS.ticketEscalateSubmit);
    assert.ok(submit);
    const { answer: done } = await h.press(AGENT, submit, {
      state: { [input.block_id]: { [input.element.action_id]: { type: 'plain_text_input', value: 'laptop stolen, wants accounts locked' } } },
    });
    assert.match(textOf(done), /Ticket WH-2 opened/);
    assert.match((creates()[1]?.json as { subject: string }).subject, /Conor O'Brien \(cobrien\): laptop stolen, wants accounts locked/);
  });

  it('the receiver down: a clear answer, kept; back up: delivered once and the message replaced with the link', async () => {
    up = false;
    const { answer, responseUrl } = await h.ask(AGENT, `escalate ${USERS.zmuller} mailbox full, cannot send`);
    assert.match(textOf(answer), /The ticket system is not reachable right now\. Your escalation of Zoë Müller \(zmuller\) is kept/);
    await new Promise((r) => setTimeout(r, 500));
    up = true;
    const path = new URL(responseUrl).pathname;
    const replaced = await h.fake.waitFor((c) => c.method === 'response_url' && c.path === path && c !== answer, 10_000);
    assert.equal(replaced.body.replace_original, true);
    assert.match(textOf(replaced), /Ticket WH-3 opened/);
    const tries = creates().filter((r) => (r.json as { subject: string }).subject.includes('zmuller'));
    assert.ok(tries.length >= 2, 'retried');
    assert.equal(new Set(tries.map((r) => r.headers['x-mypass-delivery'])).size, 1, 'every try is the same delivery (the receiver can tell a retry)');
    assert.equal(accepted.filter((s) => s.includes('zmuller')).length, 1, 'accepted once');
  });

  it('a mention of escalate with the receiver down is kept like the slash command; back up: the asker gets the link in a new private message there', async () => {
    up = false;
    const threadTs = '1712345678.000300';
    const before = h.fake.callsTo('chat.postEphemeral').length;
    const ack = await h.mention(AGENT, `<@${h.fake.botUserId}> escalate ${USERS.jdoe} printer queue stuck`, { threadTs });
    assert.equal(ack.status, 200);
    const kept = await h.fake.waitFor((c) => c.method === 'chat.postEphemeral' && h.fake.callsTo('chat.postEphemeral').indexOf(c) >= before);
    assert.match(textOf(kept), /The ticket system is not reachable right now\. Your escalation of John Doe \(jdoe\) is kept/);
    await new Promise((r) => setTimeout(r, 500));
    up = true;
    // A mention's ephemeral message cannot be updated: the ticket follows as a new one, to the asker alone, in the same place.
    const followed = await h.fake.waitFor((c) => c.method === 'chat.postEphemeral' && h.fake.callsTo('chat.postEphemeral').indexOf(c) > before, 10_000);
    assert.equal(followed.body.user, AGENT);
    assert.equal(followed.body.channel, kept.body.channel);
    assert.equal(followed.body.thread_ts, threadTs);
    assert.match(textOf(followed), /Ticket WH-4 opened/);
    assert.deepEqual(blockKitProblems(followed.body), []);
    assert.equal(h.fake.callsTo('chat.postMessage').length, 0, 'nothing for the whole channel to see');
  });

  it('the Escalate form submitted with the receiver down: the pressed message is replaced with the link once delivered', async () => {
    const { answer: details } = await h.ask(AGENT, `user ${USERS.jsmithers}`);
    const escalate = buttonsOf(details).find((b) => b.value && (JSON.parse(b.value) as { verb: string }).verb === VERBS.ticketEscalate);
    assert.ok(escalate, 'no Escalate button');
    const { answer: form } = await h.press(AGENT, escalate);
    const input = (form.body.blocks as { type: string; block_id?: string; element?: { action_id?: string } }[]).find((b) => b.type === 'input');
    assert.ok(input?.block_id && input.element?.action_id);
    const submit = buttonsOf(form).find((b) => b.value && (JSON.parse(b.value) as { verb: string }).verb === VERBS.ticketEscalateSubmit);
    assert.ok(submit);
    up = false;
    const { answer: kept, responseUrl } = await h.press(AGENT, submit, {
      state: { [input.block_id]: { [input.element.action_id]: { type: 'plain_text_input', value: 'token lost' } } },
    });
    assert.match(textOf(kept), /The ticket system is not reachable right now\. Your escalation of James Smithers \(jsmithers\) is kept/);
    await new Promise((r) => setTimeout(r, 500));
    up = true;
    const path = new URL(responseUrl).pathname;
    const replaced = await h.fake.waitFor((c) => c.method === 'response_url' && c.path === path && c !== kept, 10_000);
    assert.equal(replaced.body.replace_original, true);
    assert.match(textOf(replaced), /Ticket WH-5 opened/);
  });
});
