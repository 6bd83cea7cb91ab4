// Approvals of an agent's `/helpdesk pin <user> view` over signed Slack requests, against Samba AD: the
// request is posted to the channel as an ordinary (non-ephemeral) message holding only what the agent
// typed, who asked and the state; Approve / Deny act only for supervisors (role re-checked on the press;
// the requester and everyone else get a private refusal); a decision updates the channel message for
// everyone with chat.update; on approval the requester alone gets the PIN as an ephemeral message, once,
// with Hide; a late click says who decided and changes nothing; a denial names the supervisor.
import assert from 'node:assert/strict';
import { Attribute, Change } from 'ldapts';
import { VERBS } from '../../src/domain/verbs';
import { blockKitProblems } from '../helpers/slack-block-limits';
import { buttonByVerb, buttonsOf, startSlackHarness, textOf, type DrawnButton, type SlackHarness } from '../helpers/slack-harness';
import type { RecordedCall } from '../helpers/slack-api-fake';
import { asAdmin, GROUP_DNS, MAIL_DOMAIN, rawUser, USERS } from '../helpers/samba';
import { blockActions, postSigned, slashCommand } from '../helpers/slack-requests';

const AGENT = 'U0AGENT01';
const SUPER = 'U0SUPER01';
const SECOND = 'U0MARY001';
const CHANNEL = 'C0HELPDESK';

