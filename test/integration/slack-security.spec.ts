// Who may talk to the Slack endpoint, and who the bot believes they are — over real signed HTTP against
// the restify route, with the service on the Samba AD test DC. A request whose signature or timestamp
// does not hold gets 401 and runs nothing: no users.info, no service call, no answer, no audit record.
import assert from 'node:assert/strict';
import { errorText } from '../../src/chat/core/error-text';
import type { ErrorCode } from '../../src/domain/errors';
import { countingService } from '../helpers/bot-harness';
import type { RecordedCall } from '../helpers/slack-api-fake';
import { startSlackHarness, textOf, type SlackHarness } from '../helpers/slack-harness';
import {
  appMention, blockActions, post, postSigned, signedHeaders, slashCommand, type SlackRequest,
} from '../helpers/slack-requests';
import { MAIL_DOMAIN, USERS } from '../helpers/samba';

const U = {
  agent: 'U1AGENT01',
  plain: 'U1PLAIN01',
  ghost: 'U1GHOST01',
  outsider: 'U1OUTSIDE',
  noMail: 'U1NOMAIL1',
  bot: 'U1SOMEBOT',
  gone: 'U1DELETED',
} as const;
const mail = (login: string) => `${login}@${MAIL_DOMAIN}`;

function without(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
}

function assertError(call: RecordedCall, code: ErrorCode): void {
  assert.equal(call.body.text, errorText(code), textOf(call));
}

