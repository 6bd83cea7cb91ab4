// Escalations into a real Request Tracker 5 (started by the mocha global setup for *.rt.spec.ts), over
// the Bot Framework protocol against Samba AD: the ticket's subject, queue, requestor, reference and
// content; a second escalation and a later unlock become comments on it; the chat reply links it; a
// closed ticket means a new one; with RT stopped the escalation is kept, answered plainly, and after RT is
// back exactly one ticket exists and the chat message is updated. Every text RT holds is read back through
// REST2 at the end: no password, enrollment answer or code appears in any of them.
import assert from 'node:assert/strict';
import { requestTrackerSink } from '../../src/adapters/tickets/request-tracker';
import { VERBS } from '../../src/domain/verbs';
import { cardActions, cardText, parseEvents } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { PORTAL_TOKEN, portalCall } from '../helpers/portal-api-client';
import { rtGet, rtHistory, rtInfo, rtPut, rtSearch, rtStart, rtStop, rtTicketTexts } from '../helpers/request-tracker';
import { ldapBindAs, lockOut, resetSeededUser, USERS } from '../helpers/samba';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';

type Card = Record<string, unknown>;

describe('Escalations into a real Request Tracker 5, over the Teams protocol against Samba AD', function () {
  this.timeout(60_000);
  let h: BotHarness;
  let agent: TeamsMember;
  let supervisor: TeamsMember;
  const secrets: string[] = [];
  const ticketIds = new Set<string>();

  before(async () => {
    const rt = rtInfo();
    h = await startBotHarness({
      portalApiToken: PORTAL_TOKEN,
      ticketSink: requestTrackerSink({ url: rt.url, token: rt.token, queue: 'Helpdesk', timeoutMs: 3000 }),
      ticketRetry: { firstMs: 300, maxMs: 1000, pollMs: 200 },
    });
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    supervisor = h.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
    // Enrollment answers the portal sent: secrets a ticket must never carry.
    const answers = ['Answer-Pelican-7731', 'Answer-Zanzibar-0042'];
    secrets.push(...answers);
    const put = await portalCall(h.url, 'PUT', `/api/portal/accounts/${USERS.jdoe}/enrollment`, {
      questions: answers.map((answer, i) => ({ question: `Question ${i + 1}?`, answer })),
    });
    assert.equal(put.status, 204);
  });
  after(async () => {
    await h?.close();
    await resetSeededUser(USERS.locky);
    await resetSeededUser(USERS.resetme);
  });

  async function say(user: TeamsMember, text: string): Promise<{ card: Card; id: string }> {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user, text }));
    assert.equal(res.status, 200, res.text);
    const reply = h.connector.replies.slice(before).find((r) => r.method === 'POST');
    assert.ok(reply, 'no reply');
    const card = reply.activity.attachments?.[0]?.content;
    assert.deepEqual(parseEvents(card), []);
    return { card: card as Card, id: reply.answeredId };
  }

  async function click(user: TeamsMember, action: Card | undefined, extra: Record<string, string> = {}): Promise<Card> {
    assert.ok(action, 'the button is missing');
    const data = { ...(action.data as Record<string, unknown>), ...extra };
    const res = await postActivity(h.url, teamsInvoke({ serviceUrl: h.connector.url, user, verb: String(action.verb), data }));
    assert.equal(res.status, 200, res.text);
    const card = (res.body as { value: unknown }).value;
    assert.deepEqual(parseEvents(card), []);
    return card as Card;
  }

  const button = (card: Card, verb: string) => cardActions(card).find((a) => a.verb === verb);
  const ticketLink = (card: Card) => cardActions(card).find((a) => a.type === 'Action.OpenUrl')?.url as string | undefined;
  const idOf = (card: Card) => {
    const m = /RT #(\d+)/.exec(cardText(card));
    assert.ok(m?.[1], `no ticket number in: ${cardText(card)}`);
    ticketIds.add(m[1]);
    return m[1];
  };

  let jdoeTicket = '';

  it('escalate creates a ticket: subject, queue, requestor, reference and content are right; the reply links it', async () => {
    const { card } = await say(agent, `escalate ${USERS.jdoe} caller locked out after travel, suspects phishing`);
    assert.match(cardText(card), /✔ Escalated/);
    jdoeTicket = idOf(card);
    assert.equal(ticketLink(card), `${rtInfo().url}/Ticket/Display.html?id=${jdoeTicket}`);

    const ticket = await rtGet<{ Subject: string; Queue: { id: string }; Requestor: { id: string }[]; CustomFields: { name: string; values: string[] }[]; Status: string }>(`/ticket/${jdoeTicket}`);
    assert.equal(ticket.Subject, 'Helpdesk escalation: John Doe (jdoe): caller locked out after travel, suspects phishing');
    assert.equal((await rtGet<{ Name: string }>(`/queue/${ticket.Queue.id}`)).Name, 'Helpdesk');
    assert.deepEqual(ticket.Requestor.map((r) => r.id), ['jdoe@corp.example.test']);
    const stored = await h.store.escalations.active(USERS.jdoe, 'rt');
    assert.ok(stored?.ticket);
    assert.deepEqual(ticket.CustomFields.find((f) => f.name === 'ExternalRef')?.values, [stored.ref], 'our reference is kept in the ticket');
    assert.equal(stored.ticket.id, jdoeTicket);

    const content = (await rtTicketTexts(jdoeTicket)).contents.join('\n');
    assert.match(content, /Reason:\ncaller locked out after travel, suspects phishing/);
    assert.match(content, /Escalated by Alice Agent \(hd\.agent, agent\) via Microsoft Teams, a private chat \(conversation /);
    assert.match(content, /User: John Doe \(jdoe\)/);
    assert.match(content, /Account: enabled, not locked/);
    assert.match(content, /Portal: /);
    assert.match(content, /manager: Mary Manager/);
    assert.match(content, /Caller not verified by the helpdesk\./);
    assert.match(content, /Last self-service events \(newest first\):/);
    assert.match(content, /Helpdesk actions for this user in the last 24 hours:/);
  });

  it('a second escalation of the same user adds a comment to the open ticket; no new ticket', async () => {
    const { card } = await say(agent, `escalate ${USERS.jdoe} caller called back: now the VPN fails too`);
    assert.match(cardText(card), /Added to ticket RT #/);
    assert.equal(idOf(card), jdoeTicket);
    assert.equal(ticketLink(card), `${rtInfo().url}/Ticket/Display.html?id=${jdoeTicket}`);
    assert.deepEqual((await rtHistory(jdoeTicket)).filter((t) => t.Type === 'Comment').length, 1);
    const content = (await rtTicketTexts(jdoeTicket)).contents.join('\n');
    assert.match(content, /Escalated again by Alice Agent .*\n\nReason:\ncaller called back: now the VPN fails too/);
    assert.equal((await rtSearch(`Requestor.EmailAddress = 'jdoe@corp.example.test'`)).length, 1);
  });

  it('the Escalate button on the details card asks for the reason in the card, then files it', async () => {
    const { card: details } = await say(agent, `user ${USERS.locky}`);
    const form = await click(agent, button(details, VERBS.ticketEscalate));
    assert.ok(cardActions(form).length >= 1);
    assert.match(JSON.stringify(form), /"type":"Input.Text","id":"reason"/);
    const done = await click(agent, button(form, VERBS.ticketEscalateSubmit), { reason: 'account keeps locking every morning' });
    assert.match(cardText(done), /Ticket RT #\d+ opened/);
    const id = idOf(done);
    assert.match((await rtTicketTexts(id)).subject, /Lucy Locke \(locky\): account keeps locking every morning/);
  });

  it('an unlock afterwards comments on the open ticket (who, what, how), without any secret', async () => {
    await resetSeededUser(USERS.locky);
    await lockOut(USERS.locky);
    const locky = await h.store.escalations.active(USERS.locky, 'rt');
    assert.ok(locky?.ticket);
    const before = (await rtHistory(locky.ticket.id)).filter((t) => t.Type === 'Comment').length;
    const { card: details } = await say(agent, `user ${USERS.locky}`);
    const confirm = await click(agent, button(details, VERBS.accountUnlock));
    assert.match(cardText(await click(agent, button(confirm, VERBS.confirmAccept))), /✔ Done/);
    await h.service.tickets?.idle();
    const comments = (await rtHistory(locky.ticket.id)).filter((t) => t.Type === 'Comment').length;
    assert.equal(comments, before + 1);
    const content = (await rtTicketTexts(locky.ticket.id)).contents.join('\n');
    assert.match(content, /Alice Agent \(hd\.agent, agent\) via Microsoft Teams, a private chat .* unlocked the Active Directory account of Lucy Locke \(locky\)\./);
  });

  it('a password reset on a user with an open ticket is noted, never the password', async () => {
    await say(agent, `escalate ${USERS.resetme} forgot password, manager confirmed identity`);
    const { card: confirm } = await say(supervisor, `reset ${USERS.resetme} view`);
    const result = await click(supervisor, button(confirm, VERBS.confirmAccept));
    const shown = /New password \(shown once\)\n([A-Za-z0-9 ]{19})/.exec(cardText(result))?.[1];
    assert.ok(shown, cardText(result));
    const password = shown.replace(/ /g, '');
    const bind = await ldapBindAs(USERS.resetme, password);
    assert.equal(bind.ok ? 'ok' : bind.data, '773', 'the reset really happened (the new password, to be changed at next logon)');
    secrets.push(password, shown);
    await h.service.tickets?.idle();
    const ticket = await h.store.escalations.active(USERS.resetme, 'rt');
    assert.ok(ticket?.ticket);
    ticketIds.add(ticket.ticket.id);
    const content = (await rtTicketTexts(ticket.ticket.id)).contents.join('\n');
    assert.match(content, /reset the password \(must change at next logon\) of Rita Reset \(resetme\); delivery: shown once to the agent\./);
  });

  it('a ticket closed in RT means the next escalation opens a new one', async () => {
    await rtPut(`/ticket/${jdoeTicket}`, { Status: 'resolved' });
    const { card } = await say(agent, `escalate ${USERS.jdoe} the problem is back a week later`);
    assert.match(cardText(card), /Ticket RT #\d+ opened/);
    const again = idOf(card);
    assert.notEqual(again, jdoeTicket);
    assert.equal((await h.store.escalations.get((await h.store.escalations.active(USERS.jdoe, 'rt'))?.ref ?? ''))?.ticket?.id, again);
  });

  it('RT stopped: a clear answer, the escalation kept; RT back: exactly one ticket, and the chat message shows it', async () => {
    await rtStop();
    let kept: { card: Card; id: string };
    try {
      kept = await say(agent, `escalate ${USERS.cobrien} cannot enroll in the portal`);
      assert.match(cardText(kept.card), /⏳ Kept/);
      assert.match(cardText(kept.card), /The ticket system is not reachable right now\. Your escalation of Conor O'Brien \(cobrien\) is kept and filed automatically/);
      const pending = await h.store.escalations.active(USERS.cobrien, 'rt');
      assert.equal(pending?.state, 'pending');
      // A second escalation while it is down joins the kept one (it becomes a comment once the ticket exists).
      const joined = await say(agent, `escalate ${USERS.cobrien} also locked out of e-mail`);
      assert.match(cardText(joined.card), /not created yet/);
      await new Promise((r) => setTimeout(r, 800)); // retries fail meanwhile
      assert.ok(((await h.store.escalations.get(pending.ref))?.attempts ?? 0) >= 2, 'retried while RT was down');
    } finally {
      await rtStart();
    }
    const pending = await h.store.escalations.active(USERS.cobrien, 'rt');
    assert.ok(pending);
    const update = await h.connector.waitFor((r) => r.method === 'PUT' && r.activity.id === kept.id, 20_000);
    const updated = update.activity.attachments?.[0]?.content as Card;
    assert.match(cardText(updated), /Ticket RT #\d+ opened/);
    const id = idOf(updated);
    await h.service.tickets?.idle();
    const found = await rtSearch(`CF.{ExternalRef} = '${pending.ref}'`);
    assert.deepEqual(found.map((t) => t.id), [id], 'exactly one ticket');
    assert.equal((await rtSearch(`Requestor.EmailAddress = 'cobrien@corp.example.test'`)).length, 1);
    assert.equal((await rtHistory(id)).filter((t) => t.Type === 'Comment').length, 1, 'the second escalation is its comment');
  });

  it('no secret appears in any ticket text (read back through REST2)', async () => {
    assert.ok(secrets.length >= 4 && ticketIds.size >= 4, `${secrets.length} secrets, ${ticketIds.size} tickets`);
    for (const id of ticketIds) {
      const { subject, contents } = await rtTicketTexts(id);
      const all = [subject, ...contents].join('\n');
      for (const secret of secrets) assert.ok(!all.includes(secret), `ticket ${id} holds a secret`);
    }
  });
});
