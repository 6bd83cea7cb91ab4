import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import { silentLogger } from '../../../../src/ports/logger.port';
import type { AlertView } from '../../../../src/service/kernel/views';
import { AlertDispatcher, lockoutStorm } from '../../../../src/service/desk/alerts';
import { TestClock } from '../../../helpers/service-fixture';

describe('alerts to the supervisors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const locked = (n: number, now: Date) => Array.from({ length: n }, (_, i) => ({ login: `user${i}`, at: new Date(now.getTime() - i * 60_000), where: 'AD' as const }));

  it('a storm of 5 lockouts in 10 minutes, seen by two replicas on one store, is posted once', async () => {
    const clock = new TestClock();
    const path = join(dir, 'helpdesk.db');
    const stores = [openSqliteStore({ path, auditKey: Buffer.alloc(32, 1), clock }), openSqliteStore({ path, auditKey: Buffer.alloc(32, 1), clock })];
    const posted: AlertView[] = [];
    const sink = { name: 'test', post: async (v: AlertView) => { posted.push(v); } };
    const replicas = stores.map((s) => new AlertDispatcher(s.alertClaims, [sink], clock, silentLogger));
    const storm = lockoutStorm(locked(5, clock.now()), clock.now());
    assert.ok(storm);
    const sent = await Promise.all(replicas.map((r) => r.raise(storm)));
    assert.deepEqual(sent.filter(Boolean).length, 1);
    assert.equal(posted.length, 1);
    assert.match(posted[0]?.text ?? '', /^Lockout storm: 5 accounts locked out in the last 10 minutes \(5 in Active Directory, 0 on the portal\)/);
    assert.equal(posted[0]?.title, 'Lockout storm');
    // Show and Unlock for each locked user.
    assert.deepEqual(posted[0]?.actions.map((a) => `${a.verb} ${a.data.user}`), ['user0', 'user1', 'user2', 'user3', 'user4'].flatMap((u) => [`user.show ${u}`, `account.unlock ${u}`]));

    // The same storm later in its window is not sent again; in the next window it is.
    clock.advance(60_000);
    assert.equal(await replicas[1]?.raise(storm), false);
    clock.advance(10 * 60_000);
    assert.equal(await replicas[0]?.raise(storm), true);
    assert.equal(posted.length, 2);
    for (const s of stores) await s.close();
  });

  it('4 lockouts, or 5 spread over more than the window, are no storm', () => {
    const now = new Date('2026-12-06T09:00:00Z');
    assert.equal(lockoutStorm(locked(4, now), now), undefined);
    assert.equal(lockoutStorm(locked(5, now).map((l, i) => ({ ...l, at: new Date(now.getTime() - i * 3 * 60_000) })), now), undefined);
  });
});
