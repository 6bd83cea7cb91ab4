// One-time codes in the store contract (called from store.contract.ts for every adapter, for each of the
// Store's three code repositories): a new code does not buy new tries, a code is used once and a failure
// counted once however many checks race (from two store instances), a failed delivery's code dies, and
// when a code was last used. The three repositories are apart.
import assert from 'node:assert/strict';
import type { OneTimeCodeRepository } from '../../src/ports/one-time-codes.port';
import type { Store } from '../../src/ports/store.port';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);
const hmac = (c: string) => c.repeat(64);
const MAX_TRIES = 5;

type CodesOf = (s: Store) => OneTimeCodeRepository;
const KINDS: readonly [string, CodesOf][] = [
  ['helpdesk PINs', (s) => s.pins],
  ['caller verification codes', (s) => s.verificationCodes],
  ['portal codes', (s) => s.portalCodes],
];

export function describeOneTimeCodeRepositories(store: () => Store, twin: () => Promise<Store>): void {
  for (const [name, of] of KINDS) {
    describe(`one-time codes: ${name}`, () => {
      const codes = () => of(store());
      const issue = (c: string, minute = 0, carrySince = at(minute - 24 * 60), repo = codes()) =>
        repo.issue({ user: 'jdoe', hmac: hmac(c), createdAt: at(minute), expiresAt: at(minute + 10), createdBy: 'agent.smith' }, carrySince);
      const check = (c: string, minute = 1, repo = codes()) => repo.check('jdoe', hmac(c), at(minute), MAX_TRIES);

      it('a new code replaces the old one, and carries its failures over while recent and unused', async () => {
        assert.deepEqual(await issue('a'), { failedTries: 0 });
        assert.equal(await check('b'), 'invalid');
        assert.equal(await check('b'), 'invalid');
        assert.deepEqual(await issue('c', 2), { failedTries: 2 }, 'asking again buys no new tries');
        assert.equal(await check('a', 3), 'invalid', 'the old code is gone');
        assert.deepEqual(await issue('d', 4, at(3)), { failedTries: 0 }, 'the replaced code is older than carrySince');
        assert.equal(await check('d', 5), 'valid');
        assert.deepEqual(await issue('e', 6), { failedTries: 0 }, 'a used code carries nothing');
        assert.equal(await check('e', 7), 'valid', 'and a new code works though the old one was used');
      });

      it('uses a code once, however many checks race from two instances', async () => {
        await issue('a');
        const other = of(await twin());
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => check('a', 1, i % 2 === 0 ? codes() : other)));
        assert.equal(results.filter((r) => r === 'valid').length, 1);
        assert.deepEqual(new Set(results.filter((r) => r !== 'valid')), new Set(['used']));
      });

      it('counts every wrong code once, however many race from two instances', async () => {
        await issue('a');
        const other = of(await twin());
        const wrong = await Promise.all(Array.from({ length: MAX_TRIES - 1 }, (_, i) => check('b', 1, i % 2 === 0 ? codes() : other)));
        assert.deepEqual(wrong, Array(MAX_TRIES - 1).fill('invalid'));
        assert.deepEqual(await issue('c', 2), { failedTries: MAX_TRIES - 1 }, 'no failure lost, none counted twice');
        const more = await Promise.all(Array.from({ length: 6 }, (_, i) => check('b', 3, i % 2 === 0 ? codes() : other)));
        assert.deepEqual(more.filter((r) => r === 'invalid'), [], 'the last try is spent at once');
        assert.equal(await check('c', 3), 'locked');
      });

      it('a revoked code no longer works and keeps its failures; a newer code is not revoked by the old one', async () => {
        await issue('a');
        assert.equal(await check('b'), 'invalid');
        await codes().revoke('jdoe', hmac('a'), at(1));
        assert.notEqual(await check('a', 2), 'valid');
        assert.deepEqual(await issue('c', 3), { failedTries: 1 }, 'the revoked code’s failure carried over (the right code after the revoke is no failure)');
        await codes().revoke('jdoe', hmac('a'), at(3));
        assert.equal(await check('c', 4), 'valid', 'revoking a replaced code leaves the new one alone');
        await codes().revoke('nobody', hmac('a'), at(4));
      });

      it('tells when the code was last used, if at or after a time; a revoke after the use does not undo it', async () => {
        assert.equal(await codes().usedSince('jdoe', at(0)), undefined, 'no code');
        await issue('a');
        assert.equal(await codes().usedSince('jdoe', at(0)), undefined, 'not used');
        assert.equal(await check('b', 2), 'invalid');
        assert.equal(await codes().usedSince('jdoe', at(0)), undefined, 'a wrong code is no use');
        assert.equal(await check('a', 3), 'valid');
        assert.deepEqual(await codes().usedSince('jdoe', at(3)), at(3));
        assert.deepEqual(await (of(await twin())).usedSince('jdoe', at(0)), at(3));
        assert.equal(await codes().usedSince('jdoe', at(3.01)), undefined, 'too long ago');
        await codes().revoke('jdoe', hmac('a'), at(4));
        assert.deepEqual(await codes().usedSince('jdoe', at(0)), at(3));
      });
    });
  }

  describe('one-time codes: three repositories apart', () => {
    it('a code issued in one is unknown to the others, and failures count apart', async () => {
      const rec = { user: 'jdoe', hmac: hmac('a'), createdAt: at(0), expiresAt: at(10), createdBy: 'agent.smith' };
      await store().pins.issue(rec, at(-1));
      assert.equal(await store().verificationCodes.check('jdoe', hmac('a'), at(1), MAX_TRIES), 'unknown');
      assert.equal(await store().portalCodes.check('jdoe', hmac('a'), at(1), MAX_TRIES), 'unknown');
      await store().verificationCodes.issue(rec, at(-1));
      assert.equal(await store().verificationCodes.check('jdoe', hmac('b'), at(1), MAX_TRIES), 'invalid');
      assert.deepEqual(await store().pins.issue({ ...rec, hmac: hmac('c') }, at(-1)), { failedTries: 0 });
      assert.equal(await store().verificationCodes.check('jdoe', hmac('a'), at(1), MAX_TRIES), 'valid');
      assert.equal(await store().pins.usedSince('jdoe', at(0)), undefined);
    });
  });
}
