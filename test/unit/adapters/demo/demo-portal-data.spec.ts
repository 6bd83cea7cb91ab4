// The demo portal data `npm start` seeds on the demo directory's first start: every card has content.
import assert from 'node:assert/strict';
import { DEMO_LOCKED_PORTAL_USER, DEMO_LOGINS, DEMO_VISHING_USER, seedDemoPortalData } from '../../../../src/adapters/demo/demo-portal-data';
import { ctxFor, demoFixture, expectKind } from '../../../helpers/service-fixture';

describe('demo portal data', () => {
  it('weeks of events per demo user, sync failures, enrollments, one locked portal account, one vishing-like user', async () => {
    const f = demoFixture();
    const { events } = await seedDemoPortalData(f.store, f.cipher, f.clock.now());
    assert.ok(events > 300, String(events));
    const now = f.clock.now().getTime();
    for (const user of DEMO_LOGINS) {
      const list = await f.store.portalEvents.list({ user, limit: 1000 });
      const oldest = list[list.length - 1];
      assert.ok(oldest && now - oldest.at.getTime() > 21 * 24 * 3_600_000, `${user} has weeks of history`);
    }
    const agent = ctxFor('demo.agent');
    const vishing = expectKind(await f.service.command(agent, { name: 'user', query: DEMO_VISHING_USER }), 'user-details');
    assert.deepEqual(vishing.indicators?.map((i) => i.rule), ['failed-answers', 'pin-failures', 'new-origin', 'new-origin', 'enrollment-changed', 'locks-from-ip']);
    const quiet = expectKind(await f.service.command(agent, { name: 'user', query: 'john.doe' }), 'user-details');
    assert.deepEqual(quiet.indicators, []);
    assert.equal(quiet.portal?.enrolled, true);
    const locked = expectKind(await f.service.command(agent, { name: 'user', query: DEMO_LOCKED_PORTAL_USER }), 'user-details');
    assert.equal(locked.portal?.locked, true);
    assert.equal(locked.portal?.failedAttempts, 5);
    assert.ok(locked.actions.some((a) => a.verb === 'portal.unlock'));
    const sync = expectKind(await f.service.command(agent, { name: 'sync', user: DEMO_VISHING_USER, failedOnly: true }), 'sync-transactions');
    assert.ok(sync.transactions.length >= 1);
    const audit = expectKind(await f.service.command(agent, { name: 'audit', user: 'john.doe' }), 'audit-events');
    assert.equal(audit.events.length, 10);
    assert.equal(audit.actions.length, 1);
    const enrollment = expectKind(await f.service.command(ctxFor('demo.super'), { name: 'enrollment', user: 'john.doe' }), 'enrollment');
    assert.equal(enrollment.questions.length, 3);
    for (const q of enrollment.questions) assert.match(q.maskedAnswer, /^\S•+\S$/);
  });
});
