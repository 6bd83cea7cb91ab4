// Approvals of an agent's `pin <user> view` over the Bot Framework protocol in a Teams channel, against
// Samba AD: the request card is posted in the channel; the requester cannot approve it; a supervisor's
// approval updates the shared message for everyone (connector PUT); a second supervisor's late click
// changes nothing and says who decided; two concurrent approvals make one decision; an expired request
// cannot be approved; the PIN reaches only the requester's own view (their refresh), once.
import assert from 'node:assert/strict';
import { Attribute, Change } from 'ldapts';
import { VERBS } from '../../src/domain/verbs';
import { cardActions, cardText, parseEvents } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { PORTAL_TOKEN, portalCall } from '../helpers/portal-api-client';
import { asAdmin, GROUP_DNS, rawUser, USERS } from '../helpers/samba';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';

type Card = Record<string, unknown>;

/** The buttons a card draws (its `refresh` is no button). */
const drawn = (card: unknown) => cardActions({ ...(card as Card), refresh: undefined }).map((a) => a.verb);

describe('Approvals of pin view in a Teams channel, against Samba AD', function () {
  this.timeout(60_000);
  let h: BotHarness;
  let agent: TeamsMember;
  let supervisor: TeamsMember;
  let second: TeamsMember;
  let managerDn: string;

  const member = (op: 'add' | 'delete') => asAdmin((c) => c.modify(GROUP_DNS.supervisors, [
    new Change({ operation: op, modification: new Attribute({ type: 'member', values: [managerDn] }) }),
  ]));

  before(async () => {
    managerDn = (await rawUser(USERS.manager, ['1.1'])).dn;
    await member('add'); // a second supervisor for this file
    h = await startBotHarness({ portalApiToken: PORTAL_TOKEN, settings: { changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } } });
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    supervisor = h.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
    second = h.connector.addMember(teamsMember(USERS.manager, 'Mary Manager'));
  });
  after(async () => {
    await h?.close();
    await member('delete');
  });

  /** The agent asks in the channel: the card everyone sees, and the id of the message it is in. */
  async function ask(user: string): Promise<{ card: Card; messageId: string }> {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user: agent, conversation: 'channel', text: `pin ${user} view` }));
    assert.equal(res.status, 200, res.text);
    const reply = h.connector.replies.slice(before)[0];
    assert.ok(reply);
    const card = reply.activity.attachments?.[0]?.content as Card;
    assert.deepEqual(parseEvents(card), []);
    return { card, messageId: reply.answeredId };
  }

  async function press(user: TeamsMember, verb: string, data: Record<string, unknown>, messageId: string, trigger: 'manual' | 'automatic' = 'manual'): Promise<Card> {
    const res = await postActivity(h.url, teamsInvoke({ serviceUrl: h.connector.url, user, conversation: 'channel', verb, data, replyToId: messageId, trigger }));
    assert.equal(res.status, 200, res.text);
    const card = (res.body as { value: unknown }).value as Card;
    assert.deepEqual(parseEvents(card), []);
    return card;
  }

  const idOf = (card: Card) => String((cardActions(card).find((a) => a.verb === VERBS.approvalApprove)?.data as Record<string, unknown>).approvalId);
  const pinIn = (card: Card) => /\b(\d{4} \d{4})\b/.exec(cardText(card))?.[1]?.replace(' ', '');

  it('an agent\'s pin view posts a pending request with Approve / Deny, refreshed for the requester only, naming nobody but the typed login', async () => {
    const { card } = await ask(USERS.jdoe);
    const text = cardText(card);
    assert.match(text, /Pending/);
    assert.match(text, /Alice Agent\s+asked:\s+pin jdoe view/);
    assert.ok(!/John Doe|0199/.test(text), 'nothing about the user beyond what was typed');
    assert.deepEqual((card.refresh as { userIds: string[] }).userIds, [agent.id]);
    assert.deepEqual(cardActions(card).map((a) => a.verb).filter((v) => v !== VERBS.approvalShow), [VERBS.approvalApprove, VERBS.approvalDeny]);
  });

  it('approvals in a supervisor\'s 1:1 chat: the pending requests, newest first, each with Approve / Deny that decide it; an agent is refused', async () => {
    const { card } = await ask(USERS.jdoe);
    const say = async (user: TeamsMember, text: string): Promise<Card> => {
      const before = h.connector.replies.length;
      const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user, conversation: 'personal', text }));
      assert.equal(res.status, 200, res.text);
      const reply = h.connector.replies.slice(before)[0]?.activity.attachments?.[0]?.content as Card;
      assert.deepEqual(parseEvents(reply), []);
      return reply;
    };
    const list = await say(supervisor, 'approvals');
    assert.match(cardText(list), /Pending approval requests \(\d+\)/);
    assert.match(cardText(list), /Alice Agent\s+asked:\s+pin jdoe view/);
    assert.equal(idOf(list), idOf(card), 'the newest request first');
    assert.ok(cardActions(list).some((a) => a.verb === VERBS.approvalDeny));
    assert.match(cardText(await say(agent, 'approvals')), /Listing pending approval requests needs the supervisor role/);
  });

  it('the requester cannot approve; a supervisor approves; the shared card shows it to everyone; a late click says who decided; the PIN reaches the requester once', async () => {
    const { card, messageId } = await ask(USERS.jsmith);
    const data = { approvalId: idOf(card) };
    assert.match(cardText(await press(agent, VERBS.approvalApprove, data, messageId)), /needs the supervisor role/);
    const puts = h.connector.replies.length;
    const approved = await press(supervisor, VERBS.approvalApprove, data, messageId);
    assert.match(cardText(approved), /Approved/);
    assert.equal(pinIn(approved), undefined, 'the approver does not see the PIN');
    const update = h.connector.replies.slice(puts).find((r) => r.method === 'PUT' && r.replyToId === messageId);
    assert.ok(update, 'the shared message was updated for everyone');
    assert.match(cardText(update.activity.attachments?.[0]?.content), /Approved by Sam Supervisor/);
    assert.deepEqual(drawn(update.activity.attachments?.[0]?.content), [], 'no Approve / Deny, no Show fallback: the requester\'s client refreshes');
    assert.deepEqual(drawn(approved), []);

    const late = await press(second, VERBS.approvalDeny, data, messageId);
    assert.match(cardText(late), /already approved by Sam Supervisor at \d\d:\d\d UTC; nothing was changed/);

    assert.equal(pinIn(await press(second, VERBS.approvalShow, data, messageId, 'automatic')), undefined, 'another member: no PIN');
    const mine = await press(agent, VERBS.approvalShow, data, messageId, 'automatic');
    const pin = pinIn(mine);
    assert.ok(pin && /^\d{8}$/.test(pin), 'the requester sees the 8-digit PIN');
    const again = await press(agent, VERBS.approvalShow, data, messageId, 'automatic');
    assert.equal(pinIn(again), undefined, 'once');
    assert.match(cardText(again), /the PIN was shown to Alice Agent at/);
    const verify = await portalCall(h.url, 'POST', '/api/portal/pins/verify', { user: USERS.jsmith, pin });
    assert.deepEqual(verify.body, { valid: true });
    const audit = (await h.store.audit.list({ limit: 200 })).map((e) => `${e.action} ${e.outcome}`);
    for (const step of ['approval.request success', 'approval.approve success', 'approval.deny refused', 'pin.view requested']) assert.ok(audit.includes(step), step);
  });

  it('two concurrent approvals produce one decision', async () => {
    const { card, messageId } = await ask(USERS.cobrien);
    const data = { approvalId: idOf(card) };
    const [a, b] = await Promise.all([press(supervisor, VERBS.approvalApprove, data, messageId), press(second, VERBS.approvalApprove, data, messageId)]);
    const texts = [cardText(a), cardText(b)];
    assert.equal(texts.filter((t) => /already approved by/.test(t)).length, 1, texts.join('\n---\n'));
    const decisions = (await h.store.audit.list({ limit: 200 })).filter((e) => e.action === 'approval.approve' && e.outcome === 'success' && e.target === USERS.cobrien);
    assert.equal(decisions.length, 1);
  });

  it('an expired request cannot be approved, and the card says so; a denial names the supervisor', async () => {
    const { card, messageId } = await ask(USERS.zmuller);
    const data = { approvalId: idOf(card) };
    h.clock.advance(16 * 60_000);
    try {
      assert.match(cardText(await press(supervisor, VERBS.approvalApprove, data, messageId)), /has expired; nothing was changed/);
      assert.match(cardText(await press(agent, VERBS.approvalShow, data, messageId, 'automatic')), /Expired/);
    } finally {
      h.clock.advance(-16 * 60_000);
    }
    const denied = await ask(USERS.cobrien);
    const d = { approvalId: idOf(denied.card) };
    await press(supervisor, VERBS.approvalDeny, d, denied.messageId);
    assert.match(cardText(await press(agent, VERBS.approvalShow, d, denied.messageId, 'automatic')), /Denied by Sam Supervisor/);
  });
});

