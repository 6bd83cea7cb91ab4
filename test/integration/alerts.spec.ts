// Alerts to the supervisors against Samba AD, over the Bot Framework protocol and the Slack Web API on
// loopback: real lockouts by wrong binds make a lockout storm; two replicas polling one store post it once,
// to the Teams conversation and to the Slack channel, in the same words; a supervisor's Show press on the
// alert in the channel opens the user's details as the presser's own view; an agent's Unlock press leads to
// the confirm step; a plain user's press changes nothing.
import assert from 'node:assert/strict';
import { createSlackSurface, type SlackSurface } from '../../src/chat/slack/slack-app';
import { VERBS } from '../../src/domain/verbs';
import { silentLogger } from '../../src/ports/logger.port';
import { AlertDispatcher, AlertWatch, type AlertSettings, type AlertSink } from '../../src/service/desk';
import { cardActions, cardText, parseEvents } from '../helpers/adaptive-card-sdk';
import { SAMBA_SETTINGS, startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { lockOut, resetSeededUser, USERS } from '../helpers/samba';
import { FakeSlackApi } from '../helpers/slack-api-fake';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';

type Card = Record<string, unknown>;

const ALERTS_CONVERSATION = '19:helpdesk-supervisors@thread.tacv2';
const ALERTS_CHANNEL = 'C0ALERTS';
const TOKEN = 'xoxb-test-alerts';
const LOCKED = [USERS.locky, USERS.cobrien];
/** Two lockouts make a storm here (ALERT_LOCKOUTS=2), so that the test locks few seeded users. */
const SETTINGS: AlertSettings = { lockouts: 2, windowMs: 10 * 60_000, vipGroups: [], pollMs: 30_000 };

describe('Alerts to the supervisors, against Samba AD, on Teams and Slack', function () {
  this.timeout(90_000);
  const slackApi = new FakeSlackApi({ token: TOKEN });
  const replicas: { h: BotHarness; slack: SlackSurface; watch: AlertWatch }[] = [];
  let supervisor: TeamsMember;
  let agent: TeamsMember;
  let plain: TeamsMember;

  async function replica(dbPath?: string): Promise<{ h: BotHarness; slack: SlackSurface; watch: AlertWatch }> {
    const h = await startBotHarness({ alertsConversation: ALERTS_CONVERSATION, ...(dbPath ? { dbPath } : {}) });
    const slack = await createSlackSurface({ service: h.service, logger: silentLogger, config: { botToken: TOKEN, signingSecret: 'x'.repeat(32), apiUrl: slackApi.apiUrl }, alertsChannel: ALERTS_CHANNEL });
    const sinks = [h.teams.alertSink, slack.alertSink].filter((s): s is NonNullable<typeof s> => s !== undefined) as AlertSink[];
    const deps = { directory: h.directory, store: h.store, clock: h.clock, logger: silentLogger, settings: SAMBA_SETTINGS };
    return { h, slack, watch: new AlertWatch(deps, new AlertDispatcher(h.store.alertClaims, sinks, h.clock, silentLogger, SETTINGS), SETTINGS) };
  }

  before(async () => {
    await slackApi.start();
    const first = await replica();
    replicas.push(first, await replica(first.h.dbPath));
    for (const { h } of replicas) {
      supervisor = h.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
      agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
      plain = h.connector.addMember(teamsMember(USERS.plain, 'Paul Plain'));
      // Teams says where its connector is in each activity: a supervisor's "help" in the channel.
      const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user: supervisor, conversation: 'channel', text: 'help' }));
      assert.equal(res.status, 200, res.text);
    }
  });
  after(async () => {
    for (const { h, slack } of replicas) {
      await slack.close();
      await h.close();
    }
    await slackApi.stop();
    for (const u of LOCKED) await resetSeededUser(u);
  });

  const alertsPosted = (h: BotHarness) => h.connector.repliesTo(ALERTS_CONVERSATION).filter((r) => r.activity.attachments?.length);
  const slackPosted = () => slackApi.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === ALERTS_CHANNEL);

  it('nothing locked: a poll sends nothing; two replicas in one poll slot: one of them polls', async () => {
    const results = await Promise.all(replicas.map((r) => r.watch.poll()));
    assert.equal(results.filter((r) => r.polled).length, 1);
    assert.equal(results.reduce((n, r) => n + r.sent, 0), 0);
  });

  it('two accounts locked by wrong passwords: one storm card in the Teams conversation and one Slack message, whichever replica polls', async () => {
    for (const u of LOCKED) {
      const last = (await lockOut(u, 4)).at(-1);
      assert.equal(last && !last.ok ? last.data : undefined, '775', `${u} is locked`);
    }
    for (const r of replicas) r.h.clock.advance(SETTINGS.pollMs); // the next poll slot
    const results = await Promise.all(replicas.map((r) => r.watch.poll()));
    assert.equal(results.filter((r) => r.polled).length, 1);
    assert.equal(results.reduce((n, r) => n + r.sent, 0), 1);

    const teams = replicas.flatMap((r) => alertsPosted(r.h));
    assert.equal(teams.length, 1, 'one Teams post across both replicas');
    const card = teams[0]?.activity.attachments?.[0]?.content as Card;
    assert.deepEqual(parseEvents(card), []);
    const text = cardText(card);
    assert.match(text, /Lockout storm/);
    assert.match(text, /Lockout storm: 2 accounts locked out in the last 10 minutes \(2 in Active Directory, 0 on the portal\)/);
    for (const u of LOCKED) assert.match(text, new RegExp(`\\b${u}\\b`));
    assert.deepEqual(
      cardActions(card).map((a) => `${String(a.verb)} ${String((a.data as Record<string, string>).user)}`).sort(),
      LOCKED.flatMap((u) => [`${VERBS.userShow} ${u}`, `${VERBS.accountUnlock} ${u}`]).sort(),
    );

    const slack = slackPosted();
    assert.equal(slack.length, 1, 'one Slack message across both replicas');
    const blocksText = JSON.stringify(slack[0]?.body.blocks);
    assert.match(String(slack[0]?.body.text), /^Lockout storm: Lockout storm: 2 accounts locked out in the last 10 minutes \(2 in Active Directory, 0 on the portal\)/);
    assert.ok(blocksText.includes('Lockout storm: 2 accounts locked out in the last 10 minutes (2 in Active Directory, 0 on the portal)'), 'the same words as the card');
    for (const u of LOCKED) assert.ok(blocksText.includes(`"action_id"`) && blocksText.includes(u));

    // The next polls, on either replica, within the window: the same storm is not posted again.
    for (const r of replicas) r.h.clock.advance(SETTINGS.pollMs);
    await Promise.all(replicas.map((r) => r.watch.poll()));
    assert.equal(replicas.flatMap((r) => alertsPosted(r.h)).length, 1);
    assert.equal(slackPosted().length, 1);
  });

  async function press(h: BotHarness, user: TeamsMember, verb: string, login: string): Promise<Card> {
    const res = await postActivity(h.url, teamsInvoke({ serviceUrl: h.connector.url, user, conversation: 'channel', verb, data: { user: login }, replyToId: 'alert-1' }));
    assert.equal(res.status, 200, res.text);
    const card = (res.body as { value: unknown }).value as Card;
    assert.deepEqual(parseEvents(card), []);
    return card;
  }

  it('the buttons as the presser\'s role allows: a supervisor\'s Show opens the details as their own view only, an agent\'s Unlock asks to confirm, a plain user is refused', async () => {
    const h = replicas[0]!.h;
    const before = h.connector.replies.length;
    // The invoke's answer reaches the presser alone (their own view); nothing is posted or updated for the channel.
    const shown = cardText(await press(h, supervisor, VERBS.userShow, USERS.locky));
    assert.match(shown, /Lucy Locke/);
    assert.ok(h.connector.replies.slice(before).every((r) => !JSON.stringify(r.activity).includes('Lucy Locke')), 'no user data sent to the channel');
    const confirm = cardText(await press(h, agent, VERBS.accountUnlock, USERS.locky));
    assert.match(confirm, /Unlock/i);
    const refused = cardText(await press(h, plain, VERBS.accountUnlock, USERS.locky));
    assert.match(refused, /for helpdesk staff only/);
    assert.doesNotMatch(refused, /Lucy Locke/);
  });
});
