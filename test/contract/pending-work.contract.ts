// PendingWorkRepository: chat work owed later (a hide due at a time, copies waiting for a decision) and the
// leases that make one replica do each piece once; raced between two processes on the same store.
import assert from 'node:assert/strict';
import type { PendingWork } from '../../src/ports/pending-work.port';
import type { Store } from '../../src/ports/store.port';

export function describePendingWorkRepository(store: () => Store, openTwin: () => Promise<Store>): void {
  describe('pending work', () => {
    const now = new Date('2026-12-06T09:00:00Z');
    const later = (ms: number) => new Date(now.getTime() + ms);
    const unique = () => Math.random().toString(36).slice(2);
    const hide = (key: string, dueInMs: number): PendingWork => ({
      key, group: `hide:${key}`, dueAt: later(dueInMs), payload: JSON.stringify({ where: key }), expiresAt: later(3_600_000),
    });

    it('adds work once per key; timed work is due at its time, soonest first, with its payload', async () => {
      const a = `a-${unique()}`;
      const b = `b-${unique()}`;
      assert.equal(await store().pendingWork.add(hide(a, 2_000), now), true);
      assert.equal(await store().pendingWork.add(hide(a, 9_000), now), false, 'the same key again is refused');
      assert.equal(await store().pendingWork.add(hide(b, 1_000), now), true);
      const mine = (list: PendingWork[]) => list.filter((w) => w.key === a || w.key === b).map((w) => w.key);
      assert.deepEqual(mine(await store().pendingWork.due(later(500), now, 100)), []);
      assert.deepEqual(mine(await store().pendingWork.due(later(1_000), now, 100)), [b]);
      const both = await store().pendingWork.due(later(2_000), now, 100);
      assert.deepEqual(mine(both), [b, a]);
      const first = both.find((w) => w.key === a)!;
      assert.equal(first.payload, JSON.stringify({ where: a }));
      assert.equal(first.group, `hide:${a}`);
      assert.equal(first.dueAt?.getTime(), later(2_000).getTime());
    });

    it('timed work listed with a group prefix: only the work whose group starts with it (a surface\'s own)', async () => {
      const ref = unique();
      const teams = { ...hide(`teams-${ref}`, 0), group: `teams:hide:${ref}` };
      const slack = { ...hide(`slack-${ref}`, 0), group: `slack:hide:${ref}` };
      const before = { ...hide(`old-${ref}`, 0), group: `hide:${ref}` };
      for (const w of [teams, slack, before]) assert.equal(await store().pendingWork.add(w, now), true);
      const mine = (list: PendingWork[]) => list.filter((w) => w.key.endsWith(ref)).map((w) => w.key);
      assert.deepEqual(mine(await store().pendingWork.due(later(1), now, 1000, 'teams:hide:')), [teams.key]);
      assert.deepEqual(mine(await store().pendingWork.due(later(1), now, 1000, 'slack:')), [slack.key]);
      assert.deepEqual(mine(await store().pendingWork.due(later(1), now, 1000, 'hide:')), [before.key]);
      assert.deepEqual(mine(await store().pendingWork.due(later(1), now, 1000)).sort(), [teams.key, slack.key, before.key].sort(), 'no prefix: all of them');
    });

    it('work without a due time is found by its group, in the order added, never as due', async () => {
      const group = `approval:${unique()}`;
      for (const n of [1, 2, 3]) {
        assert.equal(await store().pendingWork.add({ key: `${group}:${n}`, group, payload: `{"n":${n}}`, expiresAt: later(60_000) }, later(n)), true);
      }
      assert.deepEqual((await store().pendingWork.inGroup(group, now)).map((w) => w.payload), ['{"n":1}', '{"n":2}', '{"n":3}']);
      assert.equal((await store().pendingWork.due(later(60_000), now, 1000)).filter((w) => w.group === group).length, 0);
      assert.deepEqual(await store().pendingWork.inGroup(`approval:${unique()}`, now), []);
    });

    it('expired work is neither due nor in its group, and is purged', async () => {
      const key = `old-${unique()}`;
      await store().pendingWork.add({ key, group: key, dueAt: now, payload: '{}', expiresAt: later(1_000) }, now);
      assert.equal((await store().pendingWork.due(later(1_000), later(1_000), 100)).some((w) => w.key === key), false);
      assert.deepEqual(await store().pendingWork.inGroup(key, later(1_000)), []);
      assert.equal(await store().pendingWork.add({ key, group: key, payload: '{}', expiresAt: later(9_000) }, later(2_000)), true, 'purged: the key is free again');
    });

    it('removing work: true for the one caller that removed it, across two processes at once', async () => {
      const twin = await openTwin();
      const key = `rm-${unique()}`;
      await store().pendingWork.add(hide(key, 0), now);
      const removed = await Promise.all([store().pendingWork.remove(key), twin.pendingWork.remove(key), store().pendingWork.remove(key)]);
      assert.equal(removed.filter(Boolean).length, 1);
      assert.equal((await twin.pendingWork.due(later(1), now, 100)).some((w) => w.key === key), false);
    });

    it('a lease is held by exactly one of two processes racing for it, until it expires (its holder died)', async () => {
      const twin = await openTwin();
      const key = `lease-${unique()}`;
      const until = later(30_000);
      const got = await Promise.all([store().pendingWork.lease(key, now, until), twin.pendingWork.lease(key, now, until), twin.pendingWork.lease(key, now, until)]);
      assert.equal(got.filter(Boolean).length, 1);
      assert.equal(await store().pendingWork.lease(key, later(29_999), later(60_000)), false, 'still held');
      assert.equal(await twin.pendingWork.lease(key, until, later(60_000)), true, 'expired: another process takes it over');
    });

    it('removing work releases its lease', async () => {
      const key = `done-${unique()}`;
      await store().pendingWork.add(hide(key, 0), now);
      assert.equal(await store().pendingWork.lease(key, now, later(30_000)), true);
      assert.equal(await store().pendingWork.remove(key), true);
      assert.equal(await store().pendingWork.lease(key, now, later(30_000)), true);
    });
  });
}
