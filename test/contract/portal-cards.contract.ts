// The details card's one read (PortalCardRepository, part of the store contract for every adapter): it gives
// what the separate reads it replaces give — the account as portalAccounts.get, the newest self-service
// event, each (type, outcome) list as portalEvents.list, the arrival count as countArrived, and the caller
// verification as verificationCodes.usedSince.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { PortalEventInput } from '../../src/domain/portal';
import type { Store } from '../../src/ports/store.port';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);

function ev(minute: number, overrides: Partial<PortalEventInput> = {}): PortalEventInput {
  return { user: 'jdoe', type: 'sign-in', outcome: 'success', at: at(minute), category: 'self-service', unknownUser: false, ...overrides };
}

const RECENT = [
  { type: 'challenge', outcome: 'failure', limit: 2 },
  { type: 'password-reset', outcome: 'success', limit: 5 },
] as const;

export function describePortalCardRepository(store: () => Store): void {
  describe('portal cards (a details card in one read)', () => {
    it('reads nothing of a user the store does not know', async () => {
      const state = await store().portalCards.read({ user: 'nobody', since: at(0), recent: RECENT, arrivedSince: at(0), callerVerified: { user: 'nobody', since: at(0) } });
      assert.deepEqual(state, { account: null, lastSelfService: undefined, recent: [[], []], arrived: 0, callerVerifiedAt: undefined });
    });

    it('gives what the separate reads give: account, newest self-service event, each recent list, arrivals, caller verification', async () => {
      const s = store();
      await s.portalAccounts.put({ user: 'jdoe', enrolled: true, methods: ['questions'], updatedAt: at(0) });
      await s.portalEvents.append([
        ev(-120, { type: 'challenge', outcome: 'failure' }), // before `since`
        ev(1, { type: 'challenge', outcome: 'failure', ip: '203.0.113.7' }),
        ev(2, { type: 'challenge', outcome: 'failure' }),
        ev(3, { type: 'challenge', outcome: 'failure' }), // the limit keeps the two newest
        ev(4, { type: 'challenge', outcome: 'success' }),
        ev(5, { type: 'password-reset', outcome: 'success', userAgent: 'Firefox' }),
        ev(6, { category: 'sync', system: 'active-directory', operation: 'set-password', status: 'succeeded' }),
        ev(7, { type: 'challenge', outcome: 'failure', user: 'other' }),
        ev(-600, { arrivedAt: at(8) }), // back-dated, arrived late
      ]);
      const hmac = createHash('sha256').update('code').digest('hex');
      await s.verificationCodes.issue({ user: 'jdoe', hmac, createdAt: at(9), expiresAt: at(19), createdBy: 'agent.smith' }, at(0));
      assert.equal(await s.verificationCodes.check('jdoe', hmac, at(10), 3), 'valid');

      const query = { user: 'jdoe', since: at(0), recent: RECENT, arrivedSince: at(5), callerVerified: { user: 'jdoe', since: at(10) } };
      const state = await s.portalCards.read(query);
      assert.deepEqual(state.account, await s.portalAccounts.get('jdoe'));
      assert.deepEqual(state.lastSelfService, (await s.portalEvents.list({ user: 'jdoe', category: 'self-service', limit: 1 }))[0]);
      assert.equal(state.lastSelfService?.type, 'password-reset');
      assert.deepEqual(state.recent, await Promise.all(RECENT.map(({ type, outcome, limit }) => s.portalEvents.list({ user: 'jdoe', type, outcome, since: at(0), limit }))));
      assert.deepEqual(state.recent.map((list) => list.map((e) => e.at.getTime())), [[at(3).getTime(), at(2).getTime()], [at(5).getTime()]]);
      assert.equal(state.arrived, await s.portalEvents.countArrived('jdoe', at(5)));
      assert.equal(state.arrived, 3, 'arrived at or after minute 5: the reset, the sync event and the late one');
      assert.deepEqual(state.callerVerifiedAt, at(10));
      assert.deepEqual(state.callerVerifiedAt, await s.verificationCodes.usedSince('jdoe', at(10)));

      const later = await s.portalCards.read({ ...query, callerVerified: { user: 'jdoe', since: at(11) } });
      assert.equal(later.callerVerifiedAt, undefined, 'a verification older than the window no longer shows');
    });

    it('gives the lock and the failure count as the attempts left them', async () => {
      const s = store();
      await s.portalAccounts.put({ user: 'jdoe', enrolled: true, methods: ['questions'], updatedAt: at(0) });
      await s.portalAccounts.setLock('jdoe', { locked: true, lockedAt: at(2), failedAttempts: 5 }, at(2));
      const state = await s.portalCards.read({ user: 'jdoe', since: at(0), recent: [], arrivedSince: at(0), callerVerified: { user: 'jdoe', since: at(0) } });
      assert.deepEqual(state.account, await s.portalAccounts.get('jdoe'));
      assert.equal(state.account?.locked, true);
      assert.equal(state.account?.failedAttempts, 5);
    });
  });
}
