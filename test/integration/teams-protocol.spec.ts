// The bot over the Bot Framework protocol exactly as Teams speaks it, against the Samba AD test DC:
// activities POSTed to /api/messages, whose serviceUrl is a loopback connector that answers getMember and
// records the replies; Action.Execute clicks as adaptiveCard/action invokes answered with the new card.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { errorText } from '../../src/chat/core/error-text';
import type { ErrorCode } from '../../src/domain/errors';
import { VERBS } from '../../src/domain/verbs';
import { cardActions, cardText, parseEvents } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { BOT_ID, teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { ldapBindAs, lockOut, resetSeededUser, SEED_PASSWORD, USERS } from '../helpers/samba';
import { postActivity, TEAM_ID, teamsInvoke, teamsMessage, type TeamsConversation } from '../helpers/teams-activities';

type Card = Record<string, unknown>;

describe('Teams protocol over loopback, against Samba AD', function () {
  this.timeout(30_000);
  let h: BotHarness;
  let agent: TeamsMember;
  let nested: TeamsMember;
  let supervisor: TeamsMember;
  let plain: TeamsMember;

  before(async () => {
    h = await startBotHarness();
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    nested = h.connector.addMember(teamsMember(USERS.nestedAgent, 'Nora Nested'));
    supervisor = h.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
    plain = h.connector.addMember(teamsMember(USERS.plain, 'Paul Plain'));
  });
  after(async () => {
    await resetSeededUser(USERS.locky);
    await h?.close();
  });

  function checkCard(card: unknown): Card {
    assert.deepEqual(parseEvents(card), [], 'the card must parse without events');
    for (const action of cardActions(card)) assert.equal(action.type, 'Action.Execute', 'Teams gets Universal Actions');
    return card as Card;
  }

  /** Sends a typed message; returns the one card the bot replied with. */
  async function say(user: TeamsMember, text: string, conversation: TeamsConversation = 'personal'): Promise<Card> {
    const before = h.connector.replies.length;
    const activity = teamsMessage({ serviceUrl: h.connector.url, user, text, conversation });
    const res = await postActivity(h.url, activity);
    assert.equal(res.status, 200, res.text);
    const replies = h.connector.replies.slice(before);
    assert.equal(replies.length, 1, `one reply expected, got ${replies.length}`);
    const reply = replies[0]!;
    assert.equal(reply.conversationId, activity.conversation?.id);
    assert.equal(reply.replyToId, activity.id);
    assert.equal(reply.activity.recipient?.id, user.id);
    assert.equal(reply.activity.from?.id, BOT_ID);
    const attachment = reply.activity.attachments?.[0];
    assert.equal(attachment?.contentType, 'application/vnd.microsoft.card.adaptive');
    return checkCard(attachment?.content);
  }

  /** Clicks an Action.Execute button: the invoke's HTTP answer is the refreshed card; nothing goes to the connector. */
  async function click(user: TeamsMember, action: Card | undefined, conversation: TeamsConversation = 'personal'): Promise<Card> {
    assert.ok(action, 'the button is missing');
    const before = h.connector.replies.length;
    const res = await postActivity(
      h.url,
      teamsInvoke({ serviceUrl: h.connector.url, user, verb: String(action.verb), data: action.data as Record<string, unknown>, conversation }),
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(h.connector.replies.length, before, 'an invoke is answered in its HTTP response');
    const body = res.body as { statusCode: number; type: string; value: unknown };
    assert.equal(body.statusCode, 200);
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    return checkCard(body.value);
  }

  function button(card: Card, verb: string): Card | undefined {
    return cardActions(card).find((a) => a.verb === verb);
  }

  function assertError(card: Card, code: ErrorCode, params: Record<string, string> = {}): void {
    const text = cardText(card);
    assert.ok(text.includes(errorText(code, params)), `expected ${code}, got:\n${text}`);
    assert.doesNotMatch(text, /\s+at\s.+:\d+:\d+/, 'no stack trace');
    assert.equal(cardActions(card).length, 0);
  }

  describe('user details', () => {
    it('shows the Samba user’s department, groups and lock state, resolving the agent’s UPN through getMember', async () => {
      h.connector.clear();
      const card = await say(agent, `user ${USERS.jdoe}`);
      const text = cardText(card);
      assert.match(text, /John Doe/);
      assert.match(text, /Department\nFinance/);
      assert.match(text, /Groups \(\d+\)/);
      assert.match(text, /Finance/);
      assert.match(text, /Lock state\nNot locked/);
      assert.match(text, /Mary Manager/);
      assert.deepEqual(h.connector.memberLookups, [{ conversationId: `a:1personal-${agent.aadObjectId}`, memberId: agent.id, found: true }]);
      await say(agent, `user ${USERS.jdoe}`);
      assert.equal(h.connector.memberLookups.length, 1, 'the member’s UPN is cached');
    });

    it('an agent’s card has no supervisor-only button; a supervisor’s has', async () => {
      const agentCard = await say(agent, `user ${USERS.jdoe}`);
      const verbs = cardActions(agentCard).map((a) => a.verb);
      assert.ok(!verbs.includes(VERBS.passwordResetView), String(verbs));
      const superCard = await say(supervisor, `user ${USERS.jdoe}`);
      assert.ok(cardActions(superCard).some((a) => a.verb === VERBS.passwordResetView));
      // Ids only: the login, and which card the button is on (a refused press keeps that card).
      for (const a of cardActions(superCard)) assert.deepEqual(Object.keys(a.data as object).sort(), ['card', 'user', 'verb']);
    });

    it('a nested-group agent is an agent', async () => {
      assert.match(cardText(await say(nested, `user ${USERS.jdoe}`)), /John Doe/);
    });

    it('200 groups with long names: the card parses and summarises them', async () => {
      const card = await say(agent, `user ${USERS.manyGroups}`);
      const text = cardText(card);
      const total = Number(/Groups \((\d+)\)/.exec(text)?.[1]);
      assert.ok(total >= 200, text);
      assert.match(text, new RegExp(`and ${total - 15} more`));
      assert.ok(JSON.stringify(card).length < 28_000, 'fits a Teams message');
    });

    it('an ambiguous name gives a pick list whose buttons open the user', async () => {
      const list = await say(agent, 'user smith');
      const shows = cardActions(list).filter((a) => a.verb === VERBS.userShow);
      assert.deepEqual(shows.map((a) => (a.data as Record<string, string>).user).sort(), [USERS.jsmith, USERS.jsmithers]);
      const details = await click(agent, shows.find((a) => (a.data as Record<string, string>).user === USERS.jsmithers));
      assert.match(cardText(details), /James Smithers/);
    });
  });

  describe('unlock', () => {
    it('button → confirm card; confirm → unlocked in Samba (a real bind succeeds) and a result card; replay refused', async () => {
      await resetSeededUser(USERS.locky);
      const outcomes = await lockOut(USERS.locky);
      assert.equal(outcomes.at(-1)?.ok, false);
      assert.equal((await ldapBindAs(USERS.locky, SEED_PASSWORD)).ok, false, 'locked for real');

      const details = await say(agent, `user ${USERS.locky}`);
      assert.match(cardText(details), /LOCKED/);
      assert.match(cardText(details), /Lock state\nLocked/);

      const confirm = await click(agent, button(details, VERBS.accountUnlock));
      assert.match(cardText(confirm), /Lucy Locke/);
      const accept = button(confirm, VERBS.confirmAccept);
      assert.ok(accept && button(confirm, VERBS.confirmCancel));
      assert.deepEqual(Object.keys(accept.data as object).sort(), ['token', 'verb'], 'the card carries a token, never state');

      const result = await click(agent, accept);
      assert.match(cardText(result), /✔ Done/);
      assert.deepEqual(await ldapBindAs(USERS.locky, SEED_PASSWORD), { ok: true });

      assertError(await click(agent, accept), 'CONFIRM.USED');
      assert.match(cardText(await say(agent, `user ${USERS.locky}`)), /Lock state\nNot locked/);
    });

    it('typed "unlock": cancel burns the token; an expired token and another agent’s token are refused', async () => {
      await lockOut(USERS.locky); // unlock confirms only a locked account
      const first = await say(agent, `unlock ${USERS.locky}`);
      const cancelled = await click(agent, button(first, VERBS.confirmCancel));
      assert.match(cardText(cancelled), /Cancelled/);
      assert.doesNotMatch(cardText(cancelled), /Cancelled[\s—]*Cancelled/);
      assertError(await click(agent, button(first, VERBS.confirmAccept)), 'CONFIRM.USED');

      const second = await say(agent, `unlock ${USERS.locky}`);
      assertError(await click(nested, button(second, VERBS.confirmAccept)), 'CONFIRM.INVALID');
      h.clock.advance(6 * 60_000);
      assertError(await click(agent, button(second, VERBS.confirmAccept)), 'CONFIRM.EXPIRED');
    });
  });

  describe('refusals: one short, polite answer each', () => {
    it('not an agent: refused, and nothing about the user', async () => {
      const card = await say(plain, `user ${USERS.jdoe}`);
      assertError(card, 'AUTH.NOT_STAFF');
      const json = JSON.stringify(card);
      for (const leak of ['John Doe', 'Finance', 'jdoe@', 'Mary']) assert.ok(!json.includes(leak), `leaked ${leak}`);
      assert.ok(cardText(await say(plain, 'help')).includes(errorText('AUTH.NOT_STAFF')));
      // …and a card clicked by a non-agent (a shared channel) is refused too.
      assertError(await click(plain, { verb: VERBS.userShow, data: { verb: VERBS.userShow, user: USERS.jdoe } }), 'AUTH.NOT_STAFF');
    });

    it('a Teams member the connector does not know', async () => {
      const stranger = teamsMember('nobody.here');
      assertError(await say(stranger, `user ${USERS.jdoe}`), 'AUTH.UNKNOWN_IDENTITY');
    });

    it('protected target, self, unknown user, ambiguous user', async () => {
      assertError(await say(agent, `unlock ${USERS.domainAdmin}`), 'POLICY.PROTECTED_TARGET', { user: USERS.domainAdmin });
      assertError(await say(agent, `unlock ${USERS.agent}`), 'POLICY.SELF_ACTION');
      assertError(await say(agent, 'user no.such.person'), 'DIR.USER_NOT_FOUND', { query: 'no.such.person' });
      // An ambiguous name: the pick list, whose rows carry the unlock verb and the login, nothing else.
      const list = await say(agent, 'unlock smith');
      assert.match(cardText(list), /Pick the one to unlock/);
      assert.deepEqual(cardActions(list).map((a) => [a.verb, Object.keys(a.data as object).sort().join()]),
        [[VERBS.accountUnlock, 'user,verb'], [VERBS.accountUnlock, 'user,verb']]);
    });

    it('unlock of an account that is not locked answers at once, with no confirm step', async () => {
      assertError(await say(agent, `unlock ${USERS.jdoe}`), 'ACCOUNT.NOT_LOCKED', { user: `John Doe (${USERS.jdoe})` });
    });

    it('malformed and unknown commands; a button with a forged token or an unknown verb', async () => {
      assertError(await say(agent, 'unlock'), 'CMD.USAGE', { usage: 'unlock <user>' });
      assertError(await say(agent, 'frobnicate jdoe'), 'CMD.UNKNOWN', { word: 'frobnicate' });
      assertError(await click(agent, { verb: VERBS.confirmAccept, data: { token: 'forged-token' } }), 'CONFIRM.INVALID');
      assertError(await click(agent, { verb: 'rm -rf', data: {} }), 'CONFIRM.INVALID');
    });

    it('an unlock button on a protected user, pressed anyway, is refused (the role and target are re-checked)', async () => {
      assertError(await click(agent, { verb: VERBS.accountUnlock, data: { user: USERS.domainAdmin } }), 'POLICY.PROTECTED_TARGET', {
        user: USERS.domainAdmin,
      });
    });
  });

  describe('a refused button keeps its card: drawn again from the directory, the refusal on top', () => {
    /** The card's first line (repeated as its last, above the buttons), and the card between. */
    function split(card: Card): { first: string; rest: Card } {
      const body = card.body as unknown[];
      assert.equal(cardText(body.at(-1)), cardText(body[0]), 'the refusal again above the buttons');
      return { first: cardText(body[0]), rest: { ...card, body: body.slice(1, -1) } };
    }

    it('an agent presses a supervisor’s "Reset password (show once)": the agent’s own view of John Doe, under the refusal', async () => {
      const superCard = await say(supervisor, `user ${USERS.jdoe}`);
      const answer = await click(agent, button(superCard, VERBS.passwordResetView));
      const { first, rest } = split(answer);
      assert.equal(first, errorText('AUTH.FORBIDDEN', { action: VERBS.passwordResetView, role: 'supervisor' }));
      assert.equal((answer.body as Card[])[0]?.style, 'warning');
      const text = cardText(rest);
      assert.match(text, /John Doe/);
      assert.match(text, /Department\nFinance/);
      assert.match(text, /Lock state\nNot locked/);
      // Drawn for the presser: the agent's buttons, not the card the supervisor was shown.
      assert.deepEqual(cardActions(answer).map((a) => a.verb), cardActions(await say(agent, `user ${USERS.jdoe}`)).map((a) => a.verb));
      assert.ok(!button(answer, VERBS.passwordResetView));
      const audit = (await h.store.audit.list({ limit: 5 })).map((e) => `${e.actor} ${e.action} ${e.outcome} ${e.code ?? ''}`.trim());
      assert.ok(audit.includes(`${USERS.agent} password.reset.view.prompt refused AUTH.FORBIDDEN`), audit.join('\n'));
    });

    it('"Unlock account" on a card that is no longer true: the card says "Not locked" now, with why nothing was done', async () => {
      await resetSeededUser(USERS.locky);
      await lockOut(USERS.locky);
      const details = await say(agent, `user ${USERS.locky}`);
      assert.match(cardText(details), /Lock state\nLocked/);
      await resetSeededUser(USERS.locky); // unlocked meanwhile (by a colleague, or the lockout ran out)
      const answer = await click(agent, button(details, VERBS.accountUnlock));
      const { first, rest } = split(answer);
      assert.equal(first, errorText('ACCOUNT.NOT_LOCKED', { user: `Lucy Locke (${USERS.locky})` }));
      assert.match(cardText(rest), /Lucy Locke/);
      assert.match(cardText(rest), /Lock state\nNot locked/, 'the directory’s state, not the card’s');
      assert.doesNotMatch(cardText(rest), /LOCKED/);
      assert.ok(!button(answer, VERBS.accountUnlock), 'no Unlock button on an account that is not locked');
    });

    it('in a channel the card drawn again is the presser’s answer alone, as the refusal is', async () => {
      const shared = await say(supervisor, `user ${USERS.jdoe}`, 'channel');
      const details = await click(supervisor, button(shared, VERBS.requestShow), 'channel');
      const answer = await click(supervisor, button(details, VERBS.passwordResetView), 'channel'); // nothing reaches the connector
      const { first, rest } = split(answer);
      assert.equal(first, errorText('POLICY.PRIVATE_ONLY'));
      assert.match(cardText(rest), /John Doe/);
    });

    it('pressed by someone who is not staff: the refusal alone, nothing about the user', async () => {
      const details = await say(agent, `user ${USERS.jdoe}`);
      const answer = await click(plain, button(details, VERBS.pinSms));
      assertError(answer, 'AUTH.NOT_STAFF');
      for (const leak of ['John Doe', 'Finance', 'jdoe@']) assert.ok(!JSON.stringify(answer).includes(leak), `leaked ${leak}`);
    });
  });

  describe('conversations', () => {
    it('a group chat and a channel, with the bot @mentioned; in a channel the member is looked up in the team', async () => {
      // What everyone there sees holds no user data: the details come on request (teams-shared-conversations.spec.ts).
      const inGroup = await say(agent, `user ${USERS.jdoe}`, 'groupChat');
      assert.doesNotMatch(JSON.stringify(inGroup), /John Doe/);
      assert.match(cardText(await click(agent, button(inGroup, VERBS.requestShow), 'groupChat')), /John Doe/);
      h.teams.identities.clear();
      h.connector.clear();
      const inChannel = await say(supervisor, `user ${USERS.jdoe}`, 'channel');
      assert.match(cardText(await click(supervisor, button(inChannel, VERBS.requestShow), 'channel')), /John Doe/);
      assert.equal(h.connector.memberLookups[0]?.conversationId, TEAM_ID);
      await resetSeededUser(USERS.locky);
      await lockOut(USERS.locky);
      const confirm = await click(supervisor, button(await say(supervisor, `unlock ${USERS.locky}`, 'channel'), VERBS.requestShow), 'channel');
      assert.match(cardText(confirm), /Expires/);
      await click(supervisor, button(confirm, VERBS.confirmCancel), 'channel');
    });

    it('a password shown once is refused in a shared conversation', async () => {
      const shared = await say(supervisor, `reset ${USERS.jdoe} view`, 'channel');
      assertError(await click(supervisor, button(shared, VERBS.requestShow), 'channel'), 'POLICY.PRIVATE_ONLY');
    });

    it('the mention is stripped: "@MyPass Helpdesk help" is help', async () => {
      const card = await say(agent, 'help', 'channel');
      assert.match(cardText(card), /helpdesk agent/);
    });

    it('the bot says hello when it is added to a conversation', async () => {
      const before = h.connector.replies.length;
      const activity: Partial<Activity> = {
        ...teamsMessage({ serviceUrl: h.connector.url, user: agent, text: '' }),
        type: 'conversationUpdate',
        text: undefined,
        membersAdded: [{ id: BOT_ID, name: 'MyPass Helpdesk' }],
      };
      assert.equal((await postActivity(h.url, activity)).status, 200);
      assert.match(String(h.connector.replies[before]?.activity.text), /Type "help"/);
    });
  });

  describe('health', () => {
    it('/healthz says the process is up; /readyz that the directory and the store are reachable', async () => {
      const live = await fetch(`${h.url}/healthz`);
      assert.equal(live.status, 200);
      const ready = await fetch(`${h.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', directory: 'ok', store: 'ok', audit: 'ok' });
    });

    it('the local console does not exist unless it is enabled', async () => {
      for (const [method, path] of [
        ['GET', '/'],
        ['POST', '/v3/directline/conversations'],
        ['GET', '/api/dev/outbox'],
      ] as const) {
        const res = await fetch(`${h.url}${path}`, { method });
        assert.equal(res.status, 404, `${method} ${path}`);
      }
    });
  });
});
