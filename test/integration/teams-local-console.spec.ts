// The local console's Direct Line 3.0 endpoint, spoken to as Web Chat does (start, post, poll with a
// watermark), with the bot on the Samba AD test DC: the same cards with Action.Submit, routed to the same
// handlers. And its guards: per-conversation tokens, this machine only, no console identity over HTTP.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Activity } from 'botbuilder';
import { errorText } from '../../src/chat/core/error-text';
import { VERBS } from '../../src/domain/verbs';
import { cardActions, cardText, parseEvents } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { ldapBindAs, lockOut, resetSeededUser, SEED_PASSWORD, USERS } from '../helpers/samba';
import { postActivity, submitMessage } from '../helpers/teams-activities';

interface Session {
  conversationId: string;
  token: string;
  watermark: string;
}

describe('Local console: Direct Line 3.0 endpoint, against Samba AD', function () {
  this.timeout(30_000);
  let h: BotHarness;

  before(async () => {
    h = await startBotHarness({
      localConsole: true,
      consoleUsers: [
        { login: USERS.agent, label: 'Agent' },
        { login: USERS.supervisor, label: 'Supervisor' },
      ],
    });
  });
  after(async () => {
    await resetSeededUser(USERS.locky);
    await h?.close();
  });

  async function dl(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${h.url}/v3/directline${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  async function start(): Promise<Session> {
    const res = await dl('POST', '/conversations', 'page-token');
    assert.equal(res.status, 201);
    const s = res.json as { conversationId: string; token: string; expires_in: number };
    assert.ok(s.conversationId && s.token && s.expires_in > 0);
    return { conversationId: s.conversationId, token: s.token, watermark: '' };
  }

  async function poll(s: Session): Promise<Partial<Activity>[]> {
    await h.console?.bridge.idle();
    const res = await dl('GET', `/conversations/${encodeURIComponent(s.conversationId)}/activities?watermark=${s.watermark}`, s.token);
    assert.equal(res.status, 200);
    const page = res.json as { activities: Partial<Activity>[]; watermark: string };
    s.watermark = page.watermark;
    return page.activities;
  }

  /** Posts like Web Chat, then polls: the user's echo first, then the bot's card. */
  async function send(s: Session, login: string, activity: Record<string, unknown>): Promise<Record<string, unknown>> {
    const posted = await dl('POST', `/conversations/${encodeURIComponent(s.conversationId)}/activities`, s.token, {
      type: 'message',
      from: { id: login, name: login, role: 'user' },
      locale: 'en-US',
      ...activity,
      channelData: { clientActivityID: `c-${Date.now()}`, ...(activity.channelData as object | undefined) },
    });
    assert.equal(posted.status, 200);
    const id = (posted.json as { id: string }).id;
    const activities = await poll(s);
    assert.equal(activities.length, 2, JSON.stringify(activities));
    const [echo, reply] = activities;
    assert.equal(echo?.id, id);
    assert.equal(echo?.from?.role, 'user');
    assert.ok(echo?.channelData?.clientActivityID, 'Web Chat matches its echo by clientActivityID');
    assert.equal(reply?.from?.role, 'bot');
    assert.equal(reply?.replyToId, id);
    const card = reply?.attachments?.[0]?.content as Record<string, unknown>;
    assert.deepEqual(parseEvents(card), []);
    for (const a of cardActions(card)) {
      assert.equal(a.type, 'Action.Submit', 'Web Chat ignores Action.Execute');
      assert.equal(typeof (a.data as Record<string, unknown>).verb, 'string');
    }
    return card;
  }

  /** The id of the bot's last message in the conversation's history (what a reconnect reads). */
  async function lastBotMessageId(s: Session): Promise<string> {
    const all = await dl('GET', `/conversations/${encodeURIComponent(s.conversationId)}/activities?watermark=`, s.token);
    const bots = (all.json as { activities: Partial<Activity>[] }).activities.filter((a) => a.type === 'message' && a.from?.role === 'bot');
    return String(bots.at(-1)?.id);
  }

  /** The card of the bot's message `id`, as a reconnect reads it. */
  async function cardOf(s: Session, id: string): Promise<Record<string, unknown> | undefined> {
    const all = await dl('GET', `/conversations/${encodeURIComponent(s.conversationId)}/activities?watermark=`, s.token);
    const message = (all.json as { activities: Partial<Activity>[] }).activities.find((a) => a.type === 'message' && a.id === id);
    return message?.attachments?.[0]?.content as Record<string, unknown> | undefined;
  }

  function submitData(card: Record<string, unknown>, verb: string): Record<string, unknown> {
    const action = cardActions(card).find((a) => (a.data as Record<string, unknown>).verb === verb);
    assert.ok(action, `no ${verb} button in:\n${cardText(card)}`);
    return action.data as Record<string, unknown>;
  }

  it('user → card; unlock → confirm → unlocked in Samba; the replayed button is refused', async () => {
    await resetSeededUser(USERS.locky);
    await lockOut(USERS.locky);
    const s = await start();
    const details = await send(s, USERS.agent, { text: `user ${USERS.locky}` });
    assert.match(cardText(details), /LOCKED/);
    const confirm = await send(s, USERS.agent, { value: submitData(details, VERBS.accountUnlock), channelData: { postBack: true } });
    const accept = submitData(confirm, VERBS.confirmAccept);
    const result = await send(s, USERS.agent, { value: accept });
    assert.match(cardText(result), /✔ Done/);
    assert.deepEqual(await ldapBindAs(USERS.locky, SEED_PASSWORD), { ok: true });
    const replay = await send(s, USERS.agent, { value: accept });
    assert.ok(cardText(replay).includes(errorText('CONFIRM.USED')));
    assert.deepEqual(await poll(s), [], 'nothing new after the watermark');
  });

  it('a refused press redraws the pressed card in place (a messageUpdate), from the directory, the refusal on top', async () => {
    await resetSeededUser(USERS.locky);
    await lockOut(USERS.locky);
    const s = await start();
    await send(s, USERS.agent, { text: `user ${USERS.locky}` });
    const detailsId = await lastBotMessageId(s);
    const details = (await cardOf(s, detailsId))!;
    await resetSeededUser(USERS.locky); // unlocked meanwhile
    const posted = await dl('POST', `/conversations/${encodeURIComponent(s.conversationId)}/activities`, s.token, {
      type: 'message', from: { id: USERS.agent, name: USERS.agent }, value: submitData(details, VERBS.accountUnlock), replyToId: detailsId,
    });
    assert.equal(posted.status, 200);
    const activities = await poll(s);
    assert.deepEqual(activities.map((a) => [a.type, a.from?.role]), [['message', 'user'], ['messageUpdate', 'bot']], 'no new message: the card is redrawn');
    const update = activities[1]!;
    assert.equal(update.id, detailsId);
    const card = update.attachments?.[0]?.content as Record<string, unknown>;
    assert.deepEqual(parseEvents(card), []);
    const body = card.body as unknown[];
    assert.equal(cardText(body[0]), errorText('ACCOUNT.NOT_LOCKED', { user: `Lucy Locke (${USERS.locky})` }));
    assert.equal(cardText(body.at(-1)), cardText(body[0]), 'and again above the buttons');
    assert.match(cardText({ body: body.slice(1, -1) }), /Lock state\nNot locked/);
    assert.ok(!cardActions(card).some((a) => (a.data as Record<string, unknown>).verb === VERBS.accountUnlock));
    // A reconnect reads the redrawn card where the old one stood.
    assert.deepEqual(await cardOf(s, detailsId), card);

    // Without the message's id (Web Chat, the Emulator) the refusal comes as a new message, as before.
    const again = await send(s, USERS.agent, { value: submitData(details, VERBS.accountUnlock) });
    assert.equal(cardText(again), errorText('ACCOUNT.NOT_LOCKED', { user: `Lucy Locke (${USERS.locky})` }));
  });

  it('the supervisor the page offers is a supervisor', async () => {
    const s = await start();
    const card = await send(s, USERS.supervisor, { text: `user ${USERS.jdoe}` });
    assert.ok(cardActions(card).some((a) => (a.data as Record<string, unknown>).verb === VERBS.passwordResetView));
  });

  it('reconnect and token refresh keep the conversation; a wrong token or conversation is refused', async () => {
    const s = await start();
    const path = `/conversations/${encodeURIComponent(s.conversationId)}`;
    assert.equal((await dl('GET', path, s.token)).status, 200);
    const refreshed = await dl('POST', '/tokens/refresh', s.token);
    assert.equal(refreshed.status, 200);
    assert.equal((refreshed.json as { conversationId: string }).conversationId, s.conversationId);
    assert.equal((await dl('GET', `${path}/activities`, 'wrong-token')).status, 403);
    assert.equal((await dl('POST', `${path}/activities`, undefined, { type: 'message', text: 'help', from: { id: USERS.agent } })).status, 403);
    assert.equal((await dl('GET', '/conversations/nope/activities', s.token)).status, 404);
    assert.equal((await dl('POST', '/tokens/refresh', 'wrong-token')).status, 403);
  });

  it('accepts messages and events with a sender (typing is dropped); refuses the rest', async () => {
    const s = await start();
    const path = `/conversations/${encodeURIComponent(s.conversationId)}/activities`;
    assert.equal((await dl('POST', path, s.token, { type: 'conversationUpdate', from: { id: USERS.agent } })).status, 400);
    assert.equal((await dl('POST', path, s.token, { type: 'typing', from: { id: USERS.agent } })).status, 200);
    assert.equal((await dl('POST', path, s.token, { type: 'event', name: 'webchat/join', from: { id: USERS.agent } })).status, 200);
    const events = await poll(s);
    assert.deepEqual(events.map((a) => a.type), ['event'], 'an event is kept and answered with nothing');
    assert.equal((await dl('POST', path, s.token, { type: 'message', text: 'help' })).status, 400);
    assert.equal((await dl('POST', path, s.token, { type: 'message', text: 'x'.repeat(5000), from: { id: USERS.agent } })).status, 400);
  });

  it('serves the console page, the Adaptive Cards SDK and an empty dev outbox', async () => {
    const page = await fetch(`${h.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await page.text(), /adaptivecards\.min\.js/);
    assert.equal((await fetch(`${h.url}/console/vendor/adaptivecards.min.js`)).status, 200);
    assert.deepEqual(await (await fetch(`${h.url}/api/dev/outbox`)).json(), []);
    const info = (await (await fetch(`${h.url}/api/dev/console`)).json()) as { users: { login: string }[] };
    assert.deepEqual(info.users.map((u) => u.login), [USERS.agent, USERS.supervisor]);
  });

  it('answers only requests naming this machine (no DNS rebinding)', async () => {
    const { port } = new URL(h.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/v3/directline/conversations', method: 'POST', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
  });

  it('a console identity cannot be claimed over /api/messages, even with the console on', async () => {
    const before = h.connector.replies.length;
    const activity = submitMessage({
      serviceUrl: h.connector.url,
      channelId: 'directline',
      user: { id: USERS.supervisor, name: 'x', aadObjectId: '', userPrincipalName: '' },
      data: { verb: VERBS.userShow, user: USERS.jdoe },
    });
    assert.equal((await postActivity(h.url, activity)).status, 200);
    const reply = h.connector.replies[before];
    assert.ok(cardText(reply?.activity.attachments?.[0]?.content).includes(errorText('AUTH.UNKNOWN_IDENTITY')));
    assert.equal(reply?.activity.attachments?.[0]?.content && cardActions(reply.activity.attachments[0].content).length, 0);
  });
});
