// The Slack surface over the real protocol, against the Samba AD test DC: signed slash commands,
// block_actions and Events API requests POSTed to /slack/events on the real restify server; the Bolt
// client's Web API (auth.test, users.info, chat.postEphemeral) and every response_url on a loopback fake.
import assert from 'node:assert/strict';
import { errorText } from '../../src/chat/core/error-text';
import type { ErrorCode } from '../../src/domain/errors';
import { blockKitProblems } from '../helpers/slack-block-limits';
import type { RecordedCall } from '../helpers/slack-api-fake';
import { buttonByVerb, buttonsOf, startSlackHarness, textOf, type SlackHarness } from '../helpers/slack-harness';
import { appMention, postSigned, TEST_BOT_TOKEN } from '../helpers/slack-requests';
import { ldapBindAs, lockOut, MAIL_DOMAIN, rawGroupNames, rawUser, resetSeededUser, SEED_PASSWORD, USERS } from '../helpers/samba';

const U = { agent: 'U0AGENT01', nested: 'U0NESTED1', supervisor: 'U0SUPER01', agent2: 'U0AGENT02', plain: 'U0PLAIN01' } as const;
const mail = (login: string) => `${login}@${MAIL_DOMAIN}`;

function assertError(call: RecordedCall, code: ErrorCode, params: Record<string, string> = {}): void {
  assert.equal(call.body.text, errorText(code, params), textOf(call));
}

