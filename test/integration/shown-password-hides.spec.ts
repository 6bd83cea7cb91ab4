// A shown password does not linger: its card has a "Hide" button and hides itself after a while (here a
// few hundred ms instead of two minutes), leaving "Password for X shown to Y at T; hidden." — on Teams
// (the connector receives an update of the message, over the Bot Framework protocol on loopback), in the
// local console (its Direct Line history no longer holds the password) and on Slack (response_url
// replace). With two replicas on one store, B hides what A showed when A is gone (Teams and Slack).
// Against Samba AD: the password shown is the one the DC now has.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Activity } from 'botbuilder';
import { VERBS } from '../../src/domain/verbs';
import { cardActions, cardText, parseEvents, walk } from '../helpers/adaptive-card-sdk';
import { SAMBA_SETTINGS, startBotHarness, startReplicas, type BotHarness } from '../helpers/bot-harness';
import { LoopbackConnector, teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { ldapBindAs, MAIL_DOMAIN, resetSeededUser, USERS } from '../helpers/samba';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../helpers/slack-api-fake';
import { buttonByVerb, startSlackHarness, textOf, type SlackHarness } from '../helpers/slack-harness';
import { TEST_BOT_TOKEN } from '../helpers/slack-requests';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';

type Card = Record<string, unknown>;

const HIDE_AFTER_MS = 300;
const HIDDEN = /Password for Rita Reset shown to Sam Supervisor at \d{4}-\d\d-\d\d \d\d:\d\d UTC; hidden\./;

/** The password a result card shows (its one monospace value), or undefined. */
function passwordOn(card: unknown): string | undefined {
  let found: string | undefined;
  walk(card, (o) => {
    if (o.type === 'TextRun' && o.fontType === 'Monospace' && o.size === 'Large') found = String(o.text).replace(/\s/g, ''); // shown in groups of four
  });
  return found;
}

async function assertIsTheNewPassword(password: string): Promise<void> {
  const bind = await ldapBindAs(USERS.resetme, password);
  assert.equal(bind.ok ? 'bound' : bind.data, '773', 'the shown password is set (must change at next logon)');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('A shown password hides itself', function () {
  this.timeout(30_000);
  afterEach(async () => {
    await resetSeededUser(USERS.resetme);
  });

  describe('Teams (1:1 chat)', () => {
    let h: BotHarness;
    let supervisor: TeamsMember;
    before(async () => {
      h = await startBotHarness({ settings: { secretHideAfterMs: HIDE_AFTER_MS } });
      supervisor = h.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
    });
    after(async () => {
      await h?.close();
    });

    /** `reset resetme view` → the confirm message; Confirm pressed on it → the invoke's card. */
    async function shownPassword(): Promise<{ card: Card; messageId: string; conversationId: string }> {
      const message = teamsMessage({ serviceUrl: h.connector.url, user: supervisor, text: `reset ${USERS.resetme} view` });
      const before = h.connector.replies.length;
      assert.equal((await postActivity(h.url, message)).status, 200);
      const reply = h.connector.replies[before]!;
      const confirm = reply.activity.attachments?.[0]?.content as Card;
      const accept = cardActions(confirm).find((a) => a.verb === VERBS.confirmAccept)!;
      const res = await postActivity(h.url, teamsInvoke({
        serviceUrl: h.connector.url, user: supervisor, verb: VERBS.confirmAccept, data: accept.data as Record<string, unknown>,
        replyToId: reply.answeredId,
      }));
      const card = (res.body as { value: Card }).value;
      assert.deepEqual(parseEvents(card), []);
      return { card, messageId: reply.answeredId, conversationId: reply.conversationId };
    }

    it('the card says it hides itself and has Hide; then the connector receives an update of that message without the password', async () => {
      const { card, messageId, conversationId } = await shownPassword();
      const password = passwordOn(card);
      assert.ok(password && password.length >= 16);
      await assertIsTheNewPassword(password);
      assert.match(cardText(card), /It hides itself \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      assert.ok(cardActions(card).some((a) => a.verb === VERBS.secretHide && a.title === 'Hide'));

      const update = await h.connector.waitFor((r) => r.method === 'PUT' && r.replyToId === messageId);
      assert.equal(update.conversationId, conversationId, 'PUT /v3/conversations/{id}/activities/{activityId}');
      assert.equal(update.activity.id, messageId);
      const hidden = update.activity.attachments?.[0]?.content as Card;
      assert.deepEqual(parseEvents(hidden), []);
      assert.match(cardText(hidden), HIDDEN);
      assert.ok(!JSON.stringify(update.activity).includes(password), 'the update holds no password');
      const audit = (await h.store.audit.list({ limit: 5 })).map((e) => `${e.actor} ${e.action} ${e.target ?? '-'} ${e.outcome} ${e.detail ?? ''}`);
      assert.ok(audit.includes(`${USERS.supervisor} secret.hide ${USERS.resetme} success hidden automatically`), audit.join('\n'));
    });

    it('Hide pressed: the invoke answer has no password, and no later update comes', async () => {
      const { card, messageId } = await shownPassword();
      const password = passwordOn(card)!;
      const hide = cardActions(card).find((a) => a.verb === VERBS.secretHide)!;
      const res = await postActivity(h.url, teamsInvoke({
        serviceUrl: h.connector.url, user: supervisor, verb: VERBS.secretHide, data: hide.data as Record<string, unknown>, replyToId: messageId,
      }));
      const hidden = (res.body as { value: Card }).value;
      assert.match(cardText(hidden), HIDDEN);
      assert.ok(!JSON.stringify(hidden).includes(password));
      await sleep(HIDE_AFTER_MS * 3);
      assert.equal(h.connector.replies.filter((r) => r.method === 'PUT' && r.replyToId === messageId).length, 0);
    });

    it('Confirm sent as an Action.Submit message (an older card): the password comes as a new message, which hides itself too', async () => {
      const before = h.connector.replies.length;
      assert.equal((await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user: supervisor, text: `reset ${USERS.resetme} view` }))).status, 200);
      const confirm = h.connector.replies[before]!.activity.attachments?.[0]?.content as Card;
      const accept = cardActions(confirm).find((a) => a.verb === VERBS.confirmAccept)!;
      const submitted = h.connector.replies.length;
      const press = { ...teamsMessage({ serviceUrl: h.connector.url, user: supervisor, text: '' }), value: { ...(accept.data as Record<string, unknown>), verb: VERBS.confirmAccept } };
      assert.equal((await postActivity(h.url, press)).status, 200);
      const shown = h.connector.replies[submitted]!;
      const password = passwordOn(shown.activity.attachments?.[0]?.content);
      assert.ok(password && password.length >= 16);
      const update = await h.connector.waitFor((r) => r.method === 'PUT' && r.replyToId === shown.answeredId);
      // A typed message carries the asker's zone: the time shows in it, beside UTC.
      assert.match(cardText(update.activity.attachments?.[0]?.content as Card), /Password for Rita Reset shown to Sam Supervisor at [^;]+ \(\d\d:\d\d UTC\); hidden\./);
      assert.ok(!JSON.stringify(update.activity).includes(password), 'the update holds no password');
    });
  });

  describe('Teams, two replicas on one store', () => {
    let dir: string;
    let connector: LoopbackConnector;
    let a: BotHarness | undefined;
    let b: BotHarness;
    before(async () => {
      connector = await new LoopbackConnector().start();
      const replica = { connector, settings: { secretHideAfterMs: HIDE_AFTER_MS }, hidePollMs: 100, hideGraceMs: 100 };
      ({ a, b, dir } = await startReplicas(startBotHarness, replica));
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await connector?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a password shown through A hides itself after A is gone: B puts the hidden card in place, once', async () => {
      const supervisor = connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
      const before = connector.replies.length;
      assert.equal((await postActivity(a!.url, teamsMessage({ serviceUrl: connector.url, user: supervisor, text: `reset ${USERS.resetme} view` }))).status, 200);
      const reply = connector.replies[before]!;
      const accept = cardActions(reply.activity.attachments?.[0]?.content as Card).find((x) => x.verb === VERBS.confirmAccept)!;
      const res = await postActivity(a!.url, teamsInvoke({
        serviceUrl: connector.url, user: supervisor, verb: VERBS.confirmAccept, data: accept.data as Record<string, unknown>, replyToId: reply.answeredId,
      }));
      const password = passwordOn((res.body as { value: Card }).value);
      assert.ok(password && password.length >= 16);
      await a!.close(); // before the hide is due: A's timer never fires
      a = undefined;

      const update = await connector.waitFor((r) => r.method === 'PUT' && r.replyToId === reply.answeredId);
      assert.equal(update.conversationId, reply.conversationId);
      assert.match(cardText(update.activity.attachments?.[0]?.content as Card), HIDDEN);
      assert.ok(!JSON.stringify(update.activity).includes(password), 'the update holds no password');
      await sleep(HIDE_AFTER_MS * 3);
      assert.equal(connector.replies.filter((r) => r.method === 'PUT' && r.replyToId === reply.answeredId).length, 1, 'hidden once');
      const audit = (await b.store.audit.list({ limit: 5 })).map((e) => `${e.actor} ${e.action} ${e.target ?? '-'} ${e.outcome} ${e.detail ?? ''}`);
      assert.ok(audit.includes(`${USERS.supervisor} secret.hide ${USERS.resetme} success hidden automatically`), audit.join('\n'));
    });
  });

  describe('local console (Direct Line)', () => {
    let h: BotHarness;
    before(async () => {
      h = await startBotHarness({
        localConsole: true, consoleUsers: [{ login: USERS.supervisor, label: 'Supervisor' }], settings: { secretHideAfterMs: HIDE_AFTER_MS },
      });
    });
    after(async () => {
      await h?.close();
    });

    async function dl(method: string, path: string, token: string, body?: unknown): Promise<unknown> {
      const res = await fetch(`${h.url}/v3/directline${path}`, {
        method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, ...(body ? { body: JSON.stringify(body) } : {}),
      });
      assert.ok(res.ok, `${method} ${path} → ${res.status}`);
      return res.json();
    }

    async function conversation() {
      const s = (await dl('POST', '/conversations', 'page')) as { conversationId: string; token: string };
      const path = `/conversations/${encodeURIComponent(s.conversationId)}/activities`;
      const poll = async (watermark: string) => {
        await h.console?.bridge.idle();
        return (await dl('GET', `${path}?watermark=${watermark}`, s.token)) as { activities: Partial<Activity>[]; watermark: string };
      };
      const post = async (activity: Record<string, unknown>): Promise<Partial<Activity>> => {
        const before = (await poll('')).watermark;
        await dl('POST', path, s.token, { type: 'message', from: { id: USERS.supervisor, name: 'Sam' }, ...activity });
        const page = await poll(before);
        return page.activities.filter((a) => a.type === 'message' && a.from?.role === 'bot').at(-1)!;
      };
      return { poll, post };
    }

    const cardOf = (a: Partial<Activity> | undefined) => a?.attachments?.[0]?.content as Card;
    const submitData = (card: Card, verb: string) => cardActions(card).find((a) => (a.data as Record<string, unknown>).verb === verb)?.data as Record<string, unknown>;

    it('the password message is replaced in the history: a poll brings its update, a reconnect no longer returns the password', async () => {
      const c = await conversation();
      const confirm = cardOf(await c.post({ text: `reset ${USERS.resetme} view` }));
      const shown = await c.post({ value: submitData(confirm, VERBS.confirmAccept) });
      const password = passwordOn(cardOf(shown))!;
      await assertIsTheNewPassword(password);
      const watermark = (await c.poll('')).watermark;

      let update: Partial<Activity> | undefined;
      for (let i = 0; i < 100 && !update; i++) {
        await sleep(50);
        update = (await c.poll(watermark)).activities.find((a) => a.type === 'messageUpdate');
      }
      assert.ok(update, 'a messageUpdate reaches a client that is already past the message');
      assert.equal(update.id, shown.id);
      assert.match(cardText(cardOf(update)), HIDDEN);

      const all = await c.poll('');
      assert.ok(!JSON.stringify(all).includes(password), 'no activity in the history holds the password any more');
      assert.match(cardText(cardOf(all.activities.find((a) => a.id === shown.id && a.type === 'message'))), HIDDEN);
    });

    it('Hide pressed: the password message is replaced at once', async () => {
      const c = await conversation();
      const confirm = cardOf(await c.post({ text: `reset ${USERS.resetme} view` }));
      const shown = await c.post({ value: submitData(confirm, VERBS.confirmAccept) });
      const password = passwordOn(cardOf(shown))!;
      const answer = await c.post({ value: submitData(cardOf(shown), VERBS.secretHide) });
      assert.match(cardText(cardOf(answer)), HIDDEN);
      assert.ok(!JSON.stringify(await c.poll('')).includes(password));
    });
  });

  describe('Slack', () => {
    const SUPER = 'U0SUPER01';
    let h: SlackHarness;
    before(async () => {
      h = await startSlackHarness({
        settings: { ...SAMBA_SETTINGS, secretHideAfterMs: HIDE_AFTER_MS },
        slackUsers: [{ id: SUPER, email: `${USERS.supervisor}@${MAIL_DOMAIN}`, realName: 'Sam Supervisor' }],
      });
    });
    after(async () => {
      await h?.close();
    });

    const postsTo = (call: RecordedCall) => h.fake.callsTo('response_url').filter((c) => c.path === call.path);

    async function shownPassword(): Promise<{ result: RecordedCall; password: string }> {
      const { answer: confirm } = await h.ask(SUPER, `reset ${USERS.resetme} view`);
      const { answer: result } = await h.press(SUPER, buttonByVerb(confirm, VERBS.confirmAccept), { ephemeral: true });
      const pre = (result.body.blocks as { type: string; elements?: { elements: { text: string }[] }[] }[]).find((b) => b.type === 'rich_text');
      const password = (pre?.elements?.[0]?.elements[0]?.text ?? '').replace(/\s/g, ''); // shown in groups of four
      assert.ok(password.length >= 16);
      return { result, password };
    }

    it('the ephemeral message with the password is replaced through its response_url, without the password', async () => {
      const { result, password } = await shownPassword();
      await assertIsTheNewPassword(password);
      assert.match(textOf(result), /It hides itself/);
      buttonByVerb(result, VERBS.secretHide);
      const replaced = await h.fake.waitFor((c) => c.method === 'response_url' && c.path === result.path && c !== result);
      assert.equal(replaced.body.replace_original, true);
      assert.match(String(replaced.body.text), HIDDEN);
      assert.ok(!textOf(replaced).includes(password));
    });

    it('Hide pressed: replaced at once, and the timer is dropped', async () => {
      const { result, password } = await shownPassword();
      const { answer } = await h.press(SUPER, buttonByVerb(result, VERBS.secretHide), { ephemeral: true });
      assert.equal(answer.body.replace_original, true);
      assert.match(String(answer.body.text), HIDDEN);
      assert.ok(!textOf(answer).includes(password));
      await sleep(HIDE_AFTER_MS * 3);
      assert.equal(postsTo(result).length, 1, 'no automatic replace after a manual Hide');
    });
  });

  describe('Slack, two replicas on one store', () => {
    const SUPER = 'U0SUPER01';
    const slackUsers = [{ id: SUPER, email: `${USERS.supervisor}@${MAIL_DOMAIN}`, realName: 'Sam Supervisor' }];
    let dir: string;
    let fake: FakeSlackApi;
    let a: SlackHarness | undefined;
    let b: SlackHarness;
    before(async () => {
      fake = await startFakeSlackApi({ token: TEST_BOT_TOKEN, users: slackUsers });
      const replica = { slackUsers, fake, settings: { ...SAMBA_SETTINGS, secretHideAfterMs: HIDE_AFTER_MS }, hidePollMs: 100, hideGraceMs: 100 };
      ({ a, b, dir } = await startReplicas(startSlackHarness, replica));
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await fake?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a password shown through A hides itself after A is gone: B replaces the ephemeral message through its response_url, once; the store never holds the URL in clear', async () => {
      const { answer: confirm } = await a!.ask(SUPER, `reset ${USERS.resetme} view`);
      const { answer: result, responseUrl } = await a!.press(SUPER, buttonByVerb(confirm, VERBS.confirmAccept), { ephemeral: true });
      const pre = (result.body.blocks as { type: string; elements?: { elements: { text: string }[] }[] }[]).find((x) => x.type === 'rich_text');
      const password = (pre?.elements?.[0]?.elements[0]?.text ?? '').replace(/\s/g, '');
      assert.ok(password.length >= 16);
      await a!.surface.idle();
      await a!.surface.autoHide.idle(); // the hide is written to the store after the answer went
      const kept = await b.store.pendingWork.due(new Date(Date.now() + 60_000), new Date(), 10);
      assert.equal(kept.length, 1, 'the hide is a due time in the store');
      assert.ok(!kept[0]!.payload.includes(new URL(responseUrl).pathname) && !kept[0]!.payload.includes(password), 'neither the response_url nor the password in clear');
      await a!.close(); // before the hide is due: A's timer never fires
      a = undefined;

      const replaced = await fake.waitFor((c) => c.method === 'response_url' && c.path === result.path && c !== result);
      assert.equal(replaced.body.replace_original, true);
      assert.match(String(replaced.body.text), HIDDEN);
      assert.ok(!textOf(replaced).includes(password), 'the replacement holds no password');
      await sleep(HIDE_AFTER_MS * 3);
      assert.equal(fake.callsTo('response_url').filter((c) => c.path === result.path).length, 2, 'shown, then hidden once');
      const audit = (await b.store.audit.list({ limit: 5 })).map((e) => `${e.actor} ${e.action} ${e.target ?? '-'} ${e.outcome} ${e.detail ?? ''}`);
      assert.ok(audit.includes(`${USERS.supervisor} secret.hide ${USERS.resetme} success hidden automatically`), audit.join('\n'));
      assert.deepEqual(await b.store.pendingWork.due(new Date(Date.now() + 60_000), new Date(), 10), [], 'nothing left to do');
    });
  });
});
