import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createSlackSurface } from '../../../../src/chat/slack/slack-app';
import type { Logger } from '../../../../src/ports/logger.port';
import { demoFixture } from '../../../helpers/service-fixture';
import { startFakeSlackApi, type FakeSlackApi } from '../../../helpers/slack-api-fake';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../../../helpers/slack-requests';

function recordingLogger(): Logger & { lines: { level: string; message: string; fields: object }[] } {
  const lines: { level: string; message: string; fields: object }[] = [];
  const at = (level: string) => (fields: object, message: string) => lines.push({ level, message, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/`;
}

describe('slack surface start-up (auth.test)', () => {
  let fake: FakeSlackApi;
  before(async () => {
    fake = await startFakeSlackApi({ token: TEST_BOT_TOKEN });
  });
  after(async () => {
    await fake.stop();
  });

  it('a token Slack accepts: started, with the team it belongs to logged', async () => {
    const logger = recordingLogger();
    const surface = await createSlackSurface({
      service: demoFixture().service, logger, config: { botToken: TEST_BOT_TOKEN, signingSecret: TEST_SIGNING_SECRET, apiUrl: fake.apiUrl },
    });
    await surface.close();
    const line = logger.lines.find((l) => l.message === 'slack bot token accepted');
    assert.deepEqual(line?.fields, { surface: 'slack', team: fake.teamId, botUser: fake.botUserId });
    assert.ok(!JSON.stringify(logger.lines).includes(TEST_BOT_TOKEN), 'the token is never logged');
  });

  it('a token Slack refuses stops start-up with one clear line naming the variable', async () => {
    await assert.rejects(
      createSlackSurface({
        service: demoFixture().service, logger: recordingLogger(),
        config: { botToken: 'xoxb-not-the-token', signingSecret: TEST_SIGNING_SECRET, apiUrl: fake.apiUrl },
      }),
      { message: 'SLACK_BOT_TOKEN was refused by Slack (invalid_auth)' },
    );
  });

  it('Slack unreachable: starts anyway, with a warning', async () => {
    const logger = recordingLogger();
    const surface = await createSlackSurface({
      service: demoFixture().service, logger, config: { botToken: TEST_BOT_TOKEN, signingSecret: TEST_SIGNING_SECRET, apiUrl: await closedPortUrl() },
    });
    await surface.close();
    assert.ok(logger.lines.some((l) => l.level === 'warn' && /auth\.test failed/.test(l.message)));
  });

  it('an empty signing secret is refused', async () => {
    await assert.rejects(createSlackSurface({
      service: demoFixture().service, logger: recordingLogger(), config: { botToken: TEST_BOT_TOKEN, signingSecret: '', apiUrl: fake.apiUrl },
    }), /SLACK_SIGNING_SECRET/);
  });
});
