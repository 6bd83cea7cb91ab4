// Vishing indicators, one test per rule: each fires on its seeded pattern (and says what it saw) and not
// on a quiet user with weeks of ordinary history. Through the service, on the details and audit views.
import assert from 'node:assert/strict';
import type { PortalEventInput } from '../../../../src/domain/portal';
import { VERBS } from '../../../../src/domain/verbs';
import type { IndicatorView } from '../../../../src/service/kernel/views';
import { ctxFor, demoFixture, expectKind, type Fixture } from '../../../helpers/service-fixture';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const HOME = '198.51.100.20';
const ATTACKER = '203.0.113.7';

describe('vishing indicators', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = demoFixture();
    // Weeks of ordinary history for john.doe: a sign-in every morning from home, one reset long ago.
    const quiet: Partial<PortalEventInput>[] = [];
    for (let d = 2; d < 40; d++) quiet.push({ type: 'sign-in', at: ago(d * DAY) });
    quiet.push({ type: 'password-reset', at: ago(30 * DAY) }, { type: 'challenge', outcome: 'failure', detail: 'questions', at: ago(10 * DAY) });
    await seed('john.doe', quiet);
  });

  function ago(ms: number): Date {
    return new Date(f.clock.now().getTime() - ms);
  }

  async function seed(user: string, events: readonly Partial<PortalEventInput>[]): Promise<void> {
    await f.store.portalEvents.append(events.map((e) => ({
      user, type: 'sign-in', outcome: 'success', at: ago(0), ip: HOME, userAgent: 'Edge/124', category: 'self-service', unknownUser: false, ...e,
    })));
  }

  async function indicators(user: string): Promise<IndicatorView[]> {
    const details = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'user', query: user }), 'user-details');
    const audit = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'audit', user }), 'audit-events');
    assert.deepEqual(audit.indicators, details.indicators, 'the audit card shows the same indicators');
    return [...(details.indicators ?? [])];
  }

  const rules = (list: readonly IndicatorView[]) => list.map((i) => i.rule);

  it('a quiet user with weeks of history shows none', async () => {
    assert.deepEqual(await indicators('john.doe'), []);
    assert.deepEqual(await indicators('jane.smith'), [], 'nor a user with no history at all');
  });

  it('failed-answers: several failed challenge answers in the last hour, with when and from where', async () => {
    await seed('john.doe', [8, 5, 2].map((m) => ({ type: 'challenge', outcome: 'failure', detail: 'questions', ip: ATTACKER, at: ago(m * MIN) })));
    const [hit] = await indicators('john.doe');
    assert.deepEqual(hit, { rule: 'failed-answers', text: `3 failed answers between 08:52 and 08:58 UTC from ${ATTACKER}` });
  });

  it('failed-answers: two failures, or three spread over more than an hour, do not fire', async () => {
    await seed('john.doe', [{ type: 'challenge', outcome: 'failure', at: ago(5 * MIN) }, { type: 'challenge', outcome: 'failure', at: ago(4 * MIN) }, { type: 'challenge', outcome: 'failure', at: ago(90 * MIN) }]);
    assert.deepEqual(rules(await indicators('john.doe')), []);
  });

  it('pin-failures: failed PIN verifications', async () => {
    await seed('john.doe', [
      { type: 'pin-verify', outcome: 'failure', ip: ATTACKER, at: ago(3 * 60 * MIN) },
      { type: 'challenge', outcome: 'failure', detail: 'pin (invalid)', ip: ATTACKER, at: ago(2 * 60 * MIN) }, // as the portal writes it
    ]);
    assert.deepEqual(await indicators('john.doe'), [
      { rule: 'pin-failures', text: `2 failed PIN verifications between 06:00 and 07:00 UTC from ${ATTACKER}` },
    ]);
  });

  it('new-origin: a password reset from an address never seen for this user in 90 days', async () => {
    await seed('john.doe', [
      { type: 'challenge', outcome: 'success', ip: ATTACKER, at: ago(21 * MIN) }, // its own session does not make the address "seen"
      { type: 'password-reset', ip: ATTACKER, at: ago(20 * MIN) },
    ]);
    assert.deepEqual(await indicators('john.doe'), [
      { rule: 'new-origin', text: `Password reset at 08:40 UTC from an address not seen for this user in the previous 90 days: ${ATTACKER}` },
    ]);
  });

  it('new-origin: from the usual address but a new client; and not for a reset from home', async () => {
    await seed('john.doe', [{ type: 'password-reset', userAgent: 'curl/8.5', at: ago(20 * MIN) }]);
    assert.deepEqual(rules(await indicators('john.doe')), ['new-origin']);
    assert.match((await indicators('john.doe'))[0]?.text ?? '', /from a client not seen .*: curl\/8\.5$/);
    f = demoFixture();
    await seed('jane.smith', [{ type: 'sign-in', at: ago(10 * DAY) }, { type: 'password-reset', at: ago(20 * MIN) }]);
    assert.deepEqual(await indicators('jane.smith'), []);
  });

  it('enrollment-changed: mobile or questions changed in the last 24 hours (from the usual address)', async () => {
    await seed('john.doe', [{ type: 'enrollment-change', detail: 'mobile', at: ago(5 * 60 * MIN) }]);
    assert.deepEqual(await indicators('john.doe'), [
      { rule: 'enrollment-changed', text: 'Enrollment changed (mobile) at 04:00 UTC, less than 24 hours ago' },
    ]);
    await seed('jane.smith', [{ type: 'enrollment-change', detail: 'questions', at: ago(25 * 60 * MIN) }]);
    assert.deepEqual(await indicators('jane.smith'), [], 'more than 24 hours ago');
  });

  it("the helpdesk's own work is no indicator: an AD unlock and a portal unlock through the bot leave the card quiet", async () => {
    assert.deepEqual(await indicators('demo.locked'), []);
    for (const name of ['unlock', 'unlock-portal'] as const) {
      const confirm = await f.service.command(ctxFor('demo.agent'), { name, user: 'demo.locked' });
      if (confirm.kind !== 'confirm') continue;
      const token = confirm.actions[0]?.data.token ?? '';
      expectKind(await f.service.press(ctxFor('demo.agent'), { verb: VERBS.confirmAccept, data: { token } }), 'result');
    }
    await seed('demo.locked', [{ type: 'helpdesk-verify', detail: 'caller verified by code (agent demo.agent)' }, { type: 'helpdesk-pin-issued' }]);
    assert.deepEqual(await indicators('demo.locked'), []);
  });

  it('failed-answers: 500 page views, 50 SMS code requests and a flood of other events do not push three failed answers out', async () => {
    await seed('john.doe', [8, 5, 2].map((m) => ({ type: 'challenge', outcome: 'failure', detail: 'questions', ip: ATTACKER, at: ago(m * MIN) })));
    const noise: Partial<PortalEventInput>[] = [];
    for (let i = 0; i < 500; i++) noise.push({ type: 'page-view', at: ago(i * 100) });
    for (let i = 0; i < 50; i++) noise.push({ type: 'code-sent', outcome: 'failure', detail: 'sms: not sent', ip: `198.51.100.${i}`, at: ago(i * 1000) });
    await seed('john.doe', noise);
    const found = await indicators('john.doe');
    assert.deepEqual(rules(found), ['failed-answers', 'event-flood']);
    assert.match(found[1]?.text ?? '', /^553 portal events for this user arrived in the last hour, far above normal \(60 or more is unusual\)$/);
  });

  it('new-origin: a back-dated success from the address, or one that arrived in the reset\'s own hour, does not make it "seen"', async () => {
    await seed('john.doe', [
      // Posted just now, dated two days back (the portal API marks it skewed); and one posted late, 30 minutes ago.
      { type: 'sign-in', ip: ATTACKER, at: ago(2 * DAY), arrivedAt: ago(0), skewed: true },
      { type: 'sign-in', ip: ATTACKER, at: ago(3 * 60 * MIN), arrivedAt: ago(30 * MIN) },
      { type: 'sign-in', outcome: 'failure', ip: ATTACKER, at: ago(5 * 60 * MIN) }, // a failure is no proof
      { type: 'password-reset', ip: ATTACKER, at: ago(20 * MIN) },
    ]);
    assert.deepEqual(rules(await indicators('john.doe')), ['new-origin']);
  });

  it('locks-from-ip: several users’ portal accounts locked from one address', async () => {
    for (const user of ['jane.smith', 'maria.finance', 'zoe.muller']) await seed(user, [{ type: 'portal-lock', outcome: 'success', ip: ATTACKER, at: ago(30 * MIN) }]);
    await seed('john.doe', [{ type: 'sign-in', outcome: 'failure', ip: ATTACKER, at: ago(10 * MIN) }]);
    assert.deepEqual(await indicators('john.doe'), [
      { rule: 'locks-from-ip', text: `3 users' portal accounts locked from ${ATTACKER} in the last 24 hours` },
    ]);
    assert.deepEqual(await indicators('conor.obrien'), [], 'a user who never came from that address');
  });
});
