// The portal's sessions in the store contract (called from store.contract.ts for every adapter): a session
// given back whole from any instance, its state replaced whole, gone for good once deleted (a request still
// running on a rotated session cannot bring it back), and idle sessions purged.
import assert from 'node:assert/strict';
import type { PortalSession } from '../../src/ports/portal-sessions.port';
import type { Store } from '../../src/ports/store.port';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);

function session(idHash: string, minute = 0, state: PortalSession['state'] = {}): PortalSession {
  return { idHash, csrf: `csrf-${idHash}`, state, createdAt: at(minute), seenAt: at(minute) };
}

export function describePortalSessionRepository(store: () => Store, twin: () => Promise<Store>): void {
  describe('portal sessions', () => {
    const sessions = () => store().portalSessions;

    it('gives a session back whole, from another instance too; an unknown id is none', async () => {
      const s = session('a'.repeat(64), 0, { login: 'JDoe', method: 'questions', asked: [3, 1], notice: 'Welcome' });
      await sessions().create(s);
      assert.deepEqual(await sessions().get(s.idHash), s);
      assert.deepEqual(await (await twin()).portalSessions.get(s.idHash), s);
      assert.equal(await sessions().get('b'.repeat(64)), null);
    });

    it('never lets a create take over an existing session', async () => {
      const s = session('a'.repeat(64), 0, { user: 'jdoe', access: 'full' });
      await sessions().create(s);
      await assert.rejects(sessions().create({ ...s, csrf: 'mallory', state: { user: 'mallory', access: 'full' } }));
      assert.deepEqual(await sessions().get(s.idHash), s);
    });

    it('replaces the state whole and the last-seen time, keeping the csrf token and the creation time', async () => {
      const s = session('a'.repeat(64), 0, { login: 'jdoe', method: 'sms', error: 'That did not match.' });
      await sessions().create(s);
      await sessions().save(s.idHash, { login: 'jdoe', user: 'jdoe', access: 'full' }, at(5));
      assert.deepEqual(await sessions().get(s.idHash), { ...s, state: { login: 'jdoe', user: 'jdoe', access: 'full' }, seenAt: at(5) });
      await sessions().save('b'.repeat(64), { user: 'mallory' }, at(5));
      assert.equal(await sessions().get('b'.repeat(64)), null, 'saving an unknown id creates nothing');
    });

    it('rotates a session: the old id is gone and the new one given back, from another instance too', async () => {
      const old = session('a'.repeat(64), 0, { login: 'jdoe', method: 'pin' });
      await sessions().create(old);
      const signedIn = session('c'.repeat(64), 1, { login: 'jdoe', user: 'jdoe', access: 'full', method: 'pin' });
      await sessions().rotate(old.idHash, signedIn);
      const other = (await twin()).portalSessions;
      assert.equal(await other.get(old.idHash), null);
      assert.deepEqual(await other.get(signedIn.idHash), signedIn);
      const another = session('d'.repeat(64), 2, { login: 'mallory', method: 'pin' });
      await sessions().create(another);
      await assert.rejects(sessions().rotate(another.idHash, { ...signedIn, state: { user: 'mallory', access: 'full' } }),
        'a rotation never takes over an existing id');
      assert.deepEqual(await other.get(signedIn.idHash), signedIn);
    });

    it('a deleted session stays gone: a save racing the rotation from another instance does not bring it back', async () => {
      const old = session('a'.repeat(64), 0, { login: 'jdoe', method: 'pin' });
      await sessions().create(old);
      const other = await twin();
      const rotated = session('c'.repeat(64), 1, { login: 'jdoe', user: 'jdoe', access: 'full' });
      await Promise.all([
        (async () => {
          await sessions().delete(old.idHash);
          await sessions().create(rotated);
        })(),
        other.portalSessions.save(old.idHash, { login: 'jdoe', method: 'pin', error: 'late' }, at(1)),
      ]);
      await other.portalSessions.save(old.idHash, { login: 'jdoe', user: 'jdoe', access: 'full' }, at(2));
      assert.equal(await sessions().get(old.idHash), null);
      assert.equal(await other.portalSessions.get(old.idHash), null);
      assert.deepEqual(await other.portalSessions.get(rotated.idHash), rotated);
      await sessions().delete(old.idHash); // deleting twice is harmless
    });

    it('purges the sessions last seen before a time, saying how many; a recent save keeps a session', async () => {
      await sessions().create(session('a'.repeat(64), 0));
      await sessions().create(session('b'.repeat(64), 0));
      await sessions().create(session('c'.repeat(64), 30));
      await sessions().save('b'.repeat(64), { login: 'jdoe' }, at(25));
      assert.equal(await sessions().purge(at(20)), 1);
      assert.equal(await sessions().get('a'.repeat(64)), null);
      assert.equal((await sessions().get('b'.repeat(64)))?.state.login, 'jdoe');
      assert.equal(await sessions().purge(at(25)), 0, 'last seen at the time itself is kept');
      assert.equal(await (await twin()).portalSessions.purge(at(31)), 2);
      assert.equal(await sessions().get('c'.repeat(64)), null);
    });
  });
}
