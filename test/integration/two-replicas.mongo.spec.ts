// Two replicas on one store (issue 18, item 5): two real src/main.ts processes, A and B, on the same MongoDB
// database (the run's FerretDB, or MONGODB_URL), the Samba AD DC, one loopback Slack Web API and one
// loopback Bot Connector (Teams, as a workstation trial serves it). Whatever one replica started, the
// other finishes, once: an approval asked through A and decided through B gives the requester the PIN
// once; a confirm card drawn by A is confirmed through B, and the same press replayed through A does
// nothing; the change limit per target and the portal lock hold while A and B take concurrent presses and
// answers; a Slack event retried to B is not answered twice; a password shown through A (Teams and Slack)
// hides itself after A is killed with SIGKILL, B doing it from the store; and `npm run audit:verify` finds
// one intact chain afterwards, written by both.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { MongoClient, type Db } from 'mongodb';
import { VERBS } from '../../src/domain/verbs';
import { walk } from '../helpers/adaptive-card-sdk';
import { auditVerify, startApp, type RunningApp } from '../helpers/app-process';
import { mongoTestUrl } from '../helpers/ferretdb';
import { LoopbackConnector, teamsMember } from '../helpers/loopback-connector';
import { BENCH_USERS, GROUP_DNS, GROUPS, MAIL_DOMAIN, resetSeededUser, sambaEnv, USERS } from '../helpers/samba';
import { buttonByVerb, textOf } from '../helpers/slack-harness';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../helpers/slack-api-fake';
import {
  TEST_BOT_TOKEN, TEST_SIGNING_SECRET, appMention, blockActions, post, postSigned, signedHeaders, slashCommand,
} from '../helpers/slack-requests';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';
import { button, teamsChat, type Card, type TeamsChat } from '../helpers/teams-chat';

const AGENT = 'U0AGENT01';
const SUPER = 'U0SUPER01';
const CHANNEL = 'C0HELPDESK';
const LOCK_AFTER = 5;
const TARGET_LIMIT = 3;
/** SECRET_HIDE_SECONDS: a shown password hides itself this soon (B's poll finds it 2–4 s later); long enough that A is killed first. */
const HIDE_SECONDS = 6;
/** Reset by the hide test alone (the other tests' targets have reached their change limit). */
const [TEAMS_TARGET, SLACK_TARGET] = [BENCH_USERS[0]!, BENCH_USERS[1]!];

interface PortalAnswer {
  readonly status: number;
  readonly location?: string;
  readonly body: string;
}

/** One browser: its own cookies and CSRF token; each request goes to the replica it names. */
class PortalBrowser {
  private readonly cookies = new Map<string, string>();
  private csrf = '';

  get(base: string, route: string): Promise<PortalAnswer> {
    return this.send(base, 'GET', route);
  }

  post(base: string, route: string, form: Record<string, string>): Promise<PortalAnswer> {
    return this.send(base, 'POST', route, new URLSearchParams({ csrf: this.csrf, ...form }).toString());
  }

  private send(base: string, method: 'GET' | 'POST', route: string, body?: string): Promise<PortalAnswer> {
    const url = new URL(route, base);
    const headers: Record<string, string> = {
      'user-agent': 'two-replicas spec',
      ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
    };
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: url.port, path: url.pathname, method, headers, agent: false }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          for (const set of res.headers['set-cookie'] ?? []) {
            const [pair = ''] = set.split(';');
            const eq = pair.indexOf('=');
            if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
          }
          const token = /name="csrf" value="([^"]+)"/.exec(text)?.[1];
          if (token) this.csrf = token;
          resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}), body: text });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pinIn = (call: RecordedCall) => /\b(\d{4} \d{4})\b/.exec(textOf(call))?.[1]?.replace(' ', '');
/** The password a Teams result card shows (its one large monospace value, in groups of four). */
function teamsPassword(card: unknown): string | undefined {
  let found: string | undefined;
  walk(card, (o) => {
    if (o.type === 'TextRun' && o.fontType === 'Monospace' && o.size === 'Large') found = String(o.text).replace(/\s/g, '');
  });
  return found;
}
/** The password a Slack result shows (its rich_text block). */
function slackPassword(call: RecordedCall): string {
  const pre = (call.body.blocks as { type: string; elements?: { elements: { text: string }[] }[] }[]).find((b) => b.type === 'rich_text');
  return (pre?.elements?.[0]?.elements[0]?.text ?? '').replace(/\s/g, '');
}

