// No personal data in shared Teams conversations, over the Bot Framework protocol on loopback against
// Samba AD: in a channel or group chat the message everyone sees carries nothing about the user; the
// asker's Teams client gets the details through the card's `refresh` (a user-specific view), and any
// other member who presses "Show details" gets them in their own invoke answer, after the role check.
import assert from 'node:assert/strict';
import { errorText } from '../../src/chat/core/error-text';
import { VERBS } from '../../src/domain/verbs';
import { cardActions, cardText, parseEvents } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type RecordedReply, type TeamsMember } from '../helpers/loopback-connector';
import { lockOut, rawGroupNames, rawUser, resetSeededUser, USERS } from '../helpers/samba';
import { postActivity, teamsInvoke, teamsMessage, type TeamsConversation } from '../helpers/teams-activities';

type Card = Record<string, unknown>;

describe('Teams: shared conversations show no user data', function () {
  this.timeout(30_000);
  let h: BotHarness;
  let agent: TeamsMember;
  let nested: TeamsMember;
  let supervisor: TeamsMember;
  let plain: TeamsMember;
  /** Every attribute of jdoe a card could show, read from the DC itself. */
  let jdoeFacts: string[];

  before(async () => {
    h = await startBotHarness();
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    nested = h.connector.addMember(teamsMember(USERS.nestedAgent, 'Nora Nested'));
    supervisor = h.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
    plain = h.connector.addMember(teamsMember(USERS.plain, 'Paul Plain'));
    const raw = await rawUser(USERS.jdoe, ['displayName', 'mail', 'telephoneNumber', 'mobile', 'title', 'department', 'userPrincipalName', 'manager', 'distinguishedName']);
    const groups = (await rawGroupNames(String(raw.dn))).filter((g) => g !== 'Domain Users');
    jdoeFacts = [
      ...['displayName', 'mail', 'telephoneNumber', 'mobile', 'title', 'department', 'userPrincipalName'].map((a) => String(raw[a] ?? '')),
      ...groups, 'Mary Manager', 'Lock state', 'Not locked', 'LOCKED', 'ACTIVE',
    ].filter((v) => v !== '');
    assert.ok(jdoeFacts.length >= 9, jdoeFacts.join(', '));
  });
  after(async () => {
    await h?.close();
  });

  async function say(user: TeamsMember, text: string, conversation: TeamsConversation): Promise<RecordedReply> {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user, text, conversation }));
    assert.equal(res.status, 200, res.text);
    const replies = h.connector.replies.slice(before);
    assert.equal(replies.length, 1);
    return replies[0]!;
  }

  function cardOf(reply: RecordedReply): Card {
    const card = reply.activity.attachments?.[0]?.content as Card;
    assert.deepEqual(parseEvents(card), []);
    return card;
  }

  async function invoke(user: TeamsMember, verb: string, data: Record<string, unknown>, options: { trigger?: 'manual' | 'automatic' } = {}): Promise<Card> {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsInvoke({ serviceUrl: h.connector.url, user, verb, data, conversation: 'channel', ...options }));
    assert.equal(res.status, 200, res.text);
    assert.equal(h.connector.replies.length, before, 'the details go only into the invoke answer, never to the conversation');
    const body = res.body as { statusCode: number; value: Card };
    assert.equal(body.statusCode, 200);
    assert.deepEqual(parseEvents(body.value), []);
    return body.value;
  }

  /** The card's own "Show details" button (its refresh carries the same verb and data). */
  function showButton(card: Card): Card {
    const button = (card.actions as Card[] | undefined)?.find((a) => a.title === 'Show details');
    assert.ok(button, 'no Show details button');
    return button;
  }

  function assertNoUserData(json: string): void {
    for (const fact of jdoeFacts) assert.ok(!json.includes(fact), `the shared message shows "${fact}"`);
  }

  for (const conversation of ['channel', 'groupChat'] as const) {
    it(`in a ${conversation}, the message everyone sees holds what the agent typed and no attribute of the user`, async () => {
      const reply = await say(agent, `user ${USERS.jdoe}`, conversation);
      const json = JSON.stringify(reply.activity);
      assertNoUserData(json);
      const card = cardOf(reply);
      assert.match(cardText(card), new RegExp(`Alice Agent\\n asked: \\nuser ${USERS.jdoe}`));
      const refresh = card.refresh as { action: Card; userIds: string[] };
      assert.deepEqual(refresh.userIds, [agent.id], 'only the asker gets the automatic user-specific view');
      assert.equal(refresh.action.verb, VERBS.requestShow);
      const show = (card.actions as Card[]).filter((a) => a.title === 'Show details');
      assert.equal(show.length, 1);
      assert.deepEqual(Object.keys(show[0]?.data as object).sort(), ['requestId', 'verb'], 'the card carries an id, never data');
    });
  }

  it('the asker’s refresh invoke returns the full card; a second agent’s press too; a non-agent’s is refused and audited', async () => {
    const card = cardOf(await say(agent, `user ${USERS.jdoe}`, 'channel'));
    const refresh = (card.refresh as { action: { verb: string; data: Record<string, unknown> } }).action;

    const asker = await invoke(agent, refresh.verb, refresh.data, { trigger: 'automatic' });
    assert.match(cardText(asker), /John Doe/);
    assert.match(cardText(asker), /Department\nFinance/);
    assert.match(cardText(asker), /Lock state\nNot locked/);

    const refused = await invoke(plain, refresh.verb, refresh.data);
    assert.ok(cardText(refused).includes(errorText('AUTH.NOT_STAFF')));
    assertNoUserData(JSON.stringify(refused));

    const press = showButton(card);
    const second = await invoke(nested, String(press.verb), press.data as Record<string, unknown>);
    assert.match(cardText(second), /John Doe/);
    assert.match(cardText(second), /Finance/);

    const audit = (await h.store.audit.list({ limit: 20 })).map((e) => `${e.actor} ${e.action} ${e.target ?? '-'} ${e.outcome}${e.code ? ` ${e.code}` : ''}`);
    assert.ok(audit.includes(`${USERS.agent} request.share ${USERS.jdoe} success`), audit.join('\n'));
    assert.ok(audit.includes(`${USERS.agent} user.find ${USERS.jdoe} success`));
    assert.ok(audit.includes(`${USERS.plain} request.show - refused AUTH.NOT_STAFF`));
    assert.ok(audit.includes(`${USERS.nestedAgent} user.find ${USERS.jdoe} success`));
  });

  it('a non-agent typing in a channel gets the usual refusal, with nothing about the user', async () => {
    const reply = await say(plain, `user ${USERS.jdoe}`, 'channel');
    assert.ok(cardText(cardOf(reply)).includes(errorText('AUTH.NOT_STAFF')));
    assertNoUserData(JSON.stringify(reply.activity));
  });

  it('buttons on a details card drawn for a presser work in the channel (their own views); a password stays private-only', async () => {
    await resetSeededUser(USERS.locky);
    await lockOut(USERS.locky);
    const shared = cardOf(await say(supervisor, `unlock ${USERS.locky}`, 'channel'));
    assert.doesNotMatch(JSON.stringify(shared), /Lucy Locke|locked/i);
    const press = showButton(shared);
    const confirm = await invoke(supervisor, String(press.verb), press.data as Record<string, unknown>);
    assert.match(cardText(confirm), /Lucy Locke/);
    const cancel = cardActions(confirm).find((a) => a.verb === VERBS.confirmCancel)!;
    assert.match(cardText(await invoke(supervisor, String(cancel.verb), cancel.data as Record<string, unknown>)), /Cancelled/);

    const reset = cardOf(await say(supervisor, `reset ${USERS.jdoe} view`, 'channel'));
    const show = showButton(reset);
    assert.ok(cardText(await invoke(supervisor, String(show.verb), show.data as Record<string, unknown>)).includes(errorText('POLICY.PRIVATE_ONLY')));
  });

  it('an expired or forged request id gets one polite answer', async () => {
    const card = cardOf(await say(agent, `user ${USERS.jdoe}`, 'channel'));
    const press = showButton(card);
    assert.ok(cardText(await invoke(agent, VERBS.requestShow, { requestId: 'forged-request-id-0000' })).includes(errorText('CONFIRM.INVALID')));
    h.clock.advance(25 * 3600_000);
    assert.ok(cardText(await invoke(agent, String(press.verb), press.data as Record<string, unknown>)).includes(errorText('CONFIRM.EXPIRED')));
  });
});
