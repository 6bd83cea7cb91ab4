// AlertClaimRepository: an alert's key is claimed by exactly one caller across processes until it expires.
import assert from 'node:assert/strict';
import type { Store } from '../../src/ports/store.port';

export function describeAlertClaimRepository(store: () => Store, openTwin: () => Promise<Store>): void {
  describe('alert claims', () => {
    const at = new Date('2026-12-06T09:00:00Z');
    const until = new Date(at.getTime() + 10 * 60_000);

    it('claims a key once; a second claim of the same key is refused', async () => {
      const key = `storm:${Math.random()}`;
      assert.equal(await store().alertClaims.claim(key, at, until), true);
      assert.equal(await store().alertClaims.claim(key, at, until), false);
      assert.equal(await store().alertClaims.claim(`${key}:other`, at, until), true);
    });

    it('two processes claiming the same key at once: exactly one wins', async () => {
      const twin = await openTwin();
      const key = `vip:${Math.random()}`;
      const results = await Promise.all([store().alertClaims.claim(key, at, until), twin.alertClaims.claim(key, at, until), store().alertClaims.claim(key, at, until)]);
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('an expired claim can be claimed again (the next window)', async () => {
      const key = `poll:${Math.random()}`;
      assert.equal(await store().alertClaims.claim(key, at, until), true);
      assert.equal(await store().alertClaims.claim(key, new Date(until.getTime() - 1), until), false);
      assert.equal(await store().alertClaims.claim(key, until, new Date(until.getTime() + 60_000)), true);
    });
  });
}
