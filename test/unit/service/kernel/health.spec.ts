// Readiness names the part that is down even when that part hangs rather than fails: a MongoDB gone away
// waits out the driver's 5 s server selection, longer than /readyz waits for the whole report.
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import type { Store } from '../../../../src/ports/store.port';
import { demoFixture } from '../../../helpers/service-fixture';

describe('Readiness of the service (health)', () => {
  it('reports a store whose ping does not answer as down, in less than /readyz\'s 3 s, with the directory ok', async () => {
    const real = openSqliteStore({ path: ':memory:', auditKey: Buffer.alloc(32, 7) });
    const hanging: Store = Object.assign(Object.create(real) as Store, { ping: () => new Promise<void>(() => undefined) });
    const { service } = demoFixture({ store: hanging });
    try {
      const t0 = performance.now();
      const report = await service.health();
      const ms = performance.now() - t0;
      assert.equal(report.store, 'down');
      assert.equal(report.directory, 'ok');
      assert.ok(ms < 3000, `health took ${Math.round(ms)} ms`);
    } finally {
      await real.close();
    }
  });
});