describe('Slack protocol over loopback, against Samba AD', function () {
  this.timeout(30_000);
  let h: SlackHarness;

  before(async () => {
    h = await startSlackHarness({
      slackUsers: [
        { id: U.agent, email: mail(USERS.agent), realName: 'Alice Agent' },
        { id: U.agent2, email: mail(USERS.nestedAgent), realName: 'Nora Nested' },
        { id: U.supervisor, email: mail(USERS.supervisor), realName: 'Sam Supervisor' },
        { id: U.plain, email: mail(USERS.plain), realName: 'Paul Plain' },
      ],
    });
  });
  after(async () => {
    await resetSeededUser(USERS.locky);
    await resetSeededUser(USERS.resetme);
    await h?.close();
  });

  it('/helpdesk user jdoe: an empty 200 ack, then an ephemeral answer with department, groups and lock state', async () => {
    const { ack, answer } = await h.ask(U.agent, `user ${USERS.jdoe}`);
    assert.equal(ack.status, 200);
    assert.equal(ack.body, '');
    assert.equal(answer.body.response_type, 'ephemeral');
    assert.equal(answer.authorization, undefined, 'response_url posts carry no token');
    assert.match(String(answer.contentType), /^application\/json/);
    assert.deepEqual(blockKitProblems(answer.body), []);
    const text = textOf(answer);
    assert.ok(text.includes('John Doe'));
    assert.ok(text.includes('*Department*\\nFinance'), 'department');
    assert.ok(text.includes('Not locked'), 'lock state');
    const { dn } = await rawUser(USERS.jdoe, ['1.1']);
    const groups = await rawGroupNames(dn);
    assert.ok(groups.length > 0);
    for (const g of groups) assert.ok(text.includes(`\`${g}\``), `group ${g}`);
    assert.ok(text.includes(`*Groups (${groups.length})*`));
    // Identity came from users.info, asked with the bot token.
    const info = h.fake.usersInfoCalls.get(U.agent);
    assert.ok(info && info >= 1);
  });

  it('an agent through a nested group is an agent too', async () => {
    const { answer } = await h.ask(U.agent2, `user ${USERS.jdoe}`);
    assert.ok(textOf(answer).includes('John Doe'));
  });

  it('/helpdesk help lists the commands with the slash prefix', async () => {
    const { answer } = await h.ask(U.agent, 'help');
    assert.ok(textOf(answer).includes('/helpdesk user'));
    assert.deepEqual(blockKitProblems(answer.body), []);
  });

  it('an unknown command gets the short usage answer', async () => {
    const { answer } = await h.ask(U.agent, 'frobnicate jdoe');
    assertError(answer, 'CMD.UNKNOWN', { word: 'frobnicate' });
  });

  it('unlock: button → confirm card (danger, native dialog) → confirm unlocks the account in Samba; a replayed button is refused', async () => {
    await lockOut(USERS.locky);
    const locked = await ldapBindAs(USERS.locky, SEED_PASSWORD);
    assert.equal(locked.ok ? 'bound' : locked.data, '775', 'the account is locked in the DC');

    const { answer: details } = await h.ask(U.agent, `user ${USERS.locky}`);
    assert.ok(textOf(details).includes(':lock: Locked'));
    const unlock = buttonByVerb(details, 'account.unlock');
    assert.equal(unlock.style, 'danger');
    assert.ok(unlock.confirm, 'a destructive button carries Slack\'s confirm dialog');
    assert.deepEqual(JSON.parse(unlock.value!), { verb: 'account.unlock', user: USERS.locky });

    const { ack, answer: confirm } = await h.press(U.agent, unlock);
    assert.equal(ack.status, 200);
    assert.equal(ack.body, '');
    assert.equal(confirm.body.replace_original, true, 'the card is replaced through response_url');
    assert.deepEqual(blockKitProblems(confirm.body), []);
    const accept = buttonByVerb(confirm, 'confirm.accept');
    assert.equal(accept.style, 'danger');
    assert.ok(accept.confirm);
    assert.deepEqual(Object.keys(JSON.parse(accept.value!) as object).sort(), ['token', 'verb'], 'only a verb and a token');
    const still = await ldapBindAs(USERS.locky, SEED_PASSWORD);
    assert.equal(still.ok ? 'bound' : still.data, '775', 'nothing changes before the confirmation');

    const { answer: done } = await h.press(U.agent, accept);
    assert.equal(done.body.replace_original, true);
    assert.ok(textOf(done).includes('Account unlocked'), textOf(done));
    assert.deepEqual(await ldapBindAs(USERS.locky, SEED_PASSWORD), { ok: true });

    const { answer: replay } = await h.press(U.agent, accept);
    assertError(replay, 'CONFIRM.USED');
  });

  it('cancel burns the token: the confirm button no longer works', async () => {
    await lockOut(USERS.locky);
    const { answer: confirm } = await h.ask(U.agent, `unlock ${USERS.locky}`);
    const accept = buttonByVerb(confirm, 'confirm.accept');
    const { answer: cancelled } = await h.press(U.agent, buttonByVerb(confirm, 'confirm.cancel'));
    assert.ok(textOf(cancelled).includes('Cancelled'));
    const { answer: late } = await h.press(U.agent, accept);
    assertError(late, 'CONFIRM.USED');
    const bind = await ldapBindAs(USERS.locky, SEED_PASSWORD);
    assert.equal(bind.ok ? 'bound' : bind.data, '775');
    await resetSeededUser(USERS.locky);
  });

  it("another agent's press of a confirm button is refused and leaves the token to its owner", async () => {
    await lockOut(USERS.locky);
    const { answer: confirm } = await h.ask(U.agent, `unlock ${USERS.locky}`);
    const accept = buttonByVerb(confirm, 'confirm.accept');
    const { answer: stranger } = await h.press(U.agent2, accept);
    assertError(stranger, 'CONFIRM.INVALID');
    const { answer: owner } = await h.press(U.agent, accept);
    assert.ok(textOf(owner).includes('Account unlocked'), textOf(owner));
  });

  it('roles are checked against whoever presses: a non-staff presser gets a refusal and no data', async () => {
    const { answer: list } = await h.ask(U.agent, 'user smith');
    assert.ok(textOf(list).includes('Jane Smith') && textOf(list).includes('James Smithers'), textOf(list));
    const show = buttonsOf(list).find((b) => JSON.parse(b.value ?? '{}').user === USERS.jsmith);
    assert.ok(show, 'one Show button per user');
    const { answer: refused } = await h.press(U.plain, show);
    assertError(refused, 'AUTH.NOT_STAFF');
    assert.ok(!textOf(refused).includes('Jane Smith'));
    const { answer: shown } = await h.press(U.agent, show);
    assert.ok(textOf(shown).includes('Jane Smith'));
    assert.ok(textOf(shown).includes('*Department*'));
  });

  it('a supervisor\'s reset: the new password appears only in an ephemeral answer to them, and it is the one the DC now has', async () => {
    const { answer: confirm } = await h.ask(U.supervisor, `reset ${USERS.resetme} view`);
    const { answer: result } = await h.press(U.supervisor, buttonByVerb(confirm, 'confirm.accept'), { ephemeral: true });
    assert.equal(result.body.replace_original, true);
    assert.deepEqual(blockKitProblems(result.body), []);
    const pre = (result.body.blocks as { type: string; elements?: { elements: { text: string }[] }[] }[]).find((b) => b.type === 'rich_text');
    const shown = pre?.elements?.[0]?.elements[0]?.text;
    assert.match(shown ?? '', /^[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){3}$/, 'drawn once, in groups of four');
    const secret = (shown ?? '').replace(/ /g, '');
    assert.ok(!String(result.body.text).includes(secret), 'never in the notification text');
    const bind = await ldapBindAs(USERS.resetme, secret);
    assert.equal(bind.ok ? 'bound' : bind.data, '773', 'the new password is set, must change at next logon');
    await resetSeededUser(USERS.resetme);
  });

  it('a secret-bearing press on a message others can see is answered privately and never replaces the shared message', async () => {
    const { answer: confirm } = await h.ask(U.supervisor, `reset ${USERS.resetme} view`);
    const { answer } = await h.press(U.supervisor, buttonByVerb(confirm, 'confirm.accept'), { ephemeral: false });
    assert.equal(answer.body.response_type, 'ephemeral');
    assert.equal(answer.body.replace_original, false);
    assertError(answer, 'POLICY.PRIVATE_ONLY');
    assert.deepEqual(await ldapBindAs(USERS.resetme, SEED_PASSWORD), { ok: true }, 'nothing was reset');
  });

  it('the 200-group user is summarised within Block Kit limits', async () => {
    const { answer } = await h.ask(U.agent, `user ${USERS.manyGroups}`);
    assert.deepEqual(blockKitProblems(answer.body), []);
    assert.match(textOf(answer), /\*Groups \(2\d\d\)\*/);
    assert.match(textOf(answer), /…and \d+ more/);
  });

  it('an app mention is answered with chat.postEphemeral to the asker, in the same channel and thread', async () => {
    const threadTs = '1712345678.000200';
    const ack = await h.mention(U.agent, `<@${h.fake.botUserId}> user <mailto:${mail(USERS.jdoe)}|${mail(USERS.jdoe)}>`, { threadTs });
    assert.equal(ack.status, 200);
    const post = await h.fake.waitFor((c) => c.method === 'chat.postEphemeral' && c.body.user === U.agent);
    assert.equal(post.authorization, `Bearer ${TEST_BOT_TOKEN}`);
    assert.match(String(post.contentType), /^application\/x-www-form-urlencoded/);
    assert.equal(post.body.channel, 'C0HELPDESK');
    assert.equal(post.body.thread_ts, threadTs);
    assert.ok(Array.isArray(post.body.blocks), 'blocks arrive as a JSON string field');
    assert.deepEqual(blockKitProblems(post.body), []);
    assert.ok(textOf(post).includes('John Doe'));
    assert.equal(h.fake.callsTo('chat.postMessage').length, 0, 'nothing is posted for the whole channel to see');
  });

  it('an event Slack delivers twice (a retry) is answered once', async () => {
    const before = h.fake.callsTo('chat.postEphemeral').length;
    const request = appMention({ userId: U.agent, text: `<@${h.fake.botUserId}> help`, botUserId: h.fake.botUserId, eventId: 'Ev0RETRY0001' });
    assert.equal((await postSigned(h.eventsUrl, request)).status, 200);
    await h.fake.waitFor((c) => c.method === 'chat.postEphemeral' && h.fake.callsTo('chat.postEphemeral').length > before);
    assert.equal((await postSigned(h.eventsUrl, request)).status, 200);
    await h.surface.idle();
    assert.equal(h.fake.callsTo('chat.postEphemeral').length, before + 1);
  });
});
