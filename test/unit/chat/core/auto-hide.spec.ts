import assert from 'node:assert/strict';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import { AutoHide, type PendingHide } from '../../../../src/chat/core/auto-hide';
import { silentLogger } from '../../../../src/ports/logger.port';
import type { View } from '../../../../src/service/kernel/views';

const HIDDEN: View = { kind: 'result', outcome: 'success', title: 'Password hidden', message: 'hidden', actions: [] };

function recorder() {
  const replaced: string[] = [];
  const pending = (ref: string) => ({ press: async () => HIDDEN, replace: async () => void replaced.push(ref) });
  return { replaced, pending };
}

describe('AutoHide (pending hides of shown secrets)', () => {
  it('replaces after the delay; a taken (manually hidden) one never fires', async () => {
    const auto = new AutoHide(silentLogger);
    const r = recorder();
    auto.schedule('a', 20, r.pending('a'));
    auto.schedule('b', 20, r.pending('b'));
    assert.ok(auto.take('b'));
    await new Promise((resolve) => setTimeout(resolve, 80));
    await auto.idle();
    assert.deepEqual(r.replaced, ['a']);
    assert.equal(auto.size, 0);
  });

  it('is bounded: past the limit the oldest is hidden early, not dropped', async () => {
    const auto = new AutoHide(silentLogger, 2);
    const r = recorder();
    for (const ref of ['a', 'b', 'c']) auto.schedule(ref, 60_000, r.pending(ref));
    await auto.idle();
    assert.deepEqual(r.replaced, ['a']);
    assert.equal(auto.size, 2);
    auto.close();
    assert.equal(auto.size, 0, 'shutdown clears every timer');
  });

  it('with a store, each surface\'s poll lists only its own hides; one stored by the release before (one group for all) is still done, once', async () => {
    const store = openSqliteStore({ path: ':memory:', auditKey: Buffer.alloc(32, 7) });
    const clock = { now: () => new Date() };
    const r = recorder();
    const revived: string[] = [];
    const surface = (name: string) => new AutoHide(silentLogger, undefined, {
      work: store.pendingWork, clock, surface: name, graceMs: 0,
      revive: (ref: string, address: unknown): PendingHide | undefined => {
        revived.push(`${name} ${ref}`);
        return (address as { on: string }).on === name ? r.pending(ref) : undefined;
      },
    });
    const teams = surface('teams');
    const slack = surface('slack');
    const shownBy = surface('slack');
    shownBy.schedule('new', 0, r.pending('unused'), { on: 'slack' });
    await shownBy.idle();
    shownBy.close(); // gone before its timer fired: the hide is left in the store
    const past = new Date(Date.now() - 1_000);
    await store.pendingWork.add({ key: 'hide:old', group: 'hide:old', dueAt: past, payload: JSON.stringify({ on: 'teams' }), expiresAt: new Date(Date.now() + 60_000) }, past);

    await teams.pollOnce();
    await slack.pollOnce();
    await teams.pollOnce();
    assert.deepEqual(r.replaced.sort(), ['new', 'old']);
    assert.ok(!revived.includes('teams new'), 'Teams never looked at Slack\'s hide');
    assert.deepEqual(await store.pendingWork.due(new Date(Date.now() + 60_000), new Date(), 10), [], 'nothing left to do');
    await store.close();
  });
});
