// Escalation tickets in the store contract (called from store.contract.ts for every adapter): one active
// ticket per user and ticket system however many agents escalate at once (from two store instances), a
// pending ticket retried when due, created and closed as the ticket system says, comments kept in order
// until posted, and a reason recognised so the same escalation is filed once.
import assert from 'node:assert/strict';
import type { EscalationRecord } from '../../src/ports/escalations.port';
import type { Store } from '../../src/ports/store.port';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);
const TICKET = { id: '42', label: 'RT #42', url: 'https://rt.example/Ticket/Display.html?id=42' };

function draft(ref: string, overrides: Partial<EscalationRecord> = {}): EscalationRecord {
  return {
    ref, user: 'jdoe', sink: 'rt', state: 'pending', subject: 'Locked out again', body: 'Caller locked out three times today.',
    requestor: 'jdoe@example.org', reasonKey: `reason-of-${ref}`, createdAt: at(0), attempts: 0, ...overrides,
  };
}

export function describeEscalationRepository(store: () => Store, twin: () => Promise<Store>): void {
  describe('escalations (one active ticket per user and system)', () => {
    const esc = () => store().escalations;

    it('gives back a new ticket as inserted, pending, due at once; another user or system is apart', async () => {
      const record = draft('mypass-1');
      assert.equal(await esc().insert(record), true);
      const { nextAttemptAt, ...stored } = (await esc().get('mypass-1'))!;
      assert.deepEqual(stored, record);
      assert.ok(nextAttemptAt === undefined || nextAttemptAt.getTime() <= record.createdAt.getTime(), 'a new ticket is tried at once');
      assert.deepEqual((await esc().due(at(0), 10)).map((r) => r.ref), ['mypass-1'], 'due from its creation: a crash before the first try is retried');
      assert.equal((await esc().active('jdoe', 'rt'))?.ref, 'mypass-1');
      assert.equal(await esc().active('jdoe', 'jira'), undefined);
      assert.equal(await esc().active('mroe', 'rt'), undefined);
      assert.equal(await esc().get('mypass-none'), undefined);
      const noRequestor = draft('mypass-2', { user: 'mroe', requestor: undefined });
      delete (noRequestor as { requestor?: string }).requestor;
      assert.equal(await esc().insert(noRequestor), true);
      assert.equal('requestor' in (await esc().get('mypass-2'))!, false, 'an absent requestor stays absent');
    });

    it('refuses a second active ticket for the user in the same system, writing nothing; another system is fine', async () => {
      assert.equal(await esc().insert(draft('mypass-1')), true);
      assert.equal(await esc().insert(draft('mypass-2', { subject: 'Second' })), false);
      assert.equal(await esc().get('mypass-2'), undefined, 'nothing written');
      assert.equal(await esc().insert(draft('mypass-3', { sink: 'jira' })), true);
      await esc().created('mypass-1', TICKET, at(1));
      assert.equal(await esc().insert(draft('mypass-4')), false, 'an open ticket is active too');
    });

    it('lets exactly one of 20 concurrent escalations of one user from two instances open a ticket', async () => {
      const other = await twin();
      const inserted = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store() : other).escalations.insert(draft(`mypass-race-${i}`))));
      assert.equal(inserted.filter(Boolean).length, 1);
      const winner = `mypass-race-${inserted.indexOf(true)}`;
      assert.equal((await other.escalations.active('jdoe', 'rt'))?.ref, winner);
      assert.deepEqual((await esc().due(at(0), 100)).map((r) => r.ref), [winner]);
    });

    it('counts a failed attempt and waits for the next one; a created ticket is open, carries its handle and is due no more', async () => {
      await esc().insert(draft('mypass-1'));
      await esc().attemptFailed('mypass-1', 'RT unreachable', at(5), at(1));
      let record = await esc().get('mypass-1');
      assert.deepEqual([record?.state, record?.attempts, record?.lastError, record?.nextAttemptAt], ['pending', 1, 'RT unreachable', at(5)]);
      assert.deepEqual(await esc().due(at(4.99), 10), [], 'not before its next attempt');
      assert.deepEqual((await esc().due(at(5), 10)).map((r) => r.attempts), [1]);
      await esc().attemptFailed('mypass-1', 'RT timed out', at(9), at(5));
      assert.equal((await esc().get('mypass-1'))?.attempts, 2);
      await esc().created('mypass-1', TICKET, at(9));
      record = await esc().get('mypass-1');
      assert.deepEqual([record?.state, record?.ticket, record?.lastError, record?.nextAttemptAt], ['open', TICKET, undefined, undefined]);
      assert.deepEqual(await esc().due(at(60), 10), []);
      assert.deepEqual((await esc().active('jdoe', 'rt'))?.ticket, TICKET);
    });

    it('gives the due tickets oldest first, at most limit', async () => {
      await esc().insert(draft('mypass-a', { user: 'a', createdAt: at(2) }));
      await esc().insert(draft('mypass-b', { user: 'b', createdAt: at(0) }));
      await esc().insert(draft('mypass-c', { user: 'c', createdAt: at(1) }));
      await esc().insert(draft('mypass-d', { user: 'd', createdAt: at(30) }));
      assert.deepEqual((await esc().due(at(10), 10)).map((r) => r.ref), ['mypass-b', 'mypass-c', 'mypass-a']);
      assert.deepEqual((await esc().due(at(10), 2)).map((r) => r.ref), ['mypass-b', 'mypass-c']);
    });

    it('a closed or failed ticket is no longer active nor due, and the user can be escalated again', async () => {
      await esc().insert(draft('mypass-1'));
      await esc().created('mypass-1', TICKET, at(1));
      await esc().setState('mypass-1', 'closed', at(2));
      assert.equal(await esc().active('jdoe', 'rt'), undefined);
      assert.equal((await esc().get('mypass-1'))?.state, 'closed');
      assert.equal(await esc().insert(draft('mypass-2', { createdAt: at(3) })), true);
      await esc().setState('mypass-2', 'failed', at(4), 'RT refused the queue');
      const failed = await esc().get('mypass-2');
      assert.deepEqual([failed?.state, failed?.lastError], ['failed', 'RT refused the queue']);
      assert.equal(await esc().active('jdoe', 'rt'), undefined);
      assert.deepEqual(await esc().due(at(60), 10), []);
      assert.equal(await esc().insert(draft('mypass-3', { createdAt: at(5) })), true);
    });

    it('keeps comments in order until each is posted; lists the open tickets that still have some', async () => {
      await esc().insert(draft('mypass-1'));
      await esc().insert(draft('mypass-2', { user: 'mroe' }));
      await esc().addComment('mypass-1', 'first', at(1));
      await esc().addComment('mypass-1', 'second', at(2), 'key-2');
      await esc().addComment('mypass-2', 'on a pending ticket', at(2));
      assert.deepEqual(await esc().openWithUnsentComments(10), [], 'a pending ticket posts its comments once created');
      await esc().created('mypass-1', TICKET, at(3));
      assert.deepEqual(await esc().openWithUnsentComments(10), ['mypass-1']);
      const unsent = await esc().unsentComments('mypass-1');
      assert.deepEqual(unsent.map((c) => [c.ref, c.text]), [['mypass-1', 'first'], ['mypass-1', 'second']]);
      await esc().commentSent(unsent[0]!.id, at(4));
      assert.deepEqual((await esc().unsentComments('mypass-1')).map((c) => c.text), ['second']);
      assert.deepEqual(await esc().openWithUnsentComments(10), ['mypass-1']);
      await esc().commentSent(unsent[1]!.id, at(4));
      assert.deepEqual(await esc().unsentComments('mypass-1'), []);
      assert.deepEqual(await esc().openWithUnsentComments(10), []);
      assert.deepEqual((await esc().unsentComments('mypass-2')).map((c) => c.text), ['on a pending ticket']);
      await esc().created('mypass-2', { ...TICKET, id: '43' }, at(5));
      await esc().setState('mypass-2', 'closed', at(6));
      assert.deepEqual(await esc().openWithUnsentComments(10), [], 'a closed ticket gets no more posts');
    });

    it('recognises a reason carried by the ticket or one of its comments since a time', async () => {
      await esc().insert(draft('mypass-1', { reasonKey: 'locked-out' }));
      await esc().addComment('mypass-1', 'again', at(10), 'suspicious-calls');
      await esc().addComment('mypass-1', 'a follow-up without a reason', at(11));
      assert.equal(await esc().hasReason('mypass-1', 'locked-out', at(0)), true);
      assert.equal(await esc().hasReason('mypass-1', 'locked-out', at(1)), false, 'too long ago');
      assert.equal(await esc().hasReason('mypass-1', 'suspicious-calls', at(10)), true);
      assert.equal(await esc().hasReason('mypass-1', 'suspicious-calls', at(10.01)), false);
      assert.equal(await esc().hasReason('mypass-1', 'something-else', at(0)), false);
      assert.equal(await esc().hasReason('mypass-other', 'locked-out', at(0)), false, 'another ticket');
    });
  });
}
