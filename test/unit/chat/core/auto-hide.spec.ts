import assert from 'node:assert/strict';
import { AutoHide } from '../../../../src/chat/core/auto-hide';
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
});
