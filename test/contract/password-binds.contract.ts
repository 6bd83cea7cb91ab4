// The portal's password binds (quota uses, service/self-service/password-binds.ts) in the store contract (called from
// store.contract.ts for every adapter):
// never more claims than the budget, however many ask at once, and never a chain of binds that would
// lock an AD account however the tries are spaced.
import assert from 'node:assert/strict';
import { passwordBindBudget } from '../../src/domain/lockout-policy';
import type { Store } from '../../src/ports/store.port';
import { claimPasswordBind } from '../../src/service/self-service/password-binds';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const MINUTE = 60_000;

export function describePasswordBindRepository(store: () => Store): void {
  describe('password binds (the portal’s bind budget)', () => {
    const budget = { max: 2, windowMs: 10 * MINUTE };

    it('claims up to the budget per account within the window, then again once the oldest left it', async () => {
      const claim = (account: string, minutes: number) => claimPasswordBind(store().quotas, account, new Date(T0 + minutes * MINUTE), budget);
      assert.deepEqual([await claim('jdoe', 0), await claim('jdoe', 1), await claim('jdoe', 2)], [true, true, false]);
      assert.equal(await claim('JDoe', 9), false, 'the same account however it is spelt');
      assert.equal(await claim('jsmith', 9), true, 'another account has its own budget');
      assert.equal(await claim('jdoe', 10.5), true, 'the first claim left the window');
      assert.equal(await claim('jdoe', 10.6), false);
      assert.equal(await claimPasswordBind(store().quotas, 'jdoe', new Date(T0 + 60 * MINUTE), { max: 0, windowMs: 0 }), false, 'a budget of none claims nothing');
    });

    it('lets exactly the budget of 20 concurrent claims through', async () => {
      const at = new Date(T0);
      const results = await Promise.all(Array.from({ length: 20 }, () => claimPasswordBind(store().quotas, 'locky', at, budget)));
      assert.equal(results.filter(Boolean).length, 2);
    });

    it('keeps AD’s count of wrong passwords below its threshold under a try every minute for a day (threshold 3 and 6, window 30 minutes)', async () => {
      for (const threshold of [3, 6]) {
        const window = 30 * MINUTE;
        const b = passwordBindBudget({ threshold, observationWindowMs: window, durationMs: undefined, source: 'domain' });
        // AD: a wrong password within a window of the last one adds to the count; later, the count starts again.
        let count = 0;
        let last = -Infinity;
        let highest = 0;
        for (let t = T0; t < T0 + 24 * 60 * MINUTE; t += MINUTE) {
          if (!(await claimPasswordBind(store().quotas, `chain${threshold}`, new Date(t), b))) continue;
          count = t - last <= window ? count + 1 : 1;
          last = t;
          highest = Math.max(highest, count);
        }
        assert.equal(highest, b.max, `threshold ${threshold}: at most ${b.max} wrong passwords in a row`);
        assert.ok(highest < threshold);
      }
    });
  });
}