describe('Two replicas (two src/main.ts processes) on one MongoDB store', function () {
  this.timeout(240_000);
  let url: string;
  let env: Record<string, string>;
  let a: RunningApp;
  let b: RunningApp;
  let slack: FakeSlackApi;
  let connector: LoopbackConnector;
  let client: MongoClient;
  let db: Db;
  const supervisor = teamsMember(USERS.supervisor, 'Sam Supervisor');

  before(async () => {
    url = mongoTestUrl();
    slack = await startFakeSlackApi({
      token: TEST_BOT_TOKEN,
      users: [
        { id: AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' },
        { id: SUPER, email: `${USERS.supervisor}@${MAIL_DOMAIN}`, realName: 'Sam Supervisor' },
      ],
    });
    connector = await new LoopbackConnector().start();
    connector.addMember(supervisor);
    await resetSeededUser(USERS.resetme);
    env = {
      SECRET_HIDE_SECONDS: String(HIDE_SECONDS),
      ...sambaEnv(),
      ROLE_AGENT_GROUPS: GROUPS.agents,
      ROLE_SUPERVISOR_GROUPS: GROUP_DNS.supervisors,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      // A workstation trial: Teams activities on loopback without a Bot Framework token.
      LOCAL_CONSOLE: 'on',
      HOST: '127.0.0.1',
      STORE_URL: url,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      PORTAL_LOCK_AFTER: String(LOCK_AFTER),
      PORTAL_RATE_PER_MINUTE: '10000',
      PORTAL_PAGE_RATE_PER_MINUTE: '10000',
      PORTAL_LOGIN_RATE_PER_MINUTE: '1000',
      LIMIT_TARGET_PER_HOUR: String(TARGET_LIMIT),
    };
    // Both start at once, on an empty database: each creates the collections and verifies the chain.
    [a, b] = await Promise.all([startApp(env), startApp(env)]);
    client = new MongoClient(url);
    db = client.db();
  });

  after(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await slack?.stop();
    await connector?.stop();
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
    await resetSeededUser(USERS.resetme);
    for (const target of [TEAMS_TARGET, SLACK_TARGET]) await resetSeededUser(target);
    assert.deepEqual(codes, [0, 0], `${a?.output}\n${b?.output}`);
  });

  it('both replicas are ready on the one store; its audit chain is verified once, by one of them', async () => {
    const audits: unknown[] = [];
    for (const app of [a, b]) {
      const ready = await fetch(`${app.base}/readyz`);
      const body = (await ready.json()) as Record<string, unknown>;
      assert.equal(ready.status, 200, JSON.stringify(body) + app.output);
      audits.push(body.audit);
    }
    // Start-up verification is claimed once per AUDIT_VERIFY_WINDOW_MINUTES: one walks the chain, the other skips it.
    assert.deepEqual(audits.sort(), ['ok', 'skipped']);
  });

  it('an approval asked through A is decided through B: the PIN reaches the requester once; a late press through A gives nothing', async () => {
    const posted = slack.callsTo('chat.postMessage').length;
    const asked = await postSigned(`${a.base}/slack/events`, slashCommand({ userId: AGENT, text: `pin ${USERS.jdoe} view`, responseUrl: slack.newResponseUrl() }));
    assert.equal(asked.status, 200);
    const request = await slack.waitFor((c) => c.method === 'chat.postMessage' && slack.callsTo('chat.postMessage').indexOf(c) >= posted);
    const approve = buttonByVerb(request, VERBS.approvalApprove);
    const press = (base: string) => postSigned(`${base}/slack/events`, blockActions({
      userId: SUPER, responseUrl: slack.newResponseUrl(), ephemeral: false, channelId: CHANNEL, messageTs: slack.tsOf(request),
      action: { action_id: approve.action_id, ...(approve.value !== undefined ? { value: approve.value } : {}), text: approve.text },
    }));

    assert.equal((await press(b.base)).status, 200);
    const privately = await slack.waitFor((c) => c.method === 'chat.postEphemeral' && c.body.user === AGENT && pinIn(c) !== undefined);
    const pin = pinIn(privately);
    assert.ok(pin && /^\d{8}$/.test(pin), 'the 8-digit PIN, to the requester');
    const update = await slack.waitFor((c) => c.method === 'chat.update' && c.body.ts === slack.tsOf(request));
    assert.match(textOf(update), /Approved by \*Sam Supervisor\*/);

    const late = await press(a.base);
    assert.equal(late.status, 200);
    await sleep(1500);
    assert.equal(slack.calls.filter((c) => pinIn(c) === pin).length, 1, 'the PIN is in one message only');
    assert.equal(slack.calls.filter((c) => c.method === 'chat.postEphemeral' && pinIn(c) !== undefined).length, 1, 'no second PIN message');
    assert.ok(slack.calls.some((c) => c.method === 'response_url' && /already approved by Sam Supervisor/.test(textOf(c))), 'the late press is told who decided');
  });

  it('Approve through A and Deny through B at the same moment: one decision, and the PIN only if it was the approval', async () => {
    const posted = slack.callsTo('chat.postMessage').length;
    const asked = await postSigned(`${b.base}/slack/events`, slashCommand({ userId: AGENT, text: `pin ${USERS.jsmith} view`, responseUrl: slack.newResponseUrl() }));
    assert.equal(asked.status, 200);
    const request = await slack.waitFor((c) => c.method === 'chat.postMessage' && slack.callsTo('chat.postMessage').indexOf(c) >= posted);
    const pinMessages = () => slack.calls.filter((c) => c.method === 'chat.postEphemeral' && pinIn(c) !== undefined).length;
    const pinsBefore = pinMessages();
    const press = (base: string, verb: string) => {
      const pressed = buttonByVerb(request, verb);
      return postSigned(`${base}/slack/events`, blockActions({
        userId: SUPER, responseUrl: slack.newResponseUrl(), ephemeral: false, channelId: CHANNEL, messageTs: slack.tsOf(request),
        action: { action_id: pressed.action_id, ...(pressed.value !== undefined ? { value: pressed.value } : {}), text: pressed.text },
      }));
    };
    const acks = await Promise.all([press(a.base, VERBS.approvalApprove), press(b.base, VERBS.approvalDeny)]);
    assert.deepEqual(acks.map((r) => r.status), [200, 200]);
    const update = await slack.waitFor((c) => c.method === 'chat.update' && c.body.ts === slack.tsOf(request));
    await sleep(1500);
    const decided = await db.collection('audit').find({ action: { $in: ['approval.approve', 'approval.deny'] }, target: USERS.jsmith, outcome: 'success' }).toArray();
    assert.equal(decided.length, 1, 'one decision succeeded');
    assert.equal(slack.calls.filter((c) => c.method === 'chat.update' && c.body.ts === slack.tsOf(request)).length, 1, 'the request message updated once');
    const approved = decided[0]?.action === 'approval.approve';
    assert.match(textOf(update), approved ? /Approved by/ : /Denied by/);
    assert.equal(pinMessages() - pinsBefore, approved ? 1 : 0, 'a PIN reached the requester only if approved, and once');
  });

  it('a confirm card drawn by A is confirmed through B once; the same press replayed through A does nothing', async () => {
    const teamsA = teamsChat({ url: a.base, connector });
    const teamsB = teamsChat({ url: b.base, connector });
    const changes = await db.collection('account_changes').countDocuments({});
    const prompt = await teamsA.say(supervisor, `reset ${USERS.resetme} view`);
    const confirm = button(prompt, VERBS.confirmAccept);
    assert.ok(confirm, `a confirm card: ${JSON.stringify(prompt).slice(0, 600)}`);

    const shown = await teamsB.press(supervisor, confirm);
    assert.ok(button(shown, VERBS.secretHide), `the new password, shown once with Hide: ${JSON.stringify(shown).slice(0, 600)}`);
    const replay = await teamsA.press(supervisor, confirm);
    assert.equal(button(replay, VERBS.secretHide), undefined, `the replay shows no password: ${JSON.stringify(replay).slice(0, 600)}`);
    assert.doesNotMatch(JSON.stringify(replay), /[Pp]assword (?:is|set)/);
    assert.equal(await db.collection('account_changes').countDocuments({}), changes + 1, 'one change recorded');
  });

  it(`the change limit per target (${TARGET_LIMIT} an hour) holds under concurrent confirms split across A and B`, async () => {
    const teamsA = teamsChat({ url: a.base, connector });
    const teamsB = teamsChat({ url: b.base, connector });
    // Six confirm cards, drawn alternately by A and B while the target still has room (one reset done above).
    const cards: { drawnBy: TeamsChat; other: TeamsChat; confirm: Card }[] = [];
    for (let i = 0; i < 6; i++) {
      const [drawnBy, other] = i % 2 === 0 ? [teamsA, teamsB] : [teamsB, teamsA];
      const prompt = await drawnBy.say(supervisor, `reset ${USERS.resetme} view`);
      const confirm = button(prompt, VERBS.confirmAccept);
      assert.ok(confirm, `card ${i + 1}: ${JSON.stringify(prompt).slice(0, 600)}`);
      cards.push({ drawnBy, other, confirm });
    }
    // Each confirmed at once through the replica that did not draw it.
    const answers = await Promise.all(cards.map((c) => c.other.press(supervisor, c.confirm)));
    const reset = answers.filter((card) => button(card, VERBS.secretHide) !== undefined);
    assert.equal(reset.length, TARGET_LIMIT - 1, `exactly the room left: ${answers.map((c) => JSON.stringify(c).slice(0, 300)).join('\n')}`);
    for (const refused of answers.filter((card) => button(card, VERBS.secretHide) === undefined)) {
      assert.match(JSON.stringify(refused), /limit/i, 'the others are told the limit is reached');
    }
    const audited = await db.collection('audit').countDocuments({ action: 'password.reset.view', outcome: 'success', target: USERS.resetme });
    assert.equal(audited, TARGET_LIMIT, 'never more resets of the one account than the limit');
  });

  it(`the portal lock: 20 concurrent wrong answers split across A and B → exactly ${LOCK_AFTER} judged, one lock`, async () => {
    const login = USERS.cobrien;
    // Each browser signs in through one replica and answers through the other.
    const browsers = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const [first, second] = i % 2 === 0 ? [a.base, b.base] : [b.base, a.base];
      const browser = new PortalBrowser();
      await browser.get(first, '/portal/');
      const signIn = await browser.post(first, '/portal/sign-in', { login, method: 'pin' });
      assert.equal(signIn.location, '/portal/challenge', `${signIn.status} ${signIn.body.slice(0, 300)}`);
      await browser.get(second, '/portal/challenge');
      return { browser, second };
    }));
    const answers = await Promise.all(browsers.map(({ browser, second }, i) => browser.post(second, '/portal/challenge', { pin: String(10_000_000 + i) })));
    const locked = answers.filter((r) => r.status === 403 && /locked/.test(r.body)).length;
    const wrong = answers.filter((r) => r.location === '/portal/challenge').length;
    assert.equal(wrong + locked, 20, answers.map((r) => `${r.status} ${r.location ?? ''}`).join(', '));

    const events = await db.collection('portal_events').find({ user: login }).toArray();
    const judged = events.filter((e) => e.type === 'challenge' && e.outcome === 'failure').length;
    const locks = events.filter((e) => e.type === 'portal-lock').length;
    assert.equal(judged, LOCK_AFTER, 'exactly PORTAL_LOCK_AFTER answers judged');
    assert.equal(locks, 1, 'one lock');
    assert.equal(wrong, LOCK_AFTER - 1, 'the one that locked answers "locked", the ones before it "did not match"');
    assert.equal(events.filter((e) => e.type === 'sign-in' && e.outcome === 'failure').length, 20 - LOCK_AFTER, 'the rest refused as locked, unjudged');
  });

  it('a Slack event retried to B (same event_id, X-Slack-Retry-Num) does not act twice', async () => {
    // An agent's mention asking to see a PIN opens an approval request: acting twice would open two.
    const typed = `pin ${USERS.cobrien} view`;
    const mention = appMention({ userId: AGENT, text: `<@${slack.botUserId}> ${typed}`, botUserId: slack.botUserId, eventId: `Ev${randomBytes(5).toString('hex').toUpperCase()}` });
    const requests = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && textOf(c).includes(typed)).length;
    const first = await postSigned(`${a.base}/slack/events`, mention);
    assert.equal(first.status, 200);
    await slack.waitFor(() => requests() === 1);
    const retry = await post(`${b.base}/slack/events`, mention.body, { ...signedHeaders(mention), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    assert.equal(retry.status, 200, 'acknowledged, so that Slack stops retrying');
    await sleep(2000);
    assert.equal(requests(), 1, 'one request message');
    assert.equal(await db.collection('approvals').countDocuments({ target: USERS.cobrien }), 1, 'one approval request in the store');
  });

  it('a password shown through A hides itself after A is killed with SIGKILL: B puts the hidden card (Teams) and message (Slack) in place, once', async () => {
    // Teams: the confirm card drawn and confirmed through A; the password answers in place of the card.
    const sent = connector.replies.length;
    assert.equal((await postActivity(a.base, teamsMessage({ serviceUrl: connector.url, user: supervisor, text: `reset ${TEAMS_TARGET} view` }))).status, 200);
    const prompt = connector.replies.slice(sent).find((r) => r.method === 'POST');
    assert.ok(prompt, 'the confirm card');
    const accept = button(prompt.activity.attachments?.[0]?.content as Card, VERBS.confirmAccept);
    assert.ok(accept, JSON.stringify(prompt.activity).slice(0, 600));
    const confirmed = await postActivity(a.base, teamsInvoke({
      serviceUrl: connector.url, user: supervisor, verb: VERBS.confirmAccept, data: accept.data as Record<string, unknown>, replyToId: prompt.answeredId,
    }));
    const shownOnTeams = teamsPassword((confirmed.body as { value: Card }).value);
    assert.ok(shownOnTeams && shownOnTeams.length >= 16, confirmed.text.slice(0, 600));

    // Slack: `/helpdesk reset` through A, Confirm pressed through A; the password answers on the press's response_url.
    const asked = slack.newResponseUrl();
    assert.equal((await postSigned(`${a.base}/slack/events`, slashCommand({ userId: SUPER, text: `reset ${SLACK_TARGET} view`, responseUrl: asked }))).status, 200);
    const confirm = buttonByVerb(await slack.responseTo(asked), VERBS.confirmAccept);
    const pressedAt = slack.newResponseUrl();
    assert.equal((await postSigned(`${a.base}/slack/events`, blockActions({
      userId: SUPER, responseUrl: pressedAt, ephemeral: true,
      action: { action_id: confirm.action_id, ...(confirm.value !== undefined ? { value: confirm.value } : {}), text: confirm.text },
    }))).status, 200);
    const shown = await slack.responseTo(pressedAt);
    const shownOnSlack = slackPassword(shown);
    assert.ok(shownOnSlack.length >= 16, textOf(shown).slice(0, 600));

    // Both hides are due times in the store before A goes: killed, A's own timers never fire.
    const hidesKept = () => db.collection<{ _id: string }>('pending_work').countDocuments({ _id: { $regex: /^hide:/ } });
    for (let i = 0; i < 50 && (await hidesKept()) < 2; i++) await sleep(100);
    assert.equal(await hidesKept(), 2, 'both hides kept in the store');
    const killed = a;
    assert.equal(await killed.kill('SIGKILL'), null, 'A killed');

    const pressedPath = new URL(pressedAt).pathname;
    const [onTeams, onSlack] = await Promise.all([
      connector.waitFor((r) => r.method === 'PUT' && r.replyToId === prompt.answeredId, 20_000),
      slack.waitFor((c) => c.method === 'response_url' && c.path === pressedPath && c !== shown, 20_000),
    ]);
    const hidden = /Password for .+ shown to Sam Supervisor at .+; hidden\./;
    assert.match(JSON.stringify(onTeams.activity), hidden);
    assert.ok(!JSON.stringify(onTeams.activity).includes(shownOnTeams), 'the Teams update holds no password');
    assert.equal(onSlack.body.replace_original, true);
    assert.match(String(onSlack.body.text), hidden);
    assert.ok(!textOf(onSlack).includes(shownOnSlack), 'the Slack replacement holds no password');
    await sleep(3000);
    assert.equal(connector.replies.filter((r) => r.method === 'PUT' && r.replyToId === prompt.answeredId).length, 1, 'hidden once on Teams');
    assert.equal(slack.calls.filter((c) => c.method === 'response_url' && c.path === pressedPath).length, 2, 'shown, then hidden once on Slack');
    const audited = await db.collection('audit').countDocuments({ action: 'secret.hide', target: { $in: [TEAMS_TARGET, SLACK_TARGET] }, outcome: 'success' });
    assert.equal(audited, 2, 'each hide done (and audited) once');
    assert.equal(await hidesKept(), 0, 'nothing left to hide');

    // A restarts on the same store (a killed pod comes back), and stops cleanly with the rest.
    await killed.stop(); // its data folder
    a = await startApp(env);
  });

  it('npm run audit:verify finds one intact chain, written by both replicas', async () => {
    const verified = await auditVerify(env);
    assert.equal(verified.code, 0, verified.output);
    assert.match(verified.output, /audit chain intact: \d+ records/);
  });
});
