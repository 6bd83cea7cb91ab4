// The portal repositories' part of the store contract (called from store.contract.ts for every adapter):
// events newest first with filters and a cursor, retried event ids stored once, accounts and their
// unlock, the portal lock (attempt places taken before an answer is judged, from two store instances at
// once), enrollments replaced whole and given back sealed exactly as written, and one-time codes that tell
// a wrong code nothing of their state.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { PortalEventInput } from '../../src/domain/portal';
import type { Store } from '../../src/ports/store.port';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);

function ev(i: number, overrides: Partial<PortalEventInput> = {}): PortalEventInput {
  return { user: 'jdoe', type: 'sign-in', outcome: 'success', at: new Date(T0 + i * 60_000), category: 'self-service', unknownUser: false, ...overrides };
}

export function describePortalRepositories(store: () => Store, twin: () => Promise<Store>): void {
  describe('portal events', () => {
    it('keeps an arrival time and a skew mark; absent, an event arrived at its own time', async () => {
      const late = ev(1, { eventId: 'late', arrivedAt: new Date(T0 + 7_200_000), skewed: true });
      await store().portalEvents.append([late, ev(2)]);
      const [own, listed] = await store().portalEvents.list({ user: 'jdoe', limit: 10 });
      assert.deepEqual(listed, { ...late, seq: listed?.seq });
      assert.equal(own?.arrivedAt, undefined);
      assert.equal(own?.skewed, undefined);
    });

    it('filters by outcome with type and time (what each vishing indicator reads), whatever else was written', async () => {
      const batch: PortalEventInput[] = [];
      for (let i = 0; i < 600; i++) batch.push(ev(10 + i / 100, { type: 'page-view' }));
      batch.push(ev(1, { type: 'challenge', outcome: 'failure' }), ev(2, { type: 'challenge', outcome: 'failure' }), ev(3, { type: 'challenge' }));
      batch.push(ev(4, { type: 'challenge', outcome: 'failure', user: 'other' }));
      await store().portalEvents.append(batch);
      const failed = await store().portalEvents.list({ user: 'jdoe', type: 'challenge', outcome: 'failure', since: new Date(T0), limit: 2 });
      assert.deepEqual(failed.map((e) => e.at.getTime()), [T0 + 120_000, T0 + 60_000]);
      assert.equal((await store().portalEvents.list({ user: 'jdoe', type: 'challenge', outcome: 'failure', since: new Date(T0 + 90_000), limit: 10 })).length, 1);
      assert.deepEqual((await store().portalEvents.list({ user: 'jdoe', outcome: 'success', type: 'challenge', limit: 10 })).map((e) => e.outcome), ['success']);
    });

    it('counts the events that arrived for a user since a time, by arrival, not by their own time', async () => {
      await store().portalEvents.append([
        ev(0), ev(5), ev(10),
        ev(-600, { arrivedAt: new Date(T0 + 10 * 60_000) }), // back-dated, arrived late
        ev(10, { user: 'other' }),
      ]);
      assert.equal(await store().portalEvents.countArrived('jdoe', new Date(T0)), 4);
      assert.equal(await store().portalEvents.countArrived('jdoe', new Date(T0 + 5 * 60_000)), 3);
      assert.equal(await store().portalEvents.countArrived('jdoe', new Date(T0 + 10 * 60_000 + 1)), 0);
      assert.equal(await store().portalEvents.countArrived('nobody', new Date(0)), 0);
    });

    it('lists newest first with every field as appended, and honours the limit', async () => {
      const full = ev(1, {
        eventId: 'e-1', ip: '203.0.113.7', userAgent: 'Firefox', detail: 'questions', type: 'challenge', outcome: 'failure',
      });
      const sync = ev(2, { category: 'sync', system: 'active-directory', operation: 'set-password', status: 'failed', error: 'policy' });
      assert.equal(await store().portalEvents.append([full, sync, ev(3)]), 3);
      const listed = await store().portalEvents.list({ user: 'jdoe', limit: 10 });
      assert.deepEqual(listed.map((e) => e.at.getTime()), [T0 + 180_000, T0 + 120_000, T0 + 60_000]);
      assert.deepEqual(listed[2], { ...full, seq: listed[2]?.seq });
      assert.deepEqual(listed[1], { ...sync, seq: listed[1]?.seq });
      assert.equal('ip' in listed[0]!, false, 'an absent field stays absent');
      assert.equal((await store().portalEvents.list({ user: 'jdoe', limit: 2 })).length, 2);
    });

    it('stores an event id once, within a batch and across retries', async () => {
      assert.equal(await store().portalEvents.append([ev(1, { eventId: 'x' }), ev(2, { eventId: 'x' }), ev(3)]), 2);
      assert.equal(await store().portalEvents.append([ev(1, { eventId: 'x' }), ev(4, { eventId: 'y' })]), 1);
      assert.equal((await store().portalEvents.list({ user: 'jdoe', limit: 10 })).length, 3);
    });

    it('filters by time, type, category and failure, and pages with a cursor to the end', async () => {
      const batch: PortalEventInput[] = [];
      for (let i = 0; i < 25; i++) batch.push(ev(i, { type: i % 5 === 0 ? 'challenge' : 'sign-in' }));
      batch.push(ev(30, { category: 'sync', system: 'ad', status: 'failed' }), ev(31, { category: 'sync', system: 'ad', status: 'succeeded' }));
      batch.push(ev(10, { user: 'other' }), ev(10)); // a tie on time: seq breaks it
      await store().portalEvents.append(batch);
      const all = await store().portalEvents.list({ user: 'jdoe', limit: 100 });
      assert.equal(all.length, 28);
      const pages: number[][] = [];
      let before: number | undefined;
      for (;;) {
        const page = await store().portalEvents.list({ user: 'jdoe', limit: 10, ...(before !== undefined ? { beforeSeq: before } : {}) });
        if (page.length === 0) break;
        pages.push(page.map((e) => e.seq));
        before = page[page.length - 1]!.seq;
      }
      assert.deepEqual(pages.map((p) => p.length), [10, 10, 8]);
      assert.deepEqual(pages.flat(), all.map((e) => e.seq), 'the pages are the whole list, in order, without repeats');
      assert.equal((await store().portalEvents.list({ user: 'jdoe', type: 'challenge', limit: 100 })).length, 5);
      assert.equal((await store().portalEvents.list({ user: 'jdoe', since: new Date(T0 + 20 * 60_000), limit: 100 })).length, 7);
      const failed = await store().portalEvents.list({ user: 'jdoe', category: 'sync', failed: true, limit: 100 });
      assert.deepEqual(failed.map((e) => e.status), ['failed']);
      assert.deepEqual((await store().portalEvents.list({ user: 'jdoe', category: 'sync', failed: false, limit: 100 })).map((e) => e.status), ['succeeded']);
      const otherSeq = (await store().portalEvents.list({ user: 'other', limit: 1 }))[0]!.seq;
      assert.deepEqual(await store().portalEvents.list({ user: 'jdoe', limit: 10, beforeSeq: otherSeq }), [], "another user's event is no cursor");
    });

    it('says whether an address or client was seen (successful, unmarked, by arrival) in a window, and who was locked from an address', async () => {
      const HOUR = 3_600_000;
      await store().portalEvents.append([
        ev(0, { ip: '198.51.100.1', userAgent: 'Edge' }),
        ev(0, { ip: '198.51.100.2', outcome: 'failure' }),
        ev(0, { ip: '198.51.100.3', type: 'code-sent' }),
        // Dated at T0 but arrived an hour later, and one marked as back-dated.
        ev(0, { ip: '198.51.100.4', arrivedAt: new Date(T0 + HOUR) }),
        ev(0, { ip: '198.51.100.5', userAgent: 'curl', skewed: true }),
        ev(100, { user: 'a', type: 'portal-lock', ip: '203.0.113.9' }),
        ev(101, { user: 'b', type: 'portal-lock', ip: '203.0.113.9' }),
        ev(102, { user: 'b', type: 'portal-lock', ip: '203.0.113.9' }),
        ev(103, { user: 'c', type: 'challenge', ip: '203.0.113.9' }),
      ]);
      const seen = (user: string, field: 'ip' | 'userAgent', value: string, from: number, to: number) =>
        store().portalEvents.seenFrom({ user, field, value, types: ['sign-in', 'challenge'], from: new Date(from), to: new Date(to) });
      assert.equal(await seen('jdoe', 'ip', '198.51.100.1', T0, T0 + 1), true);
      assert.equal(await seen('jdoe', 'ip', '198.51.100.1', T0 + 1, T0 + 10), false);
      assert.equal(await seen('jdoe', 'userAgent', 'Edge', T0 - 1, T0 + 1), true);
      assert.equal(await seen('other', 'ip', '198.51.100.1', T0 - 1, T0 + 1), false);
      assert.equal(await seen('jdoe', 'ip', '198.51.100.2', T0 - 1, T0 + 1), false, 'a failure is no proof');
      assert.equal(await seen('jdoe', 'ip', '198.51.100.3', T0 - 1, T0 + 1), false, 'nor another type');
      assert.equal(await seen('jdoe', 'ip', '198.51.100.4', T0 - 1, T0 + 1), false, 'by arrival, not by its own time');
      assert.equal(await seen('jdoe', 'ip', '198.51.100.4', T0 + HOUR, T0 + HOUR + 1), true);
      assert.equal(await seen('jdoe', 'ip', '198.51.100.5', T0 - 1, T0 + 1), false, 'a skewed event never counts');
      assert.equal(await seen('jdoe', 'userAgent', 'curl', T0 - 1, T0 + 1), false);
      assert.deepEqual(await store().portalEvents.usersLockedFrom('203.0.113.9', new Date(T0)), ['a', 'b']);
      assert.deepEqual(await store().portalEvents.usersLockedFrom('203.0.113.9', new Date(T0 + 101 * 60_000 + 1)), ['b']);
    });

  });

  describe('portal accounts', () => {
    it('lists the locked accounts newest lock first, at most `limit`, and not after an unlock', async () => {
      for (const [user, ago] of [['amy', 3], ['bob', 1], ['cyd', 2]] as const) {
        await store().portalAccounts.ensure(user, new Date(T0));
        await store().portalAccounts.setLock(user, { locked: true, lockedAt: new Date(T0 - ago * 1000), failedAttempts: 5 }, new Date(T0));
      }
      await store().portalAccounts.ensure('dan', new Date(T0));
      assert.deepEqual((await store().portalAccounts.locked(10)).map((l) => l.user), ['bob', 'cyd', 'amy']);
      assert.deepEqual((await store().portalAccounts.locked(2)).map((l) => [l.user, l.lockedAt.getTime()]), [['bob', T0 - 1000], ['cyd', T0 - 2000]]);
      await store().portalAccounts.unlock('cyd', new Date(T0 + 1));
      assert.deepEqual((await store().portalAccounts.locked(10)).map((l) => l.user), ['bob', 'amy']);
    });

    it('lists an account locked by its failed challenges, but not a locked login nobody has, nor one a pass cleared', async () => {
      const failTo = async (key: string, limit: number, minute: number) => {
        for (let i = 0; i < limit; i++) {
          const place = await store().portalAttempts.reserve(key, limit, new Date(T0 + minute * 60_000));
          assert.ok(place, `place ${i + 1} of ${key}`);
          await store().portalAttempts.fail(place, limit, new Date(T0 + minute * 60_000));
        }
      };
      await store().portalAccounts.ensure('eve', new Date(T0));
      await failTo('eve', 3, 1);
      await failTo('nobody.at.all', 3, 2); // an unknown login's count locks too, but it is no account to unlock
      await store().portalAccounts.ensure('fay', new Date(T0));
      const place = await store().portalAttempts.reserve('fay', 3, new Date(T0));
      assert.ok(place);
      await store().portalAttempts.fail(place, 3, new Date(T0));
      const next = await store().portalAttempts.reserve('fay', 3, new Date(T0));
      assert.ok(next);
      await store().portalAttempts.pass(next, new Date(T0));
      assert.deepEqual((await store().portalAccounts.locked(10)).map((l) => [l.user, l.lockedAt.getTime()]), [['eve', T0 + 60_000]]);
    });

    it('gives back what was put; unlock clears the lock and the failed count once', async () => {
      assert.equal(await store().portalAccounts.get('jdoe'), null);
      assert.equal(await store().portalAccounts.unlock('jdoe', new Date(T0)), null);
      const account = { user: 'jdoe', enrolled: true, methods: ['questions', 'mobile'], locked: true, lockedAt: new Date(T0), failedAttempts: 5, updatedAt: new Date(T0) };
      await store().portalAccounts.put(account);
      await store().portalAccounts.setLock('jdoe', account, new Date(T0));
      assert.deepEqual(await store().portalAccounts.get('jdoe'), account);
      const unlocked = await store().portalAccounts.unlock('jdoe', new Date(T0 + 1000));
      assert.equal(unlocked?.wasLocked, true);
      const after = { user: 'jdoe', enrolled: true, methods: ['questions', 'mobile'], locked: false, failedAttempts: 0, updatedAt: new Date(T0 + 1000) };
      assert.deepEqual(unlocked?.account, after);
      assert.deepEqual(await store().portalAccounts.get('jdoe'), after);
      assert.equal((await store().portalAccounts.unlock('jdoe', new Date(T0 + 2000)))?.wasLocked, false);
    });

    it('unlocks once: of 10 concurrent unlocks from two instances, one finds the account locked', async () => {
      await store().portalAccounts.ensure('jdoe', new Date(T0));
      await store().portalAccounts.setLock('jdoe', { locked: true, lockedAt: new Date(T0), failedAttempts: 5 }, new Date(T0));
      const other = await twin();
      const unlocked = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store() : other).portalAccounts.unlock('jdoe', new Date(T0 + 1000))));
      assert.equal(unlocked.filter((u) => u?.wasLocked).length, 1);
      for (const u of unlocked) assert.deepEqual([u?.account.locked, u?.account.failedAttempts], [false, 0]);
    });

    it('put leaves the lock alone; ensure makes an empty account only where there is none', async () => {
      await store().portalAccounts.ensure('jdoe', new Date(T0));
      assert.deepEqual(await store().portalAccounts.get('jdoe'), { user: 'jdoe', enrolled: false, methods: [], locked: false, failedAttempts: 0, updatedAt: new Date(T0) });
      await store().portalAccounts.setLock('jdoe', { locked: false, failedAttempts: 3 }, new Date(T0));
      await store().portalAccounts.put({ user: 'jdoe', enrolled: true, methods: ['questions'], updatedAt: new Date(T0 + 1) });
      await store().portalAccounts.ensure('jdoe', new Date(T0 + 2));
      assert.deepEqual(await store().portalAccounts.get('jdoe'),
        { user: 'jdoe', enrolled: true, methods: ['questions'], locked: false, failedAttempts: 3, updatedAt: new Date(T0 + 1) });
    });
  });

  describe('portal lock (challenge attempts)', () => {
    const at = new Date(T0);
    const take = (s: Store, key = 'jdoe') => s.portalAttempts.reserve(key, 5, at);

    it('gives places 1..limit, refuses the next while they are taken, and the failure at the last place locks, once', async () => {
      const places = [];
      for (let i = 0; i < 5; i++) places.push(await take(store()));
      assert.deepEqual(places.map((p) => p?.n), [1, 2, 3, 4, 5]);
      assert.equal(await take(store()), null, 'every place is taken (failed or being judged)');
      const locks = [];
      for (const p of places) locks.push((await store().portalAttempts.fail(p!, 5, at)).locks);
      assert.deepEqual(locks, [false, false, false, false, true]);
      assert.equal(await take(store()), null, 'locked');
      await store().portalAccounts.ensure('jdoe', at);
      assert.deepEqual(await store().portalAccounts.get('jdoe'), { user: 'jdoe', enrolled: false, methods: [], locked: true, lockedAt: at, failedAttempts: 5, updatedAt: at });
      assert.equal((await store().portalAccounts.unlock('jdoe', new Date(T0 + 1)))?.wasLocked, true);
      assert.equal((await take(store()))?.n, 1, 'an unlock starts the count again');
    });

    it('a pass starts the count again, a released place is free again, and a login with no account counts alike', async () => {
      const first = await take(store(), 'ghost');
      await store().portalAttempts.fail(first!, 5, at);
      const second = await take(store(), 'ghost');
      assert.equal(second?.n, 2);
      await store().portalAttempts.release(second!, at);
      const third = await take(store(), 'ghost');
      assert.equal(third?.n, 2, 'the released place is taken again');
      await store().portalAttempts.pass(third!, at);
      assert.equal((await take(store(), 'ghost'))?.n, 1);
      assert.equal(await store().portalAccounts.get('ghost'), null, 'attempts make no account');
    });

    it('a failure settled after an unlock or setLock does not count in the new count', async () => {
      const late = await take(store());
      await store().portalAccounts.ensure('jdoe', at);
      await store().portalAccounts.setLock('jdoe', { locked: false, failedAttempts: 0 }, at);
      assert.equal((await store().portalAttempts.fail(late!, 5, at)).locks, false);
      assert.equal((await store().portalAccounts.get('jdoe'))?.failedAttempts, 0);
    });

    it('20 concurrent wrong answers from two store instances: exactly 5 judged, exactly one lock', async () => {
      const other = await twin();
      const settled = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        const s = i % 2 === 0 ? store() : other;
        const place = await take(s);
        if (!place) return 'refused';
        await new Promise((resolve) => setTimeout(resolve, i % 3)); // judged for a while, interleaved
        return (await s.portalAttempts.fail(place, 5, at)).locks ? 'locked' : 'failed';
      }));
      assert.equal(settled.filter((r) => r !== 'refused').length, 5, 'judged');
      assert.equal(settled.filter((r) => r === 'locked').length, 1, 'one lock');
      await other.portalAccounts.ensure('jdoe', at);
      assert.equal((await store().portalAccounts.get('jdoe'))?.failedAttempts, 5);
    });
  });

  describe('one-time codes', () => {
    const RIGHT = 'a'.repeat(64);
    const WRONG = 'b'.repeat(64);
    const issue = (s: Store, user: string, expiresAt = T0 + 60_000) =>
      s.pins.issue({ user, hmac: RIGHT, createdAt: new Date(T0), expiresAt: new Date(expiresAt), createdBy: 'agent' }, new Date(T0 - 1));
    const check = (user: string, hmac: string, at = T0) => store().pins.check(user, hmac, new Date(at), 5);

    it('a wrong code is "invalid" whatever the state (used, expired, locked); only the right one tells the state', async () => {
      await issue(store(), 'used');
      assert.equal(await check('used', RIGHT), 'valid');
      assert.equal(await check('used', WRONG), 'invalid');
      assert.equal(await check('used', RIGHT), 'used');
      await issue(store(), 'old', T0 + 1);
      assert.equal(await check('old', WRONG, T0 + 2), 'invalid');
      assert.equal(await check('old', RIGHT, T0 + 2), 'expired');
      await issue(store(), 'guessed');
      for (let i = 0; i < 4; i++) assert.equal(await check('guessed', WRONG), 'invalid');
      // 'spent' (no tries left) only tells the staff's own flow; the PIN API answers it as 'invalid' (helpdesk-pins.ts).
      assert.equal(await check('guessed', WRONG), 'spent', 'the fifth wrong code spends the last try');
      assert.equal(await check('guessed', WRONG), 'spent', 'a sixth wrong code: still only a wrong code, no state');
      assert.equal(await check('guessed', RIGHT), 'locked', 'the failures counted: the right code no longer works');
      assert.equal(await check('nobody', WRONG), 'unknown');
    });
  });

  describe('enrollments', () => {
    it('replaces the questions whole and gives the sealed answers back byte for byte', async () => {
      const sealed = () => ({ ciphertext: randomBytes(9), iv: randomBytes(12), tag: randomBytes(16) });
      const first = [{ question: 'Pet?', answer: sealed() }, { question: 'Town?', answer: sealed() }, { question: 'Car?', answer: sealed() }];
      await store().enrollments.replace('jdoe', first, new Date(T0));
      const second = [{ question: 'School?', answer: sealed() }];
      await store().enrollments.replace('jdoe', second, new Date(T0 + 5000));
      const got = await store().enrollments.get('jdoe');
      assert.deepEqual(got, { user: 'jdoe', updatedAt: new Date(T0 + 5000), questions: [{ position: 1, ...second[0]! }] });
      assert.equal(await store().enrollments.get('someone.else'), null);
    });
  });

  describe('registered mobiles', () => {
    it('gives back the sealed number byte for byte; a new registration replaces the old one', async () => {
      const sealed = () => ({ ciphertext: randomBytes(13), iv: randomBytes(12), tag: randomBytes(16) });
      const first = { number: sealed(), registeredAt: new Date(T0) };
      await store().portalMobiles.put('jdoe', first);
      assert.deepEqual(await store().portalMobiles.get('jdoe'), first);
      const second = { number: sealed(), registeredAt: new Date(T0 + 60_000) };
      await store().portalMobiles.put('jdoe', second);
      assert.deepEqual(await store().portalMobiles.get('jdoe'), second);
      assert.equal(await store().portalMobiles.get('someone.else'), null);
    });
  });
}
