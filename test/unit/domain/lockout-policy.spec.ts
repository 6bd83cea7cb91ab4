// How many password binds the portal may make for one account: a third of AD's lockout threshold, within
// that many observation windows (the portal can never be the one that locks an account).
import assert from 'node:assert/strict';
import { type LockoutPolicy, passwordBindBudget } from '../../../src/domain/lockout-policy';

const MINUTE = 60_000;
const policy = (threshold: number, windowMinutes = 30): LockoutPolicy =>
  ({ threshold, observationWindowMs: windowMinutes * MINUTE, durationMs: 30 * MINUTE, source: 'domain' });

describe('the portal’s password bind budget', () => {
  it('allows a third of the threshold: none at 1 or 2, one at 3 to 5, two at 6, three at 10', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 10].map((t) => passwordBindBudget(policy(t)).max), [0, 0, 1, 1, 1, 2, 3]);
  });

  it('counts them over that many observation windows plus a minute, so binds a little under a window apart cannot chain into a lock', () => {
    assert.deepEqual(passwordBindBudget(policy(3)), { max: 1, windowMs: 31 * MINUTE });
    assert.deepEqual(passwordBindBudget(policy(6, 10)), { max: 2, windowMs: 21 * MINUTE });
    assert.deepEqual(passwordBindBudget(policy(3, 0)), { max: 1, windowMs: 2 * MINUTE }, 'a window of at least a minute');
  });

  it('allows a few binds per half hour where the directory never locks, and none when no policy is known', () => {
    assert.deepEqual(passwordBindBudget(policy(0)), { max: 3, windowMs: 30 * MINUTE });
    assert.deepEqual(passwordBindBudget(undefined), { max: 0, windowMs: 0 });
  });
});