describe('Approvals of pin view over signed Slack requests, against Samba AD', function () {
  this.timeout(30_000);
  let h: SlackHarness;
  let managerDn: string;

  const member = (op: 'add' | 'delete') => asAdmin((c) => c.modify(GROUP_DNS.supervisors, [
    new Change({ operation: op, modification: new Attribute({ type: 'member', values: [managerDn] }) }),
  ]));

  before(async () => {
    managerDn = (await rawUser(USERS.manager, ['1.1'])).dn;
    await member('add'); // a second supervisor for this file
    h = await startSlackHarness({
      slackUsers: [
        { id: AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' },
        { id: SUPER, email: `${USERS.supervisor}@${MAIL_DOMAIN}`, realName: 'Sam Supervisor' },
        { id: SECOND, email: `${USERS.manager}@${MAIL_DOMAIN}`, realName: 'Mary Manager' },
      ],
    });
  });
  after(async () => {
    await h?.close();
    await member('delete');
  });

  /** The agent's slash command in the channel: the message posted there (and no private answer). */
  async function ask(user: string): Promise<{ message: RecordedCall; ts: string }> {
    const posted = h.fake.callsTo('chat.postMessage').length;
    const { ack, responseUrl } = await h.command(AGENT, `pin ${user} view`);
    assert.equal(ack.status, 200);
    const message = await h.fake.waitFor((c) => c.method === 'chat.postMessage' && h.fake.callsTo('chat.postMessage').indexOf(c) >= posted);
    assert.ok(!h.fake.calls.some((c) => c.method === 'response_url' && c.path === new URL(responseUrl).pathname), 'no ephemeral answer besides');
    return { message, ts: h.fake.tsOf(message) };
  }

  /** A press on the channel's (non-ephemeral) message `messageTs`; resolves with the HTTP ack. */
  async function press(userId: string, button: DrawnButton, messageTs: string, responseUrl = h.fake.newResponseUrl()) {
    const ack = await postSigned(h.eventsUrl, blockActions({
      userId, responseUrl, ephemeral: false, channelId: CHANNEL, messageTs,
      action: { action_id: button.action_id, ...(button.value !== undefined ? { value: button.value } : {}), text: button.text },
    }));
    assert.equal(ack.status, 200);
    return responseUrl;
  }

  const pinIn = (call: RecordedCall) => /\b(\d{4} \d{4})\b/.exec(textOf(call))?.[1]?.replace(' ', '');

  it('the request goes to the channel as a normal message with only what was typed, who asked and the state', async () => {
    const { message } = await ask(USERS.jdoe);
    assert.equal(message.body.channel, CHANNEL);
    assert.notEqual(message.body.response_type, 'ephemeral');
    assert.deepEqual(blockKitProblems(message.body), []);
    const text = textOf(message);
    assert.match(text, /Pending/);
    assert.match(text, /\*Alice Agent\* asked: `pin jdoe view`/);
    assert.ok(!/John Doe|0199|corp\.example/.test(text), 'nothing about the user beyond what was typed');
    buttonByVerb(message, VERBS.approvalApprove);
    buttonByVerb(message, VERBS.approvalDeny);
  });

  it('the requester cannot approve; a supervisor approves: the channel message is updated, the PIN reaches the requester only, once, with Hide; a late click says who decided', async () => {
    const { message, ts: messageTs } = await ask(USERS.jsmith);
    const approve = buttonByVerb(message, VERBS.approvalApprove);

    const own = await press(AGENT, approve, messageTs);
    const refusal = await h.fake.responseTo(own);
    assert.equal(refusal.body.response_type, 'ephemeral');
    assert.equal(refusal.body.replace_original, false, 'the shared message stays');
    assert.match(textOf(refusal), /needs the supervisor role/);

    const updates = h.fake.callsTo('chat.update').length;
    const ephemerals = h.fake.callsTo('chat.postEphemeral').length;
    await press(SUPER, approve, messageTs);
    const update = await h.fake.waitFor((c) => c.method === 'chat.update' && h.fake.callsTo('chat.update').indexOf(c) >= updates);
    assert.equal(update.body.channel, CHANNEL);
    assert.equal(update.body.ts, messageTs, 'the request message itself');
    assert.match(textOf(update), /Approved/);
    assert.match(textOf(update), /Approved by \*Sam Supervisor\*/);
    assert.equal(pinIn(update), undefined, 'no PIN in the channel');
    assert.ok(!textOf(update).includes(VERBS.approvalApprove), 'no more Approve / Deny');

    const privately = await h.fake.waitFor((c) => c.method === 'chat.postEphemeral' && h.fake.callsTo('chat.postEphemeral').indexOf(c) >= ephemerals);
    assert.equal(privately.body.user, AGENT, 'to the requester');
    assert.equal(privately.body.channel, CHANNEL);
    const pin = pinIn(privately);
    assert.ok(pin && /^\d{8}$/.test(pin), 'the 8-digit PIN');
    assert.deepEqual(blockKitProblems(privately.body), []);
    assert.equal(h.fake.calls.filter((c) => pinIn(c) === pin).length, 1, 'the PIN is in that one message only');

    const { answer: hidden } = await h.press(AGENT, buttonByVerb(privately, VERBS.secretHide), { ephemeral: true });
    assert.equal(hidden.body.replace_original, true);
    assert.equal(pinIn(hidden), undefined, 'Hide replaces it without the PIN');

    const late = await h.fake.responseTo(await press(SECOND, buttonByVerb(message, VERBS.approvalDeny), messageTs));
    assert.equal(late.body.response_type, 'ephemeral');
    assert.match(textOf(late), /already approved by Sam Supervisor at \d\d:\d\d UTC; nothing was changed/);
    assert.equal(h.fake.callsTo('chat.update').length, updates + 1, 'the late click changed nothing');
    assert.equal(h.fake.calls.filter((c) => pinIn(c) === pin).length, 1, 'and showed no PIN');

    const audit = (await h.store.audit.list({ limit: 200 })).map((e) => `${e.action} ${e.outcome}`);
    for (const step of ['approval.request success', 'approval.approve refused', 'approval.approve success', 'approval.deny refused', 'pin.view requested']) {
      assert.ok(audit.includes(step), step);
    }
  });

  it('approvals: a supervisor gets the pending requests privately, newest first, each with Approve / Deny; an agent is refused', async () => {
    const { message } = await ask(USERS.jdoe);
    const { answer } = await h.ask(SUPER, 'approvals');
    assert.equal(answer.body.response_type, 'ephemeral');
    assert.deepEqual(blockKitProblems(answer.body), []);
    const text = textOf(answer);
    assert.match(text, /Pending approval requests \(\d+\)/);
    assert.match(text, /\*Alice Agent\* asked: `pin jdoe view`/);
    assert.equal(buttonByVerb(answer, VERBS.approvalApprove).value, buttonByVerb(message, VERBS.approvalApprove).value, 'the newest request first, with its own buttons');
    buttonByVerb(answer, VERBS.approvalDeny);
    const refused = await h.ask(AGENT, 'approvals');
    assert.match(textOf(refused.answer), /Listing pending approval requests needs the supervisor role/);
  });

  it('a denial updates the channel message with the supervisor\'s name and sends no PIN', async () => {
    const { message, ts: messageTs } = await ask(USERS.cobrien);
    const updates = h.fake.callsTo('chat.update').length;
    const ephemerals = h.fake.callsTo('chat.postEphemeral').length;
    await press(SECOND, buttonByVerb(message, VERBS.approvalDeny), messageTs);
    const update = await h.fake.waitFor((c) => c.method === 'chat.update' && h.fake.callsTo('chat.update').indexOf(c) >= updates);
    assert.match(textOf(update), /Denied/);
    assert.match(textOf(update), /Denied by Mary Manager/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(h.fake.callsTo('chat.postEphemeral').length, ephemerals, 'no PIN message');
  });
});

describe('Approvals with APPROVALS_SLACK_CHANNEL: also posted to the supervisors\' channel, every copy updated', function () {
  this.timeout(30_000);
  let h: SlackHarness;
  const SUPERVISORS = 'C0SUPERVIS';

  before(async () => {
    h = await startSlackHarness({
      slackUsers: [
        { id: AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' },
        { id: SUPER, email: `${USERS.supervisor}@${MAIL_DOMAIN}`, realName: 'Sam Supervisor' },
      ],
      approvalsChannel: SUPERVISORS,
    });
  });
  after(async () => {
    await h?.close();
  });

  it('the request reaches both channels; approving in the supervisors\' channel updates both; the PIN goes to the requester where they asked', async () => {
    const { ack } = await h.command(AGENT, `pin ${USERS.jdoe} view`);
    assert.equal(ack.status, 200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').length === 2);
    const [asked, supervisors] = h.fake.callsTo('chat.postMessage');
    assert.equal(asked?.body.channel, CHANNEL);
    assert.equal(supervisors?.body.channel, SUPERVISORS);
    assert.ok(asked && supervisors);
    assert.equal(textOf(asked), textOf(supervisors), 'the same card: only what was typed, who asked, the state');

    // The fake answers chat.postMessage with a ts; the press names the supervisors' copy by it.
    const supervisorsTs = h.fake.tsOf(supervisors);
    const button = buttonByVerb(supervisors, VERBS.approvalApprove);
    const ack2 = await postSigned(h.eventsUrl, blockActions({
      userId: SUPER, responseUrl: h.fake.newResponseUrl(), ephemeral: false, channelId: SUPERVISORS, messageTs: supervisorsTs,
      action: { action_id: button.action_id, ...(button.value !== undefined ? { value: button.value } : {}), text: button.text },
    }));
    assert.equal(ack2.status, 200);
    const pinMessage = await h.fake.waitFor((c) => c.method === 'chat.postEphemeral');
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length === 2);
    const updates = h.fake.callsTo('chat.update');
    assert.deepEqual(updates.map((u) => `${String(u.body.channel)} ${String(u.body.ts)}`).sort(), [`${CHANNEL} ${h.fake.tsOf(asked)}`, `${SUPERVISORS} ${supervisorsTs}`].sort());
    for (const u of updates) {
      assert.match(textOf(u), /Approved by \*Sam Supervisor\*/);
      assert.deepEqual(buttonsOf(u), [], 'no Approve / Deny, and no "Show the PIN" once it reached the requester');
    }
    assert.equal(pinMessage.body.channel, CHANNEL, 'where the requester asked');
    assert.equal(pinMessage.body.user, AGENT);
    assert.match(textOf(pinMessage), /\b\d{4} \d{4}\b/);
  });

  it('asked in the agent\'s DM with the app: that message has no Approve / Deny; decided on a supervisor\'s private approvals list, both messages lose their buttons and the PIN reaches the requester once', async () => {
    const DM = 'D0AGENTDM1';
    const posted = h.fake.callsTo('chat.postMessage').length;
    const ack = await postSigned(h.eventsUrl, slashCommand({ userId: AGENT, text: `pin ${USERS.jsmith} view`, responseUrl: h.fake.newResponseUrl(), channelId: DM }));
    assert.equal(ack.status, 200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').length === posted + 2);
    const [mine, theirs] = h.fake.callsTo('chat.postMessage').slice(posted);
    assert.ok(mine && theirs);
    assert.equal(mine.body.channel, DM);
    assert.equal(theirs.body.channel, SUPERVISORS);
    assert.deepEqual(buttonsOf(mine).map((b) => b.text.text), ['Refresh'], 'the requester is not offered Approve / Deny');
    buttonByVerb(theirs, VERBS.approvalApprove);

    const { answer: list } = await h.ask(SUPER, 'approvals');
    const approve = buttonByVerb(list, VERBS.approvalApprove);
    assert.equal(approve.value, buttonByVerb(theirs, VERBS.approvalApprove).value, 'the request just asked');
    const updates = h.fake.callsTo('chat.update').length;
    const ephemerals = h.fake.callsTo('chat.postEphemeral').length;
    const { answer } = await h.press(SUPER, approve, { ephemeral: true });
    assert.match(textOf(answer), /Approved by \*Sam Supervisor\*/);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length === updates + 2);
    const updated = h.fake.callsTo('chat.update').slice(updates);
    assert.deepEqual(updated.map((u) => `${String(u.body.channel)} ${String(u.body.ts)}`).sort(), [`${DM} ${h.fake.tsOf(mine)}`, `${SUPERVISORS} ${h.fake.tsOf(theirs)}`].sort());
    for (const u of updated) {
      assert.match(textOf(u), /Approved by \*Sam Supervisor\*/);
      assert.deepEqual(buttonsOf(u), [], 'no button left on a decided request');
    }
    const pins = h.fake.callsTo('chat.postEphemeral').slice(ephemerals);
    assert.equal(pins.length, 1, 'the PIN once');
    assert.equal(pins[0]?.body.user, AGENT);
    assert.equal(pins[0]?.body.channel, DM, 'where the requester asked');
    assert.match(textOf(pins[0] as RecordedCall), /\b\d{4} \d{4}\b/);
  });

  it('asked as a mention: the same request as the slash command\'s, posted to both channels and nowhere privately; approving one copy updates both and the PIN reaches the requester', async () => {
    const posted = h.fake.callsTo('chat.postMessage').length;
    const ephemerals = h.fake.callsTo('chat.postEphemeral').length;
    assert.equal((await h.mention(AGENT, `<@${h.fake.botUserId}> pin ${USERS.cobrien} view`)).status, 200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').length === posted + 2);
    const [asked, supervisors] = h.fake.callsTo('chat.postMessage').slice(posted);
    assert.ok(asked && supervisors);
    assert.equal(asked.body.channel, CHANNEL);
    assert.equal(supervisors.body.channel, SUPERVISORS);
    assert.notEqual(asked.body.response_type, 'ephemeral');
    assert.deepEqual(blockKitProblems(asked.body), []);
    assert.match(textOf(asked), /\*Alice Agent\* asked: `pin cobrien view`/);
    assert.equal(textOf(asked), textOf(supervisors), 'the same card in both channels');
    await h.surface.idle();
    assert.equal(h.fake.callsTo('chat.postEphemeral').length, ephemerals, 'no private answer besides, as for the slash command');

    // The slash command's request (for another user) is drawn alike.
    const slashPosted = h.fake.callsTo('chat.postMessage').length;
    await h.command(AGENT, `pin ${USERS.zmuller} view`);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').length === slashPosted + 2);
    const slash = h.fake.callsTo('chat.postMessage')[slashPosted];
    assert.ok(slash);
    assert.match(textOf(slash), /\*Alice Agent\* asked: `pin zmuller view`/);
    assert.deepEqual(buttonsOf(asked).map((b) => b.text.text), buttonsOf(slash).map((b) => b.text.text), 'the same buttons');

    const updates = h.fake.callsTo('chat.update').length;
    const button = buttonByVerb(supervisors, VERBS.approvalApprove);
    assert.equal((await postSigned(h.eventsUrl, blockActions({
      userId: SUPER, responseUrl: h.fake.newResponseUrl(), ephemeral: false, channelId: SUPERVISORS, messageTs: h.fake.tsOf(supervisors),
      action: { action_id: button.action_id, ...(button.value !== undefined ? { value: button.value } : {}), text: button.text },
    }))).status, 200);
    const pin = await h.fake.waitFor((c) => c.method === 'chat.postEphemeral' && h.fake.callsTo('chat.postEphemeral').indexOf(c) >= ephemerals);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length === updates + 2);
    const updated = h.fake.callsTo('chat.update').slice(updates);
    assert.deepEqual(updated.map((u) => `${String(u.body.channel)} ${String(u.body.ts)}`).sort(), [`${CHANNEL} ${h.fake.tsOf(asked)}`, `${SUPERVISORS} ${h.fake.tsOf(supervisors)}`].sort());
    for (const u of updated) assert.match(textOf(u), /Approved by \*Sam Supervisor\*/);
    assert.equal(pin.body.user, AGENT);
    assert.equal(pin.body.channel, CHANNEL, 'where the requester asked');
    assert.match(textOf(pin), /\b\d{4} \d{4}\b/);
  });
});
