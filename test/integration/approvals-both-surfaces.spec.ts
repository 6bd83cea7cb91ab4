// One approval request with copies on both surfaces, against Samba AD: the same agent asks in Teams (the
// card where asked and its copy in APPROVALS_TEAMS_CONVERSATION) and in Slack (the message where asked and
// its copy in the approvals channel): the same request, reopened. Teams and Slack share the store and the
// decisions, as the surfaces of one replica do. A decision on either surface shows on every copy of both, each updated once,
// each by its own surface (no Slack update of a Teams card, nor the reverse).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApprovalDecisions } from '../../src/chat/core/approval-requests';
import { VERBS } from '../../src/domain/verbs';
import { silentLogger } from '../../src/ports/logger.port';
import { cardActions, cardText } from '../helpers/adaptive-card-sdk';
import { SAMBA_SETTINGS, startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type RecordedReply, type TeamsMember } from '../helpers/loopback-connector';
import { MAIL_DOMAIN, USERS } from '../helpers/samba';
import type { RecordedCall } from '../helpers/slack-api-fake';
import { buttonByVerb, startSlackHarness, textOf, type SlackHarness } from '../helpers/slack-harness';
import { blockActions, postSigned } from '../helpers/slack-requests';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';

type Card = Record<string, unknown>;
const TEAMS_SUPERVISORS = '19:supervisors@thread.tacv2';
const SLACK_SUPERVISORS = 'C0SUPERVIS';
const SLACK_CHANNEL = 'C0HELPDESK';
const SLACK_AGENT = 'U0AGENT01';
const SLACK_SUPER = 'U0SUPER01';
const base = (id: string) => id.split(';')[0];
const LIMITS = { changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } };

