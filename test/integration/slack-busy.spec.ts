// The Slack post-ack queue is bounded: while its slots are busy and enough work already waits, a new
// request is still acknowledged at once, and its asker gets one ephemeral "busy, try again" answer instead
// of joining an endless queue; nothing else runs for it.
import assert from 'node:assert/strict';
import { BUSY_TEXT } from '../../src/chat/core/error-text';
import type { HelpdeskService } from '../../src/service/helpdesk-service';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-harness';

describe('Slack: bounded post-ack queue', function () {
  this.timeout(20_000);
  let h: SlackHarness;
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  let commands = 0;

  before(async () => {
    h = await startSlackHarness({
      directory: 'demo',
      slackUsers: [{ id: 'U0AGENT', email: 'demo.agent@demo.example', realName: 'Dana Agent' }],
      postAckConcurrency: 1,
      postAckMaxPending: 1,
      wrapService: (service) => {
        const slow = Object.create(service) as HelpdeskService;
        slow.command = async (ctx, command) => {
          commands += 1;
          await gate;
          return service.command(ctx, command);
        };
        return slow;
      },
    });
  });
  after(() => h?.close());

  it('one running, one waiting, the third is acknowledged and told to retry (ephemeral); it never reaches the service', async () => {
    gate = new Promise((resolve) => (release = resolve));
    const first = await h.command('U0AGENT', 'help');
    await new Promise((r) => setTimeout(r, 200)); // the first is running (blocked in the service)
    const second = await h.command('U0AGENT', 'help');
    const third = await h.command('U0AGENT', 'help');
    for (const { ack } of [first, second, third]) assert.equal(ack.status, 200);

    const busy = await h.fake.responseTo(third.responseUrl);
    assert.equal(busy.body.text, BUSY_TEXT);
    assert.equal(busy.body.response_type, 'ephemeral');
    assert.equal(commands, 1, 'only the first has reached the service so far');

    release();
    const answers = await Promise.all([h.fake.responseTo(first.responseUrl), h.fake.responseTo(second.responseUrl)]);
    for (const a of answers) assert.notEqual(a.body.text, BUSY_TEXT);
    await h.surface.idle();
    assert.equal(commands, 2, 'the refused request never ran');
    assert.equal(h.fake.calls.filter((c) => c.method === 'response_url' && c.path === new URL(third.responseUrl).pathname).length, 1, 'one answer');
  });
});
