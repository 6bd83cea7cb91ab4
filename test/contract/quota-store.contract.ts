// The quotas' part of the store contract (called from store.contract.ts for every adapter): at most
// `limit` uses of a key in any window, however many takers race, one key apart from another, a place
// freed when its use leaves the window or is given back, and when the next place frees up.
import assert from 'node:assert/strict';
import type { Store } from '../../src/ports/store.port';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const HOUR = 60 * 60_000;

export function describeQuotaRepository(store: () => Store, openTwin: () => Promise<Store>): void {
  describe('quotas', () => {
    const take = (key: string, minutes: number, limit = 3) => store().quotas.take(key, limit, HOUR, new Date(T0 + minutes * 60_000));

    it('gives `limit` uses of a key in a window, then says when the oldest leaves it; another key counts apart', async () => {
      for (const minute of [0, 10, 20]) assert.equal((await take('sms-number:a', minute)).ok, true);
      assert.deepEqual(await take('sms-number:a', 30), { ok: false, freeAt: new Date(T0 + HOUR) });
      assert.equal((await take('sms-number:b', 30)).ok, true, 'another key');
      assert.equal((await take('sms-number:a', 59)).ok, false, 'still within the hour of the first');
      assert.equal((await take('sms-number:a', 60)).ok, true, 'the first use left the window');
      assert.deepEqual(await take('sms-number:a', 61), { ok: false, freeAt: new Date(T0 + 70 * 60_000) });
    });

    it('lets exactly the limit of 20 concurrent takers through', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => take('sms-total', 5, 7)));
      assert.equal(results.filter((r) => r.ok).length, 7);
    });

    it('frees a place given back, once', async () => {
      const first = await take('login:jdoe', 0, 1);
      assert.ok(first.ok);
      assert.equal((await take('login:jdoe', 1, 1)).ok, false);
      await store().quotas.giveBack(first.place);
      await store().quotas.giveBack(first.place);
      assert.equal((await take('login:jdoe', 2, 1)).ok, true);
      assert.equal((await take('login:jdoe', 3, 1)).ok, false, 'giving back twice freed one place, not two');
    });

    it('holds the limit across two replicas of one key, taking in turn and at once, and reuses places that left the window', async () => {
      const other = await openTwin();
      const takeOn = (s: Store, minutes: number) => s.quotas.take('portal-login:jdoe', 3, HOUR, new Date(T0 + minutes * 60_000));
      assert.equal((await takeOn(store(), 0)).ok, true);
      assert.equal((await takeOn(store(), 1)).ok, true);
      assert.equal((await takeOn(other, 2)).ok, true, 'the other replica takes the third place');
      assert.equal((await takeOn(other, 3)).ok, false, 'the limit holds on the other replica');
      assert.equal((await takeOn(store(), 4)).ok, false, 'and on the first');
      // Both replicas at once, as each use leaves the window: one place freed, one taker gets it.
      for (const minute of [60, 61, 62]) {
        const both = await Promise.all([takeOn(store(), minute), takeOn(other, minute)]);
        assert.equal(both.filter((r) => r.ok).length, 1, `minute ${minute}: one place had left the window`);
      }
      assert.deepEqual(await takeOn(other, 63), { ok: false, freeAt: new Date(T0 + 120 * 60_000) });
    });

    it('keeps counting under a lowered limit and frees up under a raised one', async () => {
      for (const minute of [0, 1, 2]) assert.equal((await take('k', minute, 3)).ok, true);
      assert.equal((await take('k', 3, 2)).ok, false);
      assert.equal((await take('k', 4, 4)).ok, true);
    });
  });
}