describe('Slack security and identity, against Samba AD', function () {
  this.timeout(30_000);
  let h: SlackHarness;
  let serviceCalls: () => number;

  before(async () => {
    h = await startSlackHarness({
      slackUsers: [
        { id: U.agent, email: mail(USERS.agent), realName: 'Alice Agent' },
        { id: U.plain, email: mail(USERS.plain), realName: 'Paul Plain' },
        { id: U.ghost, email: `ghost@${MAIL_DOMAIN}`, realName: 'Nobody Known' },
        // Another workspace's member (e.g. in a Slack Connect channel) with the agent's address.
        { id: U.outsider, email: mail(USERS.agent), realName: 'Alice Elsewhere', teamId: 'T9OTHERWS' },
        { id: U.noMail, realName: 'No Email Scope' },
        { id: U.bot, email: mail(USERS.agent), realName: 'Some Bot', isBot: true },
        { id: U.gone, email: mail(USERS.agent), realName: 'Deactivated', deleted: true },
      ],
      wrapService: (service) => {
        const counted = countingService(service);
        serviceCalls = counted.calls;
        return counted.service;
      },
    });
  });
  after(async () => {
    await h?.close();
  });

  describe('request signatures: 401 and nothing runs', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const requests: Record<string, () => SlackRequest> = {
      'slash command': () => slashCommand({ userId: U.agent, text: `user ${USERS.jdoe}`, responseUrl: h.fake.newResponseUrl() }),
      block_actions: () => blockActions({
        userId: U.agent, responseUrl: h.fake.newResponseUrl(),
        action: { action_id: 'hd:user.show:0', value: JSON.stringify({ verb: 'user.show', user: USERS.jdoe }) },
      }),
      app_mention: () => appMention({ userId: U.agent, text: `<@${h.fake.botUserId}> user ${USERS.jdoe}`, botUserId: h.fake.botUserId }),
    };
    const cases: Record<string, (r: SlackRequest) => Record<string, string>> = {
      'a wrong signature': (r) => signedHeaders(r, { secret: 'some-other-signing-secret' }),
      'a timestamp older than five minutes': (r) => signedHeaders(r, { timestampSec: now() - 5 * 60 - 30 }),
      'a missing signature header': (r) => without(signedHeaders(r), 'x-slack-signature'),
      'a missing timestamp header': (r) => without(signedHeaders(r), 'x-slack-request-timestamp'),
      'a body changed after signing': (r) => signedHeaders({ ...r, body: r.body.replace(/jdoe/g, 'jdof') }),
    };

    for (const [kind, build] of Object.entries(requests)) {
      for (const [name, headersFor] of Object.entries(cases)) {
        it(`${kind} with ${name}`, async () => {
          const callsBefore = h.fake.calls.length;
          const infoBefore = [...h.fake.usersInfoCalls.values()].reduce((a, b) => a + b, 0);
          const serviceBefore = serviceCalls();
          const auditBefore = (await h.store.audit.list({ limit: 1000 })).length;
          const request = build();
          const answer = await post(h.eventsUrl, request.body, headersFor(request));
          assert.equal(answer.status, 401);
          assert.equal(answer.body, '');
          await h.surface.idle();
          assert.equal(h.fake.calls.length, callsBefore, 'no answer was posted');
          assert.equal([...h.fake.usersInfoCalls.values()].reduce((a, b) => a + b, 0), infoBefore, 'nobody was looked up');
          assert.equal(serviceCalls(), serviceBefore, 'the service was not called');
          assert.equal((await h.store.audit.list({ limit: 1000 })).length, auditBefore, 'nothing was audited');
        });
      }
    }

    it('a body over 1 MiB is refused (413) before anything reads it', async () => {
      const before = serviceCalls();
      const request: SlackRequest = { contentType: 'application/x-www-form-urlencoded', body: `text=${'x'.repeat(1024 * 1024 + 10)}` };
      const answer = await postSigned(h.eventsUrl, request);
      assert.equal(answer.status, 413);
      assert.equal(serviceCalls(), before);
    });

    it('the same request, correctly signed, is accepted (the cases above differ only in what they break)', async () => {
      const before = serviceCalls();
      const responseUrl = h.fake.newResponseUrl();
      const ack = await postSigned(h.eventsUrl, slashCommand({ userId: U.agent, text: 'help', responseUrl }));
      assert.equal(ack.status, 200);
      await h.fake.responseTo(responseUrl);
      assert.equal(serviceCalls(), before + 1);
    });
  });

  describe('identity: the Slack user\'s e-mail, mapped to the directory', () => {
    it('a user whose e-mail is in no helpdesk group is refused and sees no data', async () => {
      const { answer } = await h.ask(U.plain, `user ${USERS.jdoe}`);
      assertError(answer, 'AUTH.NOT_STAFF');
      for (const leak of ['John Doe', 'Finance', USERS.jdoe]) assert.ok(!textOf(answer).includes(leak), `shows ${leak}`);
      const { answer: help } = await h.ask(U.plain, 'help');
      assert.ok(textOf(help).includes(errorText('AUTH.NOT_STAFF').replace(/'/g, "'")));
      assert.ok(!textOf(help).includes('/helpdesk user'));
    });

    it('a user unknown to the directory is refused and sees no data', async () => {
      const { answer } = await h.ask(U.ghost, `user ${USERS.jdoe}`);
      assertError(answer, 'AUTH.UNKNOWN_IDENTITY');
      assert.ok(!textOf(answer).includes('John Doe'));
    });

    for (const [name, id] of [
      ["another workspace's member with an agent's e-mail", U.outsider],
      ['a user whose e-mail Slack does not give (no users:read.email)', U.noMail],
      ['a bot user', U.bot],
      ['a deactivated user', U.gone],
      ['a user id Slack does not know', 'U1UNKNOWN'],
    ] as const) {
      it(`${name} maps to nobody and is refused`, async () => {
        const { answer } = await h.ask(id, `user ${USERS.jdoe}`);
        assertError(answer, 'AUTH.UNKNOWN_IDENTITY');
        assert.ok(!textOf(answer).includes('John Doe'));
      });
    }

    it('users.info failing: a polite error with a reference, no data, and the failure is not cached', async () => {
      const fresh = 'U1FRESH01';
      h.fake.addUser({ id: fresh, email: mail(USERS.agent) });
      h.fake.failUsersInfo = true;
      try {
        const { answer } = await h.ask(fresh, `user ${USERS.jdoe}`);
        assert.match(String(answer.body.text), /^Sorry, something went wrong on my side\. Reference: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.$/, 'the whole correlation id, as the log lines carry it');
        assert.ok(!textOf(answer).includes('John Doe'));
      } finally {
        h.fake.failUsersInfo = false;
      }
      const { answer } = await h.ask(fresh, `user ${USERS.jdoe}`);
      assert.ok(textOf(answer).includes('John Doe'));
    });

    it('users.info answers are cached briefly: several commands, one lookup', async () => {
      const id = 'U1CACHED1';
      h.fake.addUser({ id, email: mail(USERS.agent) });
      for (let i = 0; i < 3; i++) await h.ask(id, 'help');
      assert.equal(h.fake.usersInfoCalls.get(id), 1);
    });
  });
});
