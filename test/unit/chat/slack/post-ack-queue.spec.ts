import assert from 'node:assert/strict';
import { MAX_HOLD_MS, PostAckQueue } from '../../../../src/chat/slack/post-ack-queue';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('slack post-ack queue', () => {
  it('runs at most `concurrency` works at once, in arrival order, and passes results and errors through', async () => {
    const queue = new PostAckQueue(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const work = (i: number) => queue.run(async () => {
      running++;
      most = Math.max(most, running);
      order.push(i);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (i === 3) throw new Error('three');
      return i * 10;
    });
    const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(work));
    assert.equal(most, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)), [0, 10, 20, 'three', 40, 50]);
    assert.equal(queue.pending, 0);
  });

  it('never starts work in the same turn of the event loop it was queued in', async () => {
    const queue = new PostAckQueue(1);
    let started = false;
    const done = queue.run(async () => {
      started = true;
    });
    assert.equal(started, false);
    await Promise.resolve();
    assert.equal(started, false);
    await done;
    assert.equal(started, true);
  });

  it('holds work while the server accepts a connection every turn, and starts it in the first turn without one', async () => {
    // Node accepts one connection per turn: the rest of a burst is acked first, its answers after.
    const queue = new PostAckQueue(2);
    let started = false;
    const done = queue.run(async () => {
      started = true;
    });
    for (let turn = 0; turn < 5; turn++) {
      queue.noteConnection();
      await nextTurn();
      assert.equal(started, false, `started in turn ${turn}, which accepted a connection`);
    }
    await done;
    assert.equal(started, true);
  });

  it('starts held work anyway once it waited MAX_HOLD_MS, however steady the stream of connections', async () => {
    const queue = new PostAckQueue(1);
    let started = false;
    const since = Date.now();
    const done = queue.run(async () => {
      started = true;
    });
    while (!started && Date.now() - since < 20 * MAX_HOLD_MS) {
      queue.noteConnection();
      await nextTurn();
    }
    await done;
    assert.ok(started, 'never started under a steady stream of connections');
    assert.ok(Date.now() - since >= MAX_HOLD_MS, 'started before the hold was over');
  });

  it('past maxPending waiting works, runs whenFull at once instead of queueing the work', async () => {
    const queue = new PostAckQueue(1, 2);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ran: string[] = [];
    const job = (name: string, wait?: Promise<void>) => queue.run(async () => {
      ran.push(name);
      await wait;
      return name;
    }, async () => `busy:${name}`);
    const running = job('a', gate);
    const waiting = [job('b'), job('c')];
    assert.equal(queue.pending, 2);
    assert.equal(await job('d'), 'busy:d');
    await assert.rejects(queue.run(async () => 'e'), /full/);
    release();
    assert.deepEqual(await Promise.all([running, ...waiting]), ['a', 'b', 'c']);
    assert.deepEqual(ran, ['a', 'b', 'c']);
    assert.equal(await job('f'), 'f', 'accepts work again once the queue drained');
  });

  it('refuses a concurrency below 1', () => {
    assert.throws(() => new PostAckQueue(0), RangeError);
  });
});
