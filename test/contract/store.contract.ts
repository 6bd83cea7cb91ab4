// The behaviour every Store adapter must show, as a user or an auditor would notice it. Each adapter's
// spec calls describeStoreContract with a factory that opens a fresh, empty store plus a Tamper: a small
// adapter-specific backdoor that changes the data behind the store's back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chainHash, GENESIS_HASH } from '../../src/domain/audit-chain';
import type { AuditEntry, AuditEntryInput } from '../../src/domain/audit-entry';
import { isHelpdeskError } from '../../src/domain/errors';
import type { Approval } from '../../src/ports/approvals.port';
import type { AccountChange } from '../../src/ports/change-limits.port';
import type { PendingConfirmation } from '../../src/ports/confirmations.port';
import type { SharedRequest } from '../../src/ports/shared-requests.port';
import type { ShownSecret } from '../../src/ports/shown-secrets.port';
import type { Store } from '../../src/ports/store.port';
import { describeApprovalRepository } from './approvals.contract';
import { describeEscalationRepository } from './escalations.contract';
import { describeOneTimeCodeRepositories } from './one-time-codes.contract';
import { describePortalCardRepository } from './portal-cards.contract';
import { describePortalRepositories } from './portal-store.contract';
import { describePortalSessionRepository } from './portal-sessions.contract';
import { describePasswordBindRepository } from './password-binds.contract';
import { describeQuotaRepository } from './quota-store.contract';
import { describeAlertClaimRepository } from './alert-claims.contract';
import { describePendingWorkRepository } from './pending-work.contract';

/** Fields of a stored audit entry to overwrite (a key present with `undefined` clears the field). */
export type AuditPatch = Partial<Omit<AuditEntry, 'seq'>>;

export interface Unwritable {
  /** The store under test should give up on a write within about this long. */
  readonly failWithinMs: number;
  /** Makes the store writable again. */
  release(): Promise<void>;
}

export interface Tamper {
  /** Overwrites fields of the audit entry `seq` directly, past any append-only guard. */
  updateAuditEntry(seq: number, patch: AuditPatch): Promise<void>;
  /** Removes the audit entry `seq` directly, past any append-only guard. */
  deleteAuditEntry(seq: number): Promise<void>;
  /** Makes every write to the store fail (e.g. another connection holds the write lock). */
  makeUnwritable(): Promise<Unwritable>;
}

export interface StoreHarness {
  readonly store: Store;
  readonly tamper: Tamper;
  /** Another instance on the same data (as another process or replica would open it); closed by cleanup. */
  openTwin(): Promise<Store>;
  /** Closes the store (if still open) and removes what the factory created. */
  cleanup(): Promise<void>;
}

const BASE_TIME = Date.UTC(2025, 0, 15, 9, 0, 0);

function entry(i: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return clean({
    at: new Date(BASE_TIME + i * 1000),
    correlationId: `corr-${i}`,
    surface: 'teams',
    actor: 'agent.smith',
    role: 'agent',
    action: 'user.find',
    target: 'jdoe',
    outcome: 'success',
    ...overrides,
  });
}

/** `entry(i, { target: undefined })` means "no target": drop the key, as a stored entry would. */
function clean(e: AuditEntryInput): AuditEntryInput {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as AuditEntryInput;
}

async function expectStoreUnavailable(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (e: unknown) => isHelpdeskError(e) && e.code === 'STORE.UNAVAILABLE');
}

