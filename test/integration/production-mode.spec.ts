// The real entry point (src/main.ts) started as a deployment starts it, with Slack and Active Directory
// (the Samba test DC) configured and no MicrosoftAppId: that is production, whatever NODE_ENV says. So
// the bot binds 0.0.0.0, SECRETS_KEY is required, and the local surfaces are gone: no console, no dev
// outbox, no Direct Line, and no unauthenticated /api/messages (an unsigned Teams activity must not make
// the bot ask a caller-chosen serviceUrl who the sender is). A workstation trial (LOCAL_CONSOLE=on on
// 127.0.0.1) keeps them, for this machine only, and says so at start-up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AppExited, startApp, type RunningApp } from '../helpers/app-process';
import { LoopbackConnector, teamsMember } from '../helpers/loopback-connector';
import { GROUP_DNS, GROUPS, USERS, sambaEnv } from '../helpers/samba';
import { startFakeSlackApi, type FakeSlackApi } from '../helpers/slack-api-fake';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET, post, signedHeaders } from '../helpers/slack-requests';
import { postActivity, teamsMessage } from '../helpers/teams-activities';

describe('Production mode follows from the configured peers (src/main.ts, Slack + Samba AD, no MicrosoftAppId)', function () {
  this.timeout(90_000);
  let slackApi: FakeSlackApi;
  let connector: LoopbackConnector;

  function peers(): Record<string, string> {
    return {
      ...sambaEnv(),
      ROLE_AGENT_GROUPS: GROUPS.agents,
      ROLE_SUPERVISOR_GROUPS: GROUP_DNS.supervisors,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slackApi.apiUrl,
    };
  }
  const key = randomBytes(32).toString('base64');

  before(async () => {
    slackApi = await startFakeSlackApi({ token: TEST_BOT_TOKEN, users: [] });
    connector = await new LoopbackConnector().start();
    connector.addMember(teamsMember(USERS.supervisor));
  });
  after(async () => {
    await slackApi?.stop();
    await connector?.stop();
  });

  async function refusedStart(env: Record<string, string>): Promise<AppExited> {
    try {
      const app = await startApp(env);
      await app.stop();
    } catch (err) {
      if (err instanceof AppExited) return err;
      throw err;
    }
    assert.fail('the app started');
  }

  describe('deployed: SECRETS_KEY given, no HOST', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp({ ...peers(), SECRETS_KEY: key, LOG_LEVEL: 'info' });
    });
    after(() => app?.stop());

    it('listens on 0.0.0.0 and serves Slack', async () => {
      assert.match(app.output, /"host":"0\.0\.0\.0"/);
      assert.match(app.output, /"localConsole":false/);
      const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' });
      const res = await post(`${app.base}/slack/events`, body, signedHeaders({ contentType: 'application/json', body }));
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { challenge: 'c-123' });
    });

    it('an unsigned Teams activity gets 404, and the serviceUrl it names receives nothing', async () => {
      connector.clear();
      const user = teamsMember(USERS.supervisor);
      for (const text of [`reset ${USERS.resetme} view`, 'help']) {
        const res = await postActivity(app.base, teamsMessage({ serviceUrl: connector.url, user, text }));
        assert.equal(res.status, 404, res.text);
      }
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(connector.memberLookups, [], 'nobody asked the caller’s "connector" who the sender is');
      assert.deepEqual(connector.replies, []);
    });

    it('the local surfaces do not exist: console page, Direct Line, dev outbox', async () => {
      assert.equal((await fetch(`${app.base}/`)).status, 404);
      assert.equal((await fetch(`${app.base}/v3/directline/conversations`, { method: 'POST' })).status, 404);
      assert.equal((await fetch(`${app.base}/api/dev/console`)).status, 404);
      assert.equal((await fetch(`${app.base}/api/dev/outbox`)).status, 404);
    });
  });

  it('without SECRETS_KEY (and NODE_ENV unset) start-up stops with one line naming it', async () => {
    const exited = await refusedStart(peers());
    assert.equal(exited.code, 1);
    assert.deepEqual(exited.output.trim().split('\n'), ['config: SECRETS_KEY: required in production (32 random bytes, base64)']);
  });

  it('LOCAL_CONSOLE=on on the default bind (0.0.0.0) stops start-up with one line', async () => {
    const exited = await refusedStart({ ...peers(), SECRETS_KEY: key, LOCAL_CONSOLE: 'on' });
    assert.equal(exited.code, 1);
    const lines = exited.output.trim().split('\n');
    assert.equal(lines.length, 1, exited.output);
    assert.match(lines[0] ?? '', /^config: LOCAL_CONSOLE: .*HOST=127\.0\.0\.1/);
  });

  describe('workstation trial: LOCAL_CONSOLE=on HOST=127.0.0.1 (Agents Playground, the Emulator)', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp({ ...peers(), SECRETS_KEY: key, LOCAL_CONSOLE: 'on', HOST: '127.0.0.1' });
    });
    after(() => app?.stop());

    it('warns once at start-up and serves the console on this machine', async () => {
      const warnings = app.output.split('\n').filter((l) => /^warning: workstation trial/.test(l));
      assert.equal(warnings.length, 1, app.output);
      assert.equal((await fetch(`${app.base}/`)).status, 200);
    });

    it('/api/messages answers a loopback caller without authentication, against the real AD', async () => {
      connector.clear();
      const user = teamsMember(USERS.agent);
      connector.addMember(user);
      const res = await postActivity(app.base, teamsMessage({ serviceUrl: connector.url, user, text: `user ${USERS.jdoe}` }));
      assert.equal(res.status, 200, res.text);
      assert.equal(connector.memberLookups.at(-1)?.found, true);
      assert.match(JSON.stringify(connector.replies.at(-1)?.activity.attachments), /John Doe/);
    });

    it('a serviceUrl that is not on this machine is refused with 400 and receives nothing', async () => {
      connector.clear();
      // 0.0.0.0 reaches the connector on Linux, but it is not a loopback name: the bot must not call it.
      const elsewhere = connector.url.replace('127.0.0.1', '0.0.0.0');
      const res = await postActivity(app.base, teamsMessage({ serviceUrl: elsewhere, user: teamsMember(USERS.agent), text: 'help' }));
      assert.equal(res.status, 400);
      assert.doesNotMatch(res.text, /at \S+ \(|Error:/, 'no internals');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(connector.memberLookups, []);
      assert.deepEqual(connector.replies, []);
    });
  });
});
