import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { BUSY_TEXT } from '../../../../src/chat/core/error-text';
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

  it('knows who each live conversation is (its join event names the user) and forgets the ones no page polls', async () => {
    let t = 0;
    const { b, turns } = bridge({ now: () => t });
    const agent = b.startConversation();
    const supervisor = b.startConversation();
    b.startConversation(); // a page that sent nothing yet: nobody to send anything to
    b.postActivity(supervisor, { type: 'event', name: 'webchat/join', from: { id: 'demo.super', name: 'Supervisor (demo.super)' } }, '');
    b.postActivity(agent, { type: 'message', text: 'help', from: { id: 'demo.agent', name: 'Agent' }, replyToId: 'x|0000001' }, '');
    await b.idle();
    assert.equal(turns[1]?.replyToId, 'x|0000001', 'the pressed message a card action names is passed on');
    assert.deepEqual(b.members().map((m) => `${m.conversationId} ${m.user.id}`).sort(), [`${agent.id} demo.agent`, `${supervisor.id} demo.super`].sort());
    t = 61_000;
    assert.deepEqual(b.members(), [], 'a minute without a poll: a closed tab');
    assert.throws(() => b.postActivity(agent, { type: 'message', text: 'x', from: { id: 'a' }, replyToId: 42 as unknown as string }, ''), /replyToId/);
  });

  it('a press names the message its card is in (replyToId, a short string only), for the bot to redraw it', async () => {
    const { b, turns } = bridge();
    const c = b.startConversation();
    const from = { id: 'demo.agent', name: 'Dana' };
    b.postActivity(c, { type: 'message', value: { verb: 'account.unlock' }, replyToId: `${c.id}|0000001`, from }, 'http://localhost:3978/');
    assert.throws(() => b.postActivity(c, { type: 'message', value: { verb: 'account.unlock' }, replyToId: { id: 'x' }, from }, 'http://localhost:3978/'), /replyToId/);
    assert.throws(() => b.postActivity(c, { type: 'message', value: { verb: 'account.unlock' }, replyToId: 'x'.repeat(1000), from }, 'http://localhost:3978/'), /replyToId/);
    await b.idle();
    assert.deepEqual(turns.map((t) => t.replyToId), [`${c.id}|0000001`], 'a bad one is refused (400), nothing acted on');
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

  it('keeps at most maxBytesPerConversation of activities (the oldest go first)', async () => {
    const b = new DirectLineBridge({ logger: silentLogger, bot: { id: 'bot', name: 'Bot' }, runTurn: async () => undefined, maxBytesPerConversation: 20_000, maxPendingTurns: 100 });
    const c = b.startConversation();
    for (let i = 0; i < 10; i++) b.postActivity(c, { type: 'message', text: `${i}`.padEnd(3000, '.'), from: { id: 'u', name: '' } }, '');
    await b.idle();
    const kept = b.activitiesAfter(c, '').activities;
    assert.ok(kept.length >= 5 && kept.length < 10, `${kept.length} kept`);
    assert.ok(Buffer.byteLength(JSON.stringify(kept)) <= 20_000 + 100);
    assert.equal(kept.at(-1)?.text?.[0], '9', 'the newest is kept');
  });

  it('past maxPendingTurns, a post gets the busy answer and runs no turn', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const turns: string[] = [];
    const warnings: unknown[] = [];
    const b = new DirectLineBridge({
      logger: { ...silentLogger, warn: (fields) => warnings.push(fields) },
      bot: { id: 'bot', name: 'Bot' },
      maxPendingTurns: 2,
      runTurn: async (activity) => {
        turns.push(activity.text ?? '');
        await gate;
      },
    });
    const c = b.startConversation();
    const ids = ['a', 'b', 'c'].map((text) => b.postActivity(c, { type: 'message', text, from: { id: 'u', name: '' } }, ''));
    assert.deepEqual(turns, ['a', 'b']);
    const busy = b.activitiesAfter(c, '').activities.filter((a) => a.from?.role === 'bot');
    assert.deepEqual(busy.map((a) => [a.text, a.replyToId]), [[BUSY_TEXT, ids[2]]]);
    assert.equal(warnings.length, 1);
    release();
    await b.idle();
    b.postActivity(c, { type: 'message', text: 'd', from: { id: 'u', name: '' } }, '');
    await b.idle();
    assert.deepEqual(turns, ['a', 'b', 'd'], 'accepts turns again once they finished');
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
