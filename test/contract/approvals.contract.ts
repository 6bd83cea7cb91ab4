// Approval requests in the store contract (called from store.contract.ts for every adapter): a request
// given back as created, the open one found again rather than opened twice, one decision however many
// supervisors press at once (from two store instances), none after expiry, and the approved secret shown once.
import assert from 'node:assert/strict';
import type { Approval } from '../../src/ports/approvals.port';
import type { Store } from '../../src/ports/store.port';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);

function request(id: string, overrides: Partial<Approval> = {}): Approval {
  return {
    id, kind: 'pin.view', requester: 'alice', requesterChatUserId: 'chat-alice', requesterName: 'Alice Agent', target: 'jdoe', targetName: 'John Doe',
    status: 'pending', createdAt: at(0), expiresAt: at(15), ...overrides,
  };
}

export function describeApprovalRepository(store: () => Store, twin: () => Promise<Store>): void {
  describe('approvals (one decision, one showing)', () => {
    it('gives a request back as created, from another instance too; an unknown id is nothing', async () => {
      const tap = request('apr-tap-000000000001', { kind: 'tap.view' });
      await store().approvals.create(tap);
      assert.deepEqual(await store().approvals.find(tap.id, at(1)), tap);
      assert.deepEqual(await (await twin()).approvals.find(tap.id, at(1)), tap);
      assert.equal(await store().approvals.find('apr-none-00000000000', at(1)), undefined);
    });

    it('reads an undecided request as expired from its expiry on', async () => {
      await store().approvals.create(request('apr-old-000000000001'));
      assert.equal((await store().approvals.find('apr-old-000000000001', at(14.99)))?.status, 'pending');
      assert.equal((await store().approvals.find('apr-old-000000000001', at(15)))?.status, 'expired');
    });

    it('finds the open request of the same kind, requester and target only, until decided or expired', async () => {
      await store().approvals.create(request('apr-pin-000000000001'));
      const pending = (kind: Approval['kind'], requester: string, target: string, minute = 1) =>
        store().approvals.findPending(kind, requester, target, at(minute)).then((a) => a?.id);
      assert.equal(await pending('pin.view', 'alice', 'jdoe'), 'apr-pin-000000000001');
      assert.equal(await pending('tap.view', 'alice', 'jdoe'), undefined, 'another kind');
      assert.equal(await pending('pin.view', 'bob', 'jdoe'), undefined, 'another requester');
      assert.equal(await pending('pin.view', 'alice', 'mroe'), undefined, 'another target');
      assert.equal(await pending('pin.view', 'alice', 'jdoe', 15), undefined, 'expired');
      await store().approvals.decide('apr-pin-000000000001', 'denied', 'sam', 'Sam Super', at(2));
      assert.equal(await pending('pin.view', 'alice', 'jdoe'), undefined, 'decided');
    });

    it('decides once: the decision, who and when are kept; a second decision is refused and sees the first', async () => {
      await store().approvals.create(request('apr-dec-000000000001'));
      const first = await store().approvals.decide('apr-dec-000000000001', 'approved', 'sam', 'Sam Super', at(3));
      assert.deepEqual(first, {
        ok: true,
        approval: { ...request('apr-dec-000000000001'), status: 'approved', decidedBy: 'sam', decidedByName: 'Sam Super', decidedAt: at(3) },
      });
      const second = await store().approvals.decide('apr-dec-000000000001', 'denied', 'tom', 'Tom Super', at(4));
      assert.equal(second.ok, false);
      assert.deepEqual(second.approval, first.approval);
      assert.deepEqual(await store().approvals.find('apr-dec-000000000001', at(20)), first.approval, 'decided stays decided after the expiry');
      assert.deepEqual(await store().approvals.decide('apr-none-00000000000', 'approved', 'sam', 'Sam', at(3)), { ok: false, approval: undefined });
    });

    it('refuses a decision at or after the expiry, leaving the request expired', async () => {
      await store().approvals.create(request('apr-exp-000000000001'));
      const late = await store().approvals.decide('apr-exp-000000000001', 'approved', 'sam', 'Sam Super', at(15));
      assert.equal(late.ok, false);
      assert.equal(late.approval?.status, 'expired');
      assert.equal(late.approval?.decidedBy, undefined);
      assert.equal(await store().approvals.markShown('apr-exp-000000000001', at(16)), false, 'nothing to show');
    });

    it('lets exactly one of 20 concurrent decisions from two instances win; every loser sees the winner', async () => {
      await store().approvals.create(request('apr-race-00000000001'));
      const other = await twin();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? store() : other).approvals.decide('apr-race-00000000001', i % 3 === 0 ? 'denied' : 'approved', `super${i}`, `Super ${i}`, at(5))));
      const winners = results.filter((r) => r.ok);
      assert.equal(winners.length, 1);
      const decided = winners[0]!.approval;
      for (const r of results.filter((x) => !x.ok)) assert.deepEqual(r.approval, decided);
      assert.deepEqual(await other.approvals.find('apr-race-00000000001', at(6)), decided);
    });

    it('shows an approved secret once, even to 20 concurrent requests from two instances; never a pending or denied one', async () => {
      for (const id of ['apr-shw-000000000001', 'apr-shw-000000000002', 'apr-shw-000000000003']) await store().approvals.create(request(id));
      assert.equal(await store().approvals.markShown('apr-shw-000000000001', at(1)), false, 'pending');
      await store().approvals.decide('apr-shw-000000000002', 'denied', 'sam', 'Sam Super', at(1));
      assert.equal(await store().approvals.markShown('apr-shw-000000000002', at(2)), false, 'denied');
      assert.equal(await store().approvals.markShown('apr-none-00000000000', at(2)), false, 'unknown');
      await store().approvals.decide('apr-shw-000000000003', 'approved', 'sam', 'Sam Super', at(1));
      const other = await twin();
      const shown = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store() : other).approvals.markShown('apr-shw-000000000003', at(2))));
      assert.equal(shown.filter(Boolean).length, 1);
      assert.deepEqual((await store().approvals.find('apr-shw-000000000003', at(3)))?.shownAt, at(2));
      assert.equal(await store().approvals.markShown('apr-shw-000000000003', at(4)), false, 'and never again');
    });
  });
}