describe('Approvals with APPROVALS_TEAMS_CONVERSATION: also sent to the supervisors\' conversation, every copy updated', function () {
  this.timeout(60_000);
  const SUPERVISORS = '19:supervisors@thread.tacv2';
  let h: BotHarness;
  let agent: TeamsMember;
  let supervisor: TeamsMember;

  before(async () => {
    h = await startBotHarness({ approvalsConversation: SUPERVISORS, settings: { changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } } });
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    supervisor = h.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
  });
  after(async () => {
    await h?.close();
  });

  it('the request reaches the supervisors\' conversation (sendToConversation); approving there updates the agent\'s copy too; the PIN reaches the requester only', async () => {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user: agent, conversation: 'channel', text: `pin ${USERS.jdoe} view` }));
    assert.equal(res.status, 200, res.text);
    const sent = h.connector.replies.slice(before);
    assert.equal(sent.length, 2, 'where asked, and to the supervisors');
    const [asked, copy] = sent;
    assert.ok(asked && copy);
    assert.equal(copy.conversationId, SUPERVISORS);
    assert.equal(copy.method, 'POST');
    assert.equal(copy.replyToId, undefined, 'a new message in that conversation (sendToConversation), not a reply');
    const card = copy.activity.attachments?.[0]?.content as Card;
    assert.deepEqual(parseEvents(card), []);
    assert.match(cardText(card), /Alice Agent\s+asked:\s+pin jdoe view/);
    assert.ok(!/John Doe|0199/.test(cardText(card)), 'nothing about the user beyond what was typed');
    const approve = cardActions(card).find((a) => a.verb === VERBS.approvalApprove);
    assert.ok(approve);

    const puts = h.connector.replies.length;
    const pressed = await postActivity(h.url, teamsInvoke({
      serviceUrl: h.connector.url, user: supervisor, conversation: 'channel', conversationId: `${SUPERVISORS};messageid=${copy.answeredId}`,
      verb: VERBS.approvalApprove, data: approve.data as Record<string, unknown>, replyToId: copy.answeredId,
    }));
    assert.equal(pressed.status, 200, pressed.text);
    const updates = h.connector.replies.slice(puts).filter((r) => r.method === 'PUT');
    const base = (id: string) => id.split(';')[0];
    assert.deepEqual(updates.map((u) => `${base(u.conversationId)} ${u.replyToId ?? ''}`).sort(), [`${SUPERVISORS} ${copy.answeredId}`, `${base(asked.conversationId)} ${asked.answeredId}`].sort());
    for (const u of updates) {
      assert.match(cardText(u.activity.attachments?.[0]?.content), /Approved by Sam Supervisor/);
      assert.ok(!/\b\d{4} \d{4}\b/.test(cardText(u.activity.attachments?.[0]?.content)), 'no PIN on a shared card');
    }
    const approvalId = String((approve.data as Record<string, unknown>).approvalId);
    const mine = await postActivity(h.url, teamsInvoke({
      serviceUrl: h.connector.url, user: agent, conversation: 'channel', verb: VERBS.approvalShow, data: { approvalId }, replyToId: asked.answeredId, trigger: 'automatic',
    }));
    assert.match(cardText((mine.body as { value: unknown }).value), /\b\d{4} \d{4}\b/, 'the requester\'s own view shows the PIN');
  });

  it('asked in the agent\'s 1:1 chat: their first card has no Approve / Deny (only Refresh, refreshed for them); the supervisors\' copy has them; the decision leaves no button on either', async () => {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user: agent, conversation: 'personal', text: `pin ${USERS.jsmith} view` }));
    assert.equal(res.status, 200, res.text);
    const [asked, copy] = h.connector.replies.slice(before);
    assert.ok(asked && copy);
    assert.equal(copy.conversationId, SUPERVISORS);
    const mine = asked.activity.attachments?.[0]?.content as Card;
    const theirs = copy.activity.attachments?.[0]?.content as Card;
    assert.deepEqual(parseEvents(mine), []);
    assert.match(cardText(mine), /Pending/);
    assert.deepEqual(drawn(mine), [VERBS.approvalShow], 'only Refresh: the requester is not offered Approve / Deny');
    assert.deepEqual((mine.refresh as { userIds: string[] }).userIds, [agent.id]);
    assert.deepEqual(drawn(theirs), [VERBS.approvalApprove, VERBS.approvalDeny]);

    const approve = cardActions(theirs).find((a) => a.verb === VERBS.approvalApprove);
    assert.ok(approve);
    const puts = h.connector.replies.length;
    const pressed = await postActivity(h.url, teamsInvoke({
      serviceUrl: h.connector.url, user: supervisor, conversation: 'channel', conversationId: `${SUPERVISORS};messageid=${copy.answeredId}`,
      verb: VERBS.approvalDeny, data: approve.data as Record<string, unknown>, replyToId: copy.answeredId,
    }));
    assert.equal(pressed.status, 200, pressed.text);
    const updates = h.connector.replies.slice(puts).filter((r) => r.method === 'PUT');
    assert.equal(updates.length, 2, 'the agent\'s card and the supervisors\' copy');
    for (const u of updates) {
      assert.match(cardText(u.activity.attachments?.[0]?.content), /Denied by Sam Supervisor/);
      assert.deepEqual(drawn(u.activity.attachments?.[0]?.content), [], 'the decided card has no buttons');
    }
  });
});
