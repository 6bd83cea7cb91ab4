import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DirectLineBridge } from '../../../../src/chat/local/direct-line';
import { silentLogger } from '../../../../src/ports/logger.port';

function bridge(options: { maxActivities?: number; maxConversations?: number; now?: () => number } = {}) {
  const turns: Partial<Activity>[] = [];
  const b: DirectLineBridge = new DirectLineBridge({
    logger: silentLogger,
    bot: { id: 'bot', name: 'Bot' },
    runTurn: async (activity) => {
      turns.push(activity);
      b.addBotActivity(activity.conversation?.id ?? '', { type: 'message', text: `echo ${activity.text ?? ''}`, replyToId: activity.id });
    },
    ...(options.maxActivities ? { maxActivitiesPerConversation: options.maxActivities } : {}),
    ...(options.maxConversations ? { maxConversations: options.maxConversations } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { b, turns };
}

describe('Direct Line bridge', () => {
  it('stores the user’s message, runs the turn with a Direct Line envelope, and pages by watermark', async () => {
    const { b, turns } = bridge();
    const c = b.startConversation();
    const id = b.postActivity(c, { type: 'message', text: 'help', from: { id: 'demo.agent', name: 'Dana' }, channelData: { clientActivityID: 'x1' } }, 'http://localhost:3978/');
    await b.idle();
    assert.equal(turns[0]?.channelId, 'directline');
    assert.equal(turns[0]?.from?.id, 'demo.agent');
    assert.equal(turns[0]?.recipient?.id, 'bot');
    assert.equal(turns[0]?.conversation?.id, c.id);
    const page = b.activitiesAfter(c, '');
    assert.deepEqual(page.activities.map((a) => [a.from?.role, a.text]), [['user', 'help'], ['bot', 'echo help']]);
    assert.equal(page.activities[0]?.id, id);
    assert.equal(page.activities[1]?.replyToId, id);
    assert.equal(page.watermark, '2');
    assert.deepEqual(b.activitiesAfter(c, '2').activities, []);
    assert.deepEqual(b.activitiesAfter(c, '1').activities.map((a) => a.text), ['echo help']);
    assert.equal(b.activitiesAfter(c, 'garbage').activities.length, 2);
  });

  it('keeps a bounded history and still honours watermarks', async () => {
    const { b } = bridge({ maxActivities: 4 });
    const c = b.startConversation();
    for (let i = 0; i < 5; i++) b.postActivity(c, { type: 'message', text: String(i), from: { id: 'u', name: '' } }, '');
    await b.idle();
    const all = b.activitiesAfter(c, '');
    assert.equal(all.watermark, '10');
    assert.deepEqual(all.activities.map((a) => a.text), ['3', 'echo 3', '4', 'echo 4']);
    assert.deepEqual(b.activitiesAfter(c, '8').activities.map((a) => a.text), ['4', 'echo 4']);
  });

  it('drops the oldest conversation past the limit, and idle ones', () => {
    let t = 0;
    const { b } = bridge({ maxConversations: 2, now: () => t });
    const first = b.startConversation();
    b.startConversation();
    b.startConversation();
    assert.equal(b.addBotActivity(first.id, { type: 'message' }), '', 'the first conversation is gone');
    t = 2 * 3600_000;
    const fresh = b.startConversation();
    assert.notEqual(b.addBotActivity(fresh.id, { type: 'message' }), '');
  });

  it('a failing turn is logged, not thrown', async () => {
    const errors: unknown[] = [];
    const b = new DirectLineBridge({
      logger: { ...silentLogger, error: (fields) => errors.push(fields) },
      bot: { id: 'bot', name: 'Bot' },
      runTurn: () => Promise.reject(new Error('boom')),
    });
    b.postActivity(b.startConversation(), { type: 'message', text: 'x', from: { id: 'u', name: '' } }, '');
    await b.idle();
    assert.equal(errors.length, 1);
  });
});