describe('An approval request with copies in Teams and in Slack (one store): a decision on either shows on every copy, once', function () {
  this.timeout(60_000);
  let dir: string;
  let teams: BotHarness;
  let slack: SlackHarness;
  let agent: TeamsMember;
  let supervisor: TeamsMember;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mypass-both-surfaces-'));
    const storePath = path.join(dir, 'helpdesk.db');
    // One replica's surfaces: the same store, and a decision taken on either passed to the other.
    const approvalDecisions = new ApprovalDecisions(silentLogger);
    teams = await startBotHarness({ storePath, approvalDecisions, approvalsConversation: TEAMS_SUPERVISORS, settings: LIMITS });
    slack = await startSlackHarness({
      storePath, approvalDecisions, approvalsChannel: SLACK_SUPERVISORS, settings: { ...SAMBA_SETTINGS, ...LIMITS },
      slackUsers: [
        { id: SLACK_AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' },
        { id: SLACK_SUPER, email: `${USERS.supervisor}@${MAIL_DOMAIN}`, realName: 'Sam Supervisor' },
      ],
    });
    agent = teams.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    supervisor = teams.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
  });
  after(async () => {
    await teams?.close();
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The agent asks for `user`'s PIN in a Teams channel, then in Slack: the two Teams cards, the two Slack messages, one approval id. */
  async function askOnBoth(user: string): Promise<{ teamsCopies: RecordedReply[]; slackCopies: RecordedCall[]; approve: Record<string, unknown> }> {
    const before = teams.connector.replies.length;
    const res = await postActivity(teams.url, teamsMessage({ serviceUrl: teams.connector.url, user: agent, conversation: 'channel', text: `pin ${user} view` }));
    assert.equal(res.status, 200, res.text);
    const teamsCopies = teams.connector.replies.slice(before);
    assert.equal(teamsCopies.length, 2, 'where asked, and to the supervisors\' conversation');
    const posted = slack.fake.callsTo('chat.postMessage').length;
    assert.equal((await slack.command(SLACK_AGENT, `pin ${user} view`)).ack.status, 200);
    await slack.fake.waitFor(() => slack.fake.callsTo('chat.postMessage').length === posted + 2);
    await slack.surface.idle();
    const slackCopies = slack.fake.callsTo('chat.postMessage').slice(posted);
    assert.deepEqual(slackCopies.map((c) => c.body.channel), [SLACK_CHANNEL, SLACK_SUPERVISORS], 'where asked, and to the approvals channel');
    const approve = cardActions(teamsCopies[1]?.activity.attachments?.[0]?.content as Card).find((a) => a.verb === VERBS.approvalApprove)?.data as Record<string, unknown>;
    assert.ok(approve);
    for (const message of slackCopies) {
      assert.equal((JSON.parse(buttonByVerb(message, VERBS.approvalApprove).value ?? '{}') as { approvalId?: string }).approvalId, approve.approvalId, 'the request reopened: one approval');
    }
    return { teamsCopies, slackCopies, approve };
  }

  /** Every Teams card and every Slack message shows `decided`, each updated once, and nothing else was updated. */
  function assertEveryCopyOnce(teamsCopies: RecordedReply[], teamsPuts: RecordedReply[], slackCopies: RecordedCall[], slackUpdates: RecordedCall[], decided: RegExp): void {
    assert.deepEqual(
      teamsPuts.map((u) => `${base(u.conversationId)} ${u.replyToId ?? ''}`).sort(),
      teamsCopies.map((c) => `${base(c.conversationId)} ${c.answeredId}`).sort(),
      'each Teams card updated once, by Teams',
    );
    for (const u of teamsPuts) assert.match(cardText(u.activity.attachments?.[0]?.content), decided);
    assert.deepEqual(
      slackUpdates.map((u) => `${String(u.body.channel)} ${String(u.body.ts)}`).sort(),
      slackCopies.map((c) => `${String(c.body.channel)} ${slack.fake.tsOf(c)}`).sort(),
      'each Slack message updated once, by Slack',
    );
    for (const u of slackUpdates) assert.match(textOf(u), decided);
  }

  it('approved in Slack\'s approvals channel: both Slack messages and both Teams cards show it', async () => {
    const { teamsCopies, slackCopies } = await askOnBoth(USERS.jdoe);
    const puts = teams.connector.replies.length;
    const updates = slack.fake.callsTo('chat.update').length;
    const pressedOn = slackCopies[1];
    assert.ok(pressedOn);
    assert.equal(pressedOn.body.channel, SLACK_SUPERVISORS);
    const button = buttonByVerb(pressedOn, VERBS.approvalApprove);
    assert.equal((await postSigned(slack.eventsUrl, blockActions({
      userId: SLACK_SUPER, responseUrl: slack.fake.newResponseUrl(), ephemeral: false, channelId: SLACK_SUPERVISORS, messageTs: slack.fake.tsOf(pressedOn),
      action: { action_id: button.action_id, ...(button.value !== undefined ? { value: button.value } : {}), text: button.text },
    }))).status, 200);
    await slack.fake.waitFor(() => slack.fake.callsTo('chat.update').length >= updates + 2);
    await slack.surface.idle();
    const teamsPuts = teams.connector.replies.slice(puts).filter((r) => r.method === 'PUT');
    assertEveryCopyOnce(teamsCopies, teamsPuts, slackCopies, slack.fake.callsTo('chat.update').slice(updates), /Approved by \*?Sam Supervisor/);
  });

  it('denied in Teams\' supervisors\' conversation: both Teams cards and both Slack messages show it', async () => {
    const { teamsCopies, slackCopies, approve } = await askOnBoth(USERS.jsmith);
    const puts = teams.connector.replies.length;
    const updates = slack.fake.callsTo('chat.update').length;
    const pressedOn = teamsCopies[1];
    assert.ok(pressedOn);
    assert.equal(pressedOn.conversationId, TEAMS_SUPERVISORS);
    const res = await postActivity(teams.url, teamsInvoke({
      serviceUrl: teams.connector.url, user: supervisor, conversation: 'channel', conversationId: `${TEAMS_SUPERVISORS};messageid=${pressedOn.answeredId}`,
      verb: VERBS.approvalDeny, data: approve, replyToId: pressedOn.answeredId,
    }));
    assert.equal(res.status, 200, res.text);
    await slack.surface.idle();
    const teamsPuts = teams.connector.replies.slice(puts).filter((r) => r.method === 'PUT');
    assertEveryCopyOnce(teamsCopies, teamsPuts, slackCopies, slack.fake.callsTo('chat.update').slice(updates), /Denied by \*?Sam Supervisor/);
  });
});