export function describeStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      h = await open();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    async function appendN(n: number): Promise<AuditEntry[]> {
      const out: AuditEntry[] = [];
      for (let i = 1; i <= n; i++) out.push(await store.audit.append(entry(i)));
      return out;
    }

    describe('helpdesk audit trail', () => {
      it('gives appended entries seq 1..n, each prev_hash being the previous hash', async () => {
        const entries = await appendN(5);
        assert.deepEqual(entries.map((e) => e.seq), [1, 2, 3, 4, 5]);
        assert.equal(entries[0]?.prevHash, GENESIS_HASH);
        for (let i = 1; i < entries.length; i++) assert.equal(entries[i]?.prevHash, entries[i - 1]?.hash);
        for (const e of entries) assert.match(e.hash, /^[0-9a-f]{64}$/);
        assert.equal(new Set(entries.map((e) => e.hash)).size, 5);
      });

      it('lists newest first and gives back every field as appended', async () => {
        const inputs: AuditEntryInput[] = [
          entry(1),
          entry(2, { target: undefined, action: 'help' }),
          entry(3, { outcome: 'refused', code: 'AUTH.FORBIDDEN', detail: 'needs supervisor', role: 'agent', surface: 'slack' }),
        ];
        const appended: AuditEntry[] = [];
        for (const input of inputs) appended.push(await store.audit.append(input));
        appended.forEach((a, n) => {
          assert.deepEqual(a, { ...inputs[n], seq: n + 1, prevHash: a.prevHash, hash: a.hash });
        });
        const listed = await store.audit.list({ limit: 10 });
        assert.deepEqual(listed, [...appended].reverse());
        assert.ok(listed[0]?.at instanceof Date);
        assert.equal(listed[2]?.target, 'jdoe');
        assert.equal('target' in (listed[1] ?? {}), false, 'an absent target stays absent');
      });

      it('honours the limit', async () => {
        await appendN(7);
        assert.deepEqual((await store.audit.list({ limit: 3 })).map((e) => e.seq), [7, 6, 5]);
        assert.deepEqual(await store.audit.list({ limit: 0 }), []);
      });

      it('pages by target with a beforeSeq cursor, and reads from a time on (history, audit:export)', async () => {
        for (let i = 1; i <= 5; i++) await store.audit.append(entry(i, { target: i % 2 ? 'jdoe' : 'mroe' }));
        assert.deepEqual((await store.audit.list({ limit: 10, target: 'jdoe', beforeSeq: 5 })).map((e) => e.seq), [3, 1]);
        const third = (await store.audit.list({ limit: 10 })).find((e) => e.seq === 3);
        assert.deepEqual((await store.audit.list({ limit: 10, since: third?.at ?? new Date(0) })).map((e) => e.seq).slice(-1), [3]);
      });

      it('filters by actor, by target, and by both', async () => {
        await store.audit.append(entry(1, { actor: 'alice', target: 'jdoe' }));
        await store.audit.append(entry(2, { actor: 'bob', target: 'jdoe' }));
        await store.audit.append(entry(3, { actor: 'alice', target: 'mroe' }));
        await store.audit.append(entry(4, { actor: 'alice', target: undefined }));
        const seqs = async (q: { actor?: string; target?: string }) =>
          (await store.audit.list({ limit: 10, ...q })).map((e) => e.seq);
        assert.deepEqual(await seqs({ actor: 'alice' }), [4, 3, 1]);
        assert.deepEqual(await seqs({ target: 'jdoe' }), [2, 1]);
        assert.deepEqual(await seqs({ actor: 'alice', target: 'jdoe' }), [1]);
        assert.deepEqual(await seqs({ actor: 'nobody' }), []);
      });

      it('keeps one unforked chain under 50 concurrent appends', async () => {
        const entries = await Promise.all(Array.from({ length: 50 }, (_, i) => store.audit.append(entry(i + 1))));
        assert.deepEqual(entries.map((e) => e.seq).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
        assert.deepEqual(await store.audit.verify(), { ok: true, count: 50 });
        const listed = await store.audit.list({ limit: 100 });
        assert.deepEqual(listed.map((e) => e.seq), Array.from({ length: 50 }, (_, i) => 50 - i));
      });

      it('chains a lookup\'s record (only committed) and an action\'s (on disk) alike, mixed in one turn', async () => {
        const kinds = ['committed', 'on-disk'] as const;
        const entries = await Promise.all(Array.from({ length: 10 }, (_, i) => store.audit.append(entry(i + 1), kinds[i % 2])));
        assert.deepEqual(entries.map((e) => e.seq).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i + 1));
        const listed = await store.audit.list({ limit: 20 });
        assert.equal(listed.length, 10, 'each is readable once its append resolved');
        assert.deepEqual(await store.audit.verify(), { ok: true, count: 10 });
      });

      it('verifies an empty trail and a pristine chain', async () => {
        assert.deepEqual(await store.audit.verify(), { ok: true, count: 0 });
        await appendN(10);
        assert.deepEqual(await store.audit.verify(), { ok: true, count: 10 });
      });

      const changes: [string, AuditPatch][] = [
        ['actor', { actor: 'mallory' }],
        ['target', { target: 'ceo' }],
        ['outcome', { outcome: 'refused' }],
        ['detail', { detail: 'nothing to see here' }],
        ['time', { at: new Date(BASE_TIME + 999_000) }],
        ['action', { action: 'help' }],
      ];
      for (const [field, patch] of changes) {
        it(`finds a changed ${field} in the middle of the chain`, async () => {
          await appendN(10);
          await h.tamper.updateAuditEntry(5, patch);
          const result = await store.audit.verify();
          assert.equal(result.ok, false);
          assert.equal(!result.ok && result.brokenAt, 5);
        });
      }

      it('finds a deleted middle entry (broken at the entry that no longer follows)', async () => {
        await appendN(10);
        await h.tamper.deleteAuditEntry(5);
        const result = await store.audit.verify();
        assert.equal(result.ok, false);
        assert.equal(!result.ok && result.brokenAt, 6);
      });

      it('finds a deleted last entry', async () => {
        await appendN(10);
        await h.tamper.deleteAuditEntry(10);
        const result = await store.audit.verify();
        assert.equal(result.ok, false);
        assert.equal(!result.ok && result.brokenAt, 10);
      });

      it('does not let a later append hide a deleted last entry', async () => {
        await appendN(10);
        await h.tamper.deleteAuditEntry(10);
        await store.audit.append(entry(11)).catch(() => undefined); // refusing is fine too
        assert.equal((await store.audit.verify()).ok, false);
      });

      it('finds an entry re-hashed with a wrong key', async () => {
        const entries = await appendN(10);
        const fifth = entries[4];
        assert.ok(fifth);
        const forged = { ...fifth, actor: 'mallory' };
        const hash = chainHash(randomBytes(32), fifth.prevHash, 5, forged);
        await h.tamper.updateAuditEntry(5, { actor: 'mallory', hash });
        const result = await store.audit.verify();
        assert.equal(result.ok, false);
        assert.equal(!result.ok && result.brokenAt, 5);
      });

      it('gives the head as the last entry\'s seq and hash (none for an empty trail)', async () => {
        assert.equal(await store.audit.head(), null);
        const entries = await appendN(3);
        assert.deepEqual(await store.audit.head(), { seq: 3, hash: entries[2]?.hash });
      });

      it('verifies a long chain piece by piece, and still finds a change deep in it', async () => {
        await appendN(1200);
        assert.deepEqual(await store.audit.verify(), { ok: true, count: 1200 });
        await h.tamper.updateAuditEntry(1001, { detail: 'nothing to see here' });
        const changed = await store.audit.verify();
        assert.equal(!changed.ok && changed.brokenAt, 1001);
      });

      it('does not mistake appends made while it verifies for tampering', async () => {
        await appendN(1500);
        const verifying = store.audit.verify();
        const appended = await Promise.all([1501, 1502, 1503].map((i) => store.audit.append(entry(i))));
        const result = await verifying;
        assert.equal(result.ok, true, JSON.stringify(result));
        assert.ok(result.ok && result.count >= 1500 && result.count <= 1503);
        assert.deepEqual(appended.map((e) => e.seq).sort((a, b) => a - b), [1501, 1502, 1503]);
        assert.deepEqual(await store.audit.verify(), { ok: true, count: 1503 });
      });

      it('finds a chain rebuilt from the middle on with a wrong key', async () => {
        const entries = await appendN(10);
        const wrongKey = randomBytes(32);
        let prevHash = entries[3]?.hash ?? '';
        for (const e of entries.slice(4)) {
          const forged = { ...e, detail: 'rewritten' };
          const hash = chainHash(wrongKey, prevHash, e.seq, forged);
          await h.tamper.updateAuditEntry(e.seq, { detail: 'rewritten', prevHash, hash });
          prevHash = hash;
        }
        const result = await store.audit.verify();
        assert.equal(result.ok, false);
        assert.equal(!result.ok && result.brokenAt, 5);
      });
    });

    describe('an unwritable store', () => {
      it('refuses an append with STORE.UNAVAILABLE within about the busy timeout, appending nothing', async () => {
        await appendN(3);
        const lock = await h.tamper.makeUnwritable();
        const started = Date.now();
        try {
          await expectStoreUnavailable(store.audit.append(entry(4)));
        } finally {
          await lock.release();
        }
        const elapsed = Date.now() - started;
        assert.ok(elapsed < lock.failWithinMs + 1500, `gave up after ${elapsed} ms`);
        assert.deepEqual((await store.audit.list({ limit: 10 })).map((e) => e.seq), [3, 2, 1]);
        assert.deepEqual(await store.audit.verify(), { ok: true, count: 3 });
        assert.equal((await store.audit.append(entry(4))).seq, 4, 'works again once writable');
      });

      it('fails ping with STORE.UNAVAILABLE, and ping succeeds once writable', async () => {
        await store.ping();
        const lock = await h.tamper.makeUnwritable();
        try {
          await expectStoreUnavailable(store.ping());
        } finally {
          await lock.release();
        }
        await store.ping();
      });

      it('refuses the once-only steps with STORE.UNAVAILABLE while unwritable, using and counting nothing', async () => {
        const during = new Date(BASE_TIME + 60_000);
        const code = { user: 'jdoe', hmac: 'a'.repeat(64), createdAt: new Date(BASE_TIME), expiresAt: new Date(BASE_TIME + 600_000), createdBy: 'agent.smith' };
        await store.confirmations.save({ tokenHash: 't'.repeat(64), actor: 'agent.smith', action: 'account.unlock', target: 'jdoe', createdAt: new Date(BASE_TIME), expiresAt: new Date(BASE_TIME + 600_000) });
        await store.approvals.create({ id: 'apr-unw-000000000001', kind: 'pin.view', requester: 'alice', requesterChatUserId: 'c', requesterName: 'Alice',
          target: 'jdoe', targetName: 'John Doe', status: 'pending', createdAt: new Date(BASE_TIME), expiresAt: new Date(BASE_TIME + 600_000) });
        await store.pins.issue(code, new Date(0));
        await store.portalSessions.create({ idHash: 's'.repeat(64), csrf: 'csrf', state: { login: 'jdoe' }, createdAt: new Date(BASE_TIME), seenAt: new Date(BASE_TIME) });
        const lock = await h.tamper.makeUnwritable();
        try {
          await expectStoreUnavailable(store.confirmations.consume('t'.repeat(64), 'agent.smith', during));
          await expectStoreUnavailable(store.approvals.decide('apr-unw-000000000001', 'approved', 'sam', 'Sam', during));
          await expectStoreUnavailable(store.pins.check('jdoe', 'b'.repeat(64), during, 1));
          await expectStoreUnavailable(store.pins.check('jdoe', code.hmac, during, 1));
          await expectStoreUnavailable(store.portalSessions.save('s'.repeat(64), { login: 'mallory' }, during));
        } finally {
          await lock.release();
        }
        assert.equal((await store.confirmations.consume('t'.repeat(64), 'agent.smith', during)).ok, true, 'the token was not burnt');
        assert.equal((await store.approvals.decide('apr-unw-000000000001', 'approved', 'sam', 'Sam', during)).ok, true, 'still undecided');
        assert.equal(await store.pins.check('jdoe', code.hmac, during, 1), 'valid', 'neither used nor a failure counted (one try allowed)');
        assert.deepEqual((await store.portalSessions.get('s'.repeat(64)))?.state, { login: 'jdoe' });
      });

      it('refuses everything with STORE.UNAVAILABLE once closed', async () => {
        await store.close();
        await expectStoreUnavailable(store.audit.append(entry(1)));
        await expectStoreUnavailable(store.audit.list({ limit: 1 }));
        await expectStoreUnavailable(store.ping());
        await expectStoreUnavailable(store.confirmations.consume('x', 'y', new Date()));
        await expectStoreUnavailable(store.confirmations.check('x', 'y', new Date()));
        await expectStoreUnavailable(store.sharedRequests.find('x', new Date()));
        await expectStoreUnavailable(store.shownSecrets.find('x', new Date()));
        await expectStoreUnavailable(store.accountChanges.reserve(
          { id: 'x', at: new Date(), actor: 'a', target: 'b', action: 'account.unlock', kind: 'change' }, { perActor: 1, perTarget: 1, windowMs: 1 }));
        await expectStoreUnavailable(store.accountChanges.complete('x', new Date()));
        await expectStoreUnavailable(store.accountChanges.sweepExpired(new Date(), 1));
        await expectStoreUnavailable(store.audit.verify());
        await expectStoreUnavailable(store.approvals.decide('x', 'approved', 'a', 'A', new Date()));
        await expectStoreUnavailable(store.pins.check('x', 'a'.repeat(64), new Date(), 5));
        await expectStoreUnavailable(store.escalations.active('x', 'rt'));
        await expectStoreUnavailable(store.portalSessions.get('x'));
        await store.close(); // closing twice is harmless
      });
    });

    describe('shared requests', () => {
      const day = 24 * 3600_000;
      const request: SharedRequest = {
        id: 'req-1', command: { name: 'reset', user: 'jdoe', delivery: 'view' }, askerLogin: 'agent.smith',
        askerChatUserId: '29:1abc', createdAt: new Date(BASE_TIME), expiresAt: new Date(BASE_TIME + day),
      };

      it('gives back what was saved, as often as asked, until it expires', async () => {
        await store.sharedRequests.save(request);
        const during = new Date(BASE_TIME + 3600_000);
        assert.deepEqual(await store.sharedRequests.find('req-1', during), { ok: true, request });
        assert.deepEqual(await store.sharedRequests.find('req-1', during), { ok: true, request });
        assert.deepEqual(await store.sharedRequests.find('req-1', new Date(BASE_TIME + day)), { ok: false, reason: 'expired' });
      });

      it('says "unknown" for an id never saved, and purges expired requests on use', async () => {
        assert.deepEqual(await store.sharedRequests.find('nope', new Date(BASE_TIME)), { ok: false, reason: 'unknown' });
        await store.sharedRequests.save(request);
        await store.sharedRequests.save({ ...request, id: 'req-2', createdAt: new Date(BASE_TIME + 2 * day), expiresAt: new Date(BASE_TIME + 3 * day) });
        // Saving req-2 (created after req-1 expired) purged req-1: it is now unknown, even asked "in the past".
        assert.deepEqual(await store.sharedRequests.find('req-1', new Date(BASE_TIME + 60_000)), { ok: false, reason: 'unknown' });
        assert.equal((await store.sharedRequests.find('req-2', new Date(BASE_TIME + 2 * day))).ok, true);
      });
    });

    describe('shown secrets', () => {
      const shown: ShownSecret = {
        ref: 'ref-1', viewer: 'sam.super', target: 'jdoe', targetName: 'Jane Doe', label: 'New password (shown once)',
        shownAt: new Date(BASE_TIME), expiresAt: new Date(BASE_TIME + 3600_000),
      };

      it('gives back the reference until it expires, then purges it', async () => {
        await store.shownSecrets.save(shown);
        assert.deepEqual(await store.shownSecrets.find('ref-1', new Date(BASE_TIME + 60_000)), shown);
        assert.equal(await store.shownSecrets.find('ref-1', new Date(BASE_TIME + 3600_000)), undefined);
        assert.equal(await store.shownSecrets.find('ref-1', new Date(BASE_TIME)), undefined, 'purged, not only hidden by the date');
        assert.equal(await store.shownSecrets.find('nope', new Date(BASE_TIME)), undefined);
      });
    });

    describe('approvals', () => {
      const at = (minute: number) => new Date(BASE_TIME + minute * 60_000);
      const request = (id: string, minute: number): Approval => ({
        id, kind: 'pin.view', requester: 'alice', requesterChatUserId: 'chat-alice', requesterName: 'Alice', target: 'jdoe', targetName: 'John Doe',
        status: 'pending', createdAt: at(minute), expiresAt: at(minute + 15),
      });

      it('lists the open requests, newest first, at most limit; decided and expired ones are not listed', async () => {
        for (const [id, minute] of [['req-a-0000000000001', 0], ['req-b-0000000000002', 5], ['req-c-0000000000003', 10], ['req-d-0000000000004', 11]] as const) {
          await store.approvals.create(request(id, minute));
        }
        assert.equal((await store.approvals.decide('req-c-0000000000003', 'denied', 'sam', 'Sam', at(12))).ok, true);
        assert.deepEqual((await store.approvals.listPending(at(12), 10)).map((a) => a.id), ['req-d-0000000000004', 'req-b-0000000000002', 'req-a-0000000000001']);
        assert.deepEqual((await store.approvals.listPending(at(12), 1)).map((a) => a.id), ['req-d-0000000000004']);
        assert.deepEqual((await store.approvals.listPending(at(16), 10)).map((a) => a.id), ['req-d-0000000000004', 'req-b-0000000000002'], 'req-a expired at 15');
      });
    });

    describe('account changes (limits)', () => {
      const HOUR = 3_600_000;
      const limits = { perActor: 5, perTarget: 3, windowMs: HOUR };
      let n = 0;
      const change = (minute: number, actor: string, target: string, kind: AccountChange['kind'] = 'change'): AccountChange => {
        n += 1;
        return { id: `change-${n}`, at: new Date(BASE_TIME + minute * 60_000), actor, target, action: kind === 'change' ? 'account.unlock' : 'pin.sms', kind };
      };

      it('refuses the change after the per-target limit, saying how many and when one frees up', async () => {
        for (const [minute, actor] of [[0, 'alice'], [10, 'bob'], [20, 'alice']] as const) {
          assert.deepEqual(await store.accountChanges.reserve(change(minute, actor, 'jdoe'), limits), { ok: true });
        }
        const over = { ok: false, over: 'target', count: 3, freeAt: new Date(BASE_TIME + HOUR) };
        assert.deepEqual(await store.accountChanges.check(change(30, 'carol', 'jdoe'), limits), over);
        assert.deepEqual(await store.accountChanges.reserve(change(30, 'carol', 'jdoe'), limits), over);
        assert.deepEqual(await store.accountChanges.reserve(change(30, 'carol', 'mroe'), limits), { ok: true }, 'other targets are not affected');
      });

      it('refuses the change after the per-actor limit, over any targets', async () => {
        for (let i = 0; i < 5; i++) assert.equal((await store.accountChanges.reserve(change(i, 'alice', `user${i}`), limits)).ok, true);
        assert.deepEqual(await store.accountChanges.reserve(change(6, 'alice', 'user9'), limits),
          { ok: false, over: 'actor', count: 5, freeAt: new Date(BASE_TIME + HOUR) });
        assert.equal((await store.accountChanges.reserve(change(6, 'bob', 'user9'), limits)).ok, true);
      });

      it('slides the window: a change an hour old no longer counts', async () => {
        for (const minute of [0, 10, 20]) await store.accountChanges.reserve(change(minute, 'alice', 'jdoe'), limits);
        assert.equal((await store.accountChanges.check(change(59.99, 'bob', 'jdoe'), limits)).ok, false);
        assert.deepEqual(await store.accountChanges.reserve(change(60, 'bob', 'jdoe'), limits), { ok: true });
        assert.deepEqual(await store.accountChanges.reserve(change(61, 'bob', 'jdoe'), limits),
          { ok: false, over: 'target', count: 3, freeAt: new Date(BASE_TIME + 70 * 60_000) });
      });

      it('names the change that must age out when the count is over a lowered limit', async () => {
        for (const minute of [0, 1, 2, 3, 4]) await store.accountChanges.reserve(change(minute, 'alice', 'jdoe'), { ...limits, perTarget: 10 });
        assert.deepEqual(await store.accountChanges.check(change(5, 'bob', 'jdoe'), limits),
          { ok: false, over: 'target', count: 5, freeAt: new Date(BASE_TIME + 62 * 60_000) });
      });

      it('forgets a released change; check records nothing', async () => {
        await store.accountChanges.check(change(0, 'alice', 'jdoe'), limits);
        const first = change(0, 'alice', 'jdoe');
        for (const c of [first, change(1, 'alice', 'jdoe'), change(2, 'alice', 'jdoe')]) await store.accountChanges.reserve(c, limits);
        assert.equal((await store.accountChanges.check(change(3, 'alice', 'jdoe'), limits)).ok, false);
        await store.accountChanges.release(first.id);
        assert.equal((await store.accountChanges.reserve(change(3, 'alice', 'jdoe'), limits)).ok, true);
      });

      it('lists the recent changes of one target, newest first, within the window', async () => {
        for (const [minute, actor, target] of [[0, 'alice', 'jdoe'], [10, 'bob', 'mroe'], [20, 'bob', 'jdoe']] as const) {
          await store.accountChanges.reserve(change(minute, actor, target), limits);
        }
        const recent = await store.accountChanges.recent('JDoe', new Date(BASE_TIME + 5 * 60_000), 10);
        assert.deepEqual(recent.map((c) => [c.actor, c.target, c.at.getTime()]), [['bob', 'jdoe', BASE_TIME + 20 * 60_000]]);
        assert.equal((await store.accountChanges.recent('jdoe', new Date(BASE_TIME), 1)).length, 1, 'at most limit');
      });

      it('counts each kind apart: issued secrets neither fill nor use the changes\' places', async () => {
        for (const minute of [0, 1, 2]) assert.equal((await store.accountChanges.reserve(change(minute, 'alice', 'jdoe', 'secret'), limits)).ok, true);
        assert.deepEqual(await store.accountChanges.reserve(change(3, 'alice', 'jdoe', 'secret'), limits),
          { ok: false, over: 'target', count: 3, freeAt: new Date(BASE_TIME + HOUR) });
        assert.deepEqual(await store.accountChanges.reserve(change(3, 'alice', 'jdoe'), limits), { ok: true }, 'a real change still has its places');
        assert.deepEqual((await store.accountChanges.recent('jdoe', new Date(BASE_TIME), 10)).map((c) => c.kind), ['change', 'secret', 'secret', 'secret']);
      });

      it('records an override past the limit; it counts from then on', async () => {
        for (const minute of [0, 1, 2]) await store.accountChanges.reserve(change(minute, 'alice', 'jdoe'), limits);
        const over = change(3, 'sam', 'jdoe');
        await store.accountChanges.record(over);
        assert.deepEqual(await store.accountChanges.check(change(4, 'bob', 'jdoe'), limits),
          { ok: false, over: 'target', count: 4, freeAt: new Date(BASE_TIME + HOUR + 60_000) });
        assert.equal((await store.accountChanges.recent('jdoe', new Date(BASE_TIME), 1))[0]?.id, over.id);
        await store.accountChanges.release(over.id);
        assert.deepEqual(await store.accountChanges.check(change(4, 'bob', 'jdoe'), limits),
          { ok: false, over: 'target', count: 3, freeAt: new Date(BASE_TIME + HOUR) });
      });

      const leased = (minute: number, actor: string, target: string, leaseMinutes = 5): AccountChange =>
        ({ ...change(minute, actor, target), leaseUntil: new Date(BASE_TIME + (minute + leaseMinutes) * 60_000) });
      const at = (minute: number) => new Date(BASE_TIME + minute * 60_000);

      it('sweeps a reservation whose lease ended unfinished (its process died); a completed one and an override stay', async () => {
        const died = leased(0, 'alice', 'jdoe');
        const done = leased(1, 'bob', 'jdoe');
        const override = change(2, 'sam', 'jdoe');
        for (const c of [died, done]) assert.equal((await store.accountChanges.reserve(c, limits)).ok, true);
        await store.accountChanges.record(override);
        assert.equal(await store.accountChanges.complete(done.id, at(1.5)), true);
        assert.equal(await store.accountChanges.sweepExpired(at(4.99), 10), 0, 'no lease has ended yet');
        assert.equal((await store.accountChanges.check(change(10, 'carol', 'jdoe'), limits)).ok, false);
        assert.equal(await store.accountChanges.sweepExpired(at(10), 10), 1);
        assert.deepEqual((await store.accountChanges.recent('jdoe', new Date(BASE_TIME), 10)).map((c) => c.id), [override.id, done.id]);
        assert.deepEqual(await store.accountChanges.reserve(change(10, 'carol', 'jdoe'), limits), { ok: true }, 'the dead change\'s place is free again');
        assert.equal(await store.accountChanges.sweepExpired(at(60), 10), 0, 'a completed change is never swept');
      });

      it('answers false to a completion the sweep beat (its lease ran out first), and true to a repeated one', async () => {
        const late = leased(0, 'alice', 'jdoe');
        const twice = leased(0, 'bob', 'jdoe');
        for (const c of [late, twice]) await store.accountChanges.reserve(c, limits);
        assert.equal(await store.accountChanges.complete(twice.id, at(1)), true);
        assert.equal(await store.accountChanges.complete(twice.id, at(2)), true);
        assert.equal(await store.accountChanges.sweepExpired(at(6), 10), 1);
        assert.equal(await store.accountChanges.complete(late.id, at(7)), false);
      });

      it('sweeps at most max a round', async () => {
        for (let i = 0; i < 5; i++) await store.accountChanges.reserve(leased(0, `agent${i}`, `user${i}`), limits);
        assert.equal(await store.accountChanges.sweepExpired(at(6), 2), 2);
        assert.equal(await store.accountChanges.sweepExpired(at(6), 10), 3);
      });

      it('gives each expired place back exactly once when two instances sweep, and a racing completion wins or loses cleanly', async () => {
        const other = await h.openTwin();
        const changes = Array.from({ length: 12 }, (_, i) => leased(0, `agent${i}`, `user${i}`));
        for (const c of changes) await store.accountChanges.reserve(c, { ...limits, perActor: 100 });
        const [a, b, ...completions] = await Promise.all([
          store.accountChanges.sweepExpired(at(6), 100), other.accountChanges.sweepExpired(at(6), 100),
          ...changes.slice(0, 4).map((c) => other.accountChanges.complete(c.id, at(6))),
        ]);
        const completed = completions.filter((ok) => ok === true).length;
        assert.equal(Number(a) + Number(b), 12 - completed, `swept ${String(a)} + ${String(b)}, completed ${completed}`);
        const left = await store.accountChanges.recent('user0', new Date(BASE_TIME), 10);
        assert.equal(left.length, completions[0] ? 1 : 0, 'user0 keeps its change exactly when its completion won');
      });

      it('lets exactly the limit of 20 concurrent reservations through', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
          store.accountChanges.reserve(change(0, `agent${i}`, 'jdoe'), limits)));
        assert.equal(results.filter((r) => r.ok).length, 3);
      });

      it('lets exactly the limit of 20 concurrent reservations from two instances through', async () => {
        const other = await h.openTwin();
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? store : other).accountChanges.reserve(change(0, `agent${i}`, 'jdoe'), limits)));
        assert.equal(results.filter((r) => r.ok).length, 3);
        assert.equal((await other.accountChanges.recent('jdoe', new Date(BASE_TIME), 10)).length, 3);
      });
    });

    describe('confirmations', () => {
      const created = new Date(BASE_TIME);
      const expires = new Date(BASE_TIME + 5 * 60_000);
      const during = new Date(BASE_TIME + 60_000);
      const confirmation: PendingConfirmation = {
        tokenHash: 'a'.repeat(64), actor: 'agent.smith', action: 'account.unlock', target: 'jdoe',
        createdAt: created, expiresAt: expires,
      };

      beforeEach(async () => {
        await store.confirmations.save(confirmation);
      });

      it('consumes a token once, giving back what was saved', async () => {
        assert.deepEqual(await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during),
          { ok: true, confirmation });
      });

      it('says "used" on the second consume', async () => {
        await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during);
        assert.deepEqual(await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during),
          { ok: false, reason: 'used' });
      });

      it('refuses another actor without burning the token', async () => {
        assert.deepEqual(await store.confirmations.consume(confirmation.tokenHash, 'agent.jones', during),
          { ok: false, reason: 'wrong-actor' });
        assert.equal((await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during)).ok, true);
      });

      it('says "expired" at and after the expiry, and leaves the token unchanged', async () => {
        assert.deepEqual(await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', expires),
          { ok: false, reason: 'expired' });
        assert.deepEqual(await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', new Date(BASE_TIME + 3_600_000)),
          { ok: false, reason: 'expired' });
        // Nothing was marked used by the refusals: a consume dated before the expiry still works.
        assert.equal((await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during)).ok, true);
      });

      it('check answers what consume would, and spends nothing', async () => {
        for (let i = 0; i < 3; i++) {
          assert.deepEqual(await store.confirmations.check(confirmation.tokenHash, 'agent.smith', during), { ok: true, confirmation });
        }
        assert.deepEqual(await store.confirmations.check(confirmation.tokenHash, 'agent.jones', during), { ok: false, reason: 'wrong-actor' });
        assert.deepEqual(await store.confirmations.check(confirmation.tokenHash, 'agent.smith', expires), { ok: false, reason: 'expired' });
        assert.deepEqual(await store.confirmations.check('b'.repeat(64), 'agent.smith', during), { ok: false, reason: 'unknown' });
        assert.deepEqual(await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during), { ok: true, confirmation });
        assert.deepEqual(await store.confirmations.check(confirmation.tokenHash, 'agent.smith', during), { ok: false, reason: 'used' });
      });

      it('of presses that all passed check, exactly one consume succeeds', async () => {
        const checked = await Promise.all(Array.from({ length: 10 }, () => store.confirmations.check(confirmation.tokenHash, 'agent.smith', during)));
        assert.ok(checked.every((r) => r.ok));
        const results = await Promise.all(Array.from({ length: 10 }, () => store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during)));
        assert.equal(results.filter((r) => r.ok).length, 1);
      });

      it('says "unknown" for a token never saved', async () => {
        assert.deepEqual(await store.confirmations.consume('b'.repeat(64), 'agent.smith', during),
          { ok: false, reason: 'unknown' });
      });

      it('purges tokens expired before the cutoff, used or not, at most `max` per call', async () => {
        for (let i = 0; i < 250; i++) {
          await store.confirmations.save({ ...confirmation, tokenHash: `old-${i}`, expiresAt: new Date(BASE_TIME - 1000 - i) });
        }
        await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during); // used, not expired
        const cutoff = new Date(BASE_TIME);
        assert.deepEqual([
          await store.confirmations.purgeExpired(cutoff, 100),
          await store.confirmations.purgeExpired(cutoff, 100),
          await store.confirmations.purgeExpired(cutoff, 100),
          await store.confirmations.purgeExpired(cutoff, 100),
        ], [100, 100, 50, 0]);
        assert.deepEqual(await store.confirmations.consume('old-0', 'agent.smith', new Date(BASE_TIME - 5000)), { ok: false, reason: 'unknown' });
        assert.deepEqual(await store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during), { ok: false, reason: 'used' },
          'a token not yet expired at the cutoff is kept');
        assert.equal(await store.confirmations.purgeExpired(new Date(BASE_TIME + 3_600_000), 100), 1, 'and goes once expired');
      });

      it('lets exactly one of 20 concurrent consumes succeed', async () => {
        const results = await Promise.all(Array.from({ length: 20 },
          () => store.confirmations.consume(confirmation.tokenHash, 'agent.smith', during)));
        assert.equal(results.filter((r) => r.ok).length, 1);
        for (const r of results.filter((x) => !x.ok)) assert.deepEqual(r, { ok: false, reason: 'used' });
      });

      it('lets exactly one of 20 concurrent consumes from two instances succeed', async () => {
        const other = await h.openTwin();
        const results = await Promise.all(Array.from({ length: 20 },
          (_, i) => (i % 2 === 0 ? store : other).confirmations.consume(confirmation.tokenHash, 'agent.smith', during)));
        assert.equal(results.filter((r) => r.ok).length, 1);
        for (const r of results.filter((x) => !x.ok)) assert.deepEqual(r, { ok: false, reason: 'used' });
      });
    });

    describePortalRepositories(() => store, () => h.openTwin());
    describePortalCardRepository(() => store);
    describePortalSessionRepository(() => store, () => h.openTwin());
    describeOneTimeCodeRepositories(() => store, () => h.openTwin());
    describeApprovalRepository(() => store, () => h.openTwin());
    describeEscalationRepository(() => store, () => h.openTwin());
    describeAlertClaimRepository(() => store, () => h.openTwin());
    describePendingWorkRepository(() => store, () => h.openTwin());
    describeQuotaRepository(() => store, () => h.openTwin());
    describePasswordBindRepository(() => store);
  });
}
