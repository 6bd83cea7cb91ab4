// The portal API over real HTTP on the restify server (demo directory, a temporary SQLite store): the
// bearer token, strict validation, idempotent retries, unknown users flagged, bounded JSON bodies, rate
// limits, and the account and enrollment calls. What was stored is read back from the store itself; what
// the vishing indicators make of it is read from the details view an agent gets.
import assert from 'node:assert/strict';
import type { IndicatorView } from '../../src/service/kernel/views';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { PORTAL_TOKEN, portalCall, portalEvent } from '../helpers/portal-api-client';
import { ctxFor, expectKind } from '../helpers/service-fixture';

describe('Portal API over HTTP', function () {
  this.timeout(30_000);
  let h: BotHarness;

  before(async () => {
    h = await startBotHarness({ directory: 'demo', portalApiToken: PORTAL_TOKEN });
  });
  after(async () => {
    await h?.close();
  });

  const events = (user = 'john.doe') => h.store.portalEvents.list({ user, limit: 1000 });

  it('no token, a wrong token or another scheme → 401, and nothing is stored', async () => {
    const body = { events: [portalEvent({ user: 'jane.smith' })] };
    for (const token of [null, 'wrong-token-wrong-token-wrong', `${PORTAL_TOKEN}x`, '']) {
      const res = await portalCall(h.url, 'POST', '/api/portal/events', body, { token });
      assert.equal(res.status, 401, String(token));
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    }
    const basic = await fetch(`${h.url}/api/portal/events`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`x:${PORTAL_TOKEN}`).toString('base64')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(basic.status, 401);
    assert.equal((await portalCall(h.url, 'GET', '/api/portal/accounts/jane.smith', undefined, { token: null })).status, 401);
    assert.deepEqual(await events('jane.smith'), []);
  });

  it('a batch with one bad event → 400 naming the event index and field; nothing of the batch is stored', async () => {
    const batch = { events: [portalEvent({ id: 'bad-1' }), portalEvent({ id: 'bad-2' }), portalEvent({ id: 'bad-3', outcome: 'maybe' })] };
    const res = await portalCall(h.url, 'POST', '/api/portal/events', batch);
    assert.equal(res.status, 400);
    const error = (res.body as { error: { index: number; field: string; message: string } }).error;
    assert.equal(error.index, 2);
    assert.equal(error.field, 'outcome');
    assert.match(error.message, /^events\[2\]\.outcome /);
    for (const [bad, field] of [
      [{ at: 'yesterday' }, 'at'],
      [{ ip: '999.1.1.1' }, 'ip'],
      [{ extra: 1 }, 'extra'],
      [{ category: 'sync', status: 'failed' }, 'system'],
      [{ user: '' }, 'user'],
    ] as const) {
      const r = await portalCall(h.url, 'POST', '/api/portal/events', { events: [portalEvent(), portalEvent(bad)] });
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.deepEqual([(r.body as { error: { index: number } }).error.index, (r.body as { error: { field: string } }).error.field], [1, field]);
    }
    assert.deepEqual(await events(), []);
  });

  it('a retried batch with event ids stores each event once', async () => {
    const batch = { events: [portalEvent({ id: 'evt-a', type: 'challenge', outcome: 'failure', detail: 'questions' }), portalEvent({ id: 'evt-b' })] };
    const first = await portalCall(h.url, 'POST', '/api/portal/events', batch);
    assert.equal(first.status, 202);
    assert.deepEqual(first.body, { accepted: 2, duplicates: 0, unknownUsers: 0 });
    const retry = await portalCall(h.url, 'POST', '/api/portal/events', batch);
    assert.equal(retry.status, 202);
    assert.deepEqual(retry.body, { accepted: 0, duplicates: 2, unknownUsers: 0 });
    const stored = await events();
    assert.deepEqual(stored.map((e) => e.eventId).sort(), ['evt-a', 'evt-b']);
    assert.equal(stored.find((e) => e.eventId === 'evt-a')?.detail, 'questions');
  });

  it('events are filed under the sAMAccountName whatever login the portal used; unknown users are accepted but flagged', async () => {
    const res = await portalCall(h.url, 'POST', '/api/portal/events', {
      events: [portalEvent({ user: 'Maria.Finance' }), portalEvent({ user: 'nobody.here@demo.example' })],
    });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body, { accepted: 2, duplicates: 0, unknownUsers: 1 });
    assert.equal((await events('maria.finance'))[0]?.unknownUser, false);
    assert.equal((await events('nobody.here@demo.example'))[0]?.unknownUser, true);
  });

  it('JSON only (415), bounded bodies (413), broken JSON (400): nothing stored', async () => {
    const form = await portalCall(h.url, 'POST', '/api/portal/events', undefined, { contentType: 'application/x-www-form-urlencoded', raw: 'events=1' });
    assert.equal(form.status, 415);
    const multipart = await portalCall(h.url, 'POST', '/api/portal/events', undefined, {
      contentType: 'multipart/form-data; boundary=x',
      raw: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--x--\r\n',
    });
    assert.equal(multipart.status, 415);
    const huge = JSON.stringify({ events: [portalEvent({ detail: 'x'.repeat(300_000) })] });
    assert.equal((await portalCall(h.url, 'POST', '/api/portal/events', undefined, { raw: huge })).status, 413);
    assert.equal((await portalCall(h.url, 'POST', '/api/portal/events', undefined, { raw: '{"events": [' })).status, 400);
    assert.deepEqual(await events('jane.smith'), []);
  });

  it('PUT and GET a portal account; PUT an enrollment marks it enrolled with questions', async () => {
    const put = await portalCall(h.url, 'PUT', '/api/portal/accounts/zoe.muller@demo.example', {
      enrolled: true, methods: ['mobile'], locked: true, lockedAt: '2025-01-01T10:00:00Z', failedAttempts: 5,
    });
    assert.equal(put.status, 200);
    const enrol = await portalCall(h.url, 'PUT', '/api/portal/accounts/zoe.muller/enrollment', {
      questions: [{ question: 'First pet?', answer: 'Biscuit' }, { question: 'Birth town?', answer: 'Lyon' }],
    });
    assert.equal(enrol.status, 204);
    const got = await portalCall(h.url, 'GET', '/api/portal/accounts/ZOE.MULLER');
    assert.equal(got.status, 200);
    const state = got.body as Record<string, unknown>;
    assert.equal(state.user, 'zoe.muller');
    assert.equal(state.locked, true);
    assert.equal(state.lockedAt, '2025-01-01T10:00:00.000Z');
    assert.equal(state.failedAttempts, 5);
    assert.deepEqual(state.methods, ['mobile', 'questions']);
    assert.ok(!JSON.stringify(state).includes('Biscuit'), 'the account state never carries an answer');
    assert.equal((await portalCall(h.url, 'GET', '/api/portal/accounts/no.such.person')).status, 404);
    const bad = await portalCall(h.url, 'PUT', '/api/portal/accounts/zoe.muller/enrollment', { questions: [{ question: 'Q?', answer: '' }] });
    assert.equal(bad.status, 400);
    assert.equal((bad.body as { error: { field: string } }).error.field, 'questions[0].answer');
  });

  it('POST /pins/verify: a wrong PIN answers "invalid" whatever the PIN’s state; only the right one learns it is used', async () => {
    const { code } = await h.service.pins.issue('jane.smith', 'agent.smith');
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const verify = async (pin: string) => (await portalCall(h.url, 'POST', '/api/portal/pins/verify', { user: 'jane.smith', pin })).body;
    assert.deepEqual(await verify(wrong), { valid: false, reason: 'invalid' });
    assert.deepEqual(await verify(code), { valid: true });
    assert.deepEqual(await verify(wrong), { valid: false, reason: 'invalid' }, 'a used PIN is not told to a wrong one');
    assert.deepEqual(await verify(code), { valid: false, reason: 'used' });
  });

  it('rate limited per client address: over the rate → 429 with Retry-After', async () => {
    const limited = await startBotHarness({ directory: 'demo', portalApiToken: PORTAL_TOKEN, portalApiRatePerMinute: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await portalCall(limited.url, 'GET', '/api/portal/accounts/john.doe', undefined, { token: i % 2 ? null : PORTAL_TOKEN })).status);
      assert.deepEqual(statuses.slice(0, 5), [200, 401, 200, 401, 200]);
      assert.deepEqual(statuses.slice(5), [429, 429]);
      const again = await portalCall(limited.url, 'GET', '/api/portal/accounts/john.doe');
      assert.equal(again.status, 429);
      assert.ok(Number(again.headers.get('retry-after')) >= 1);
    } finally {
      await limited.close();
    }
  });

  describe('what the vishing indicators make of posted events', () => {
    const ATTACKER = '203.0.113.66';
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const post = async (events: Record<string, unknown>[]) => {
      const res = await portalCall(h.url, 'POST', '/api/portal/events', { events });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      return res.body as { accepted: number; overLimit?: number };
    };
    const indicators = async (user: string): Promise<IndicatorView[]> =>
      [...(expectKind(await h.service.command(ctxFor('demo.agent'), { name: 'user', query: user }), 'user-details').indicators ?? [])];
    const failedAnswers = (user: string) => [9, 6, 3].map((m) =>
      portalEvent({ user, type: 'challenge', outcome: 'failure', detail: 'questions', ip: ATTACKER, at: minutesAgo(m) }));

    it('500 made-up page views after three failed answers do not remove the indicator', async () => {
      await post(failedAnswers('conor.obrien'));
      assert.deepEqual((await indicators('conor.obrien')).map((i) => i.rule), ['failed-answers']);
      const views = Array.from({ length: 500 }, (_, i) => portalEvent({ user: 'conor.obrien', type: 'page-view', at: minutesAgo(i % 50) }));
      await post(views);
      const after = await indicators('conor.obrien');
      assert.match(after[0]?.text ?? '', new RegExp(`^3 failed answers between \\d\\d:\\d\\d and \\d\\d:\\d\\d UTC from ${ATTACKER.replace(/\./g, '\\.')}$`));
    });

    it('a flood of events for one user is bounded (200 an hour by default) and shown as an indicator', async () => {
      const flood = (n: number) => Array.from({ length: n }, () => portalEvent({ user: 'James.Smithers', type: 'page-view' }));
      assert.deepEqual(await post(flood(500)), { accepted: 200, duplicates: 0, unknownUsers: 0, overLimit: 300 });
      assert.deepEqual(await post(flood(10)), { accepted: 0, duplicates: 0, unknownUsers: 0, overLimit: 10 });
      assert.equal((await h.store.portalEvents.list({ user: 'james.smithers', limit: 1000 })).length, 200);
      const found = await indicators('james.smithers');
      assert.deepEqual(found.map((i) => i.text), ['200 portal events for this user arrived in the last hour, far above normal (60 or more is unusual)']);
      assert.equal((await post([portalEvent({ user: 'zoe.muller' })])).accepted, 1, 'another user is not affected');
    });

    it('a back-dated successful or failed event from the address does not make a reset from it "seen before"', async () => {
      await post([
        portalEvent({ user: 'old.contractor', type: 'sign-in', outcome: 'success', ip: ATTACKER, userAgent: 'Edge/124', at: new Date(Date.now() - 2 * 86_400_000).toISOString() }),
        portalEvent({ user: 'old.contractor', type: 'sign-in', outcome: 'failure', ip: ATTACKER, userAgent: 'Edge/124', at: minutesAgo(3 * 60) }),
      ]);
      const stored = await h.store.portalEvents.list({ user: 'old.contractor', limit: 10 });
      assert.deepEqual(stored.map((e) => e.skewed ?? false), [true, true], 'both are marked: their time lies hours before their arrival');
      await post([portalEvent({ user: 'old.contractor', type: 'password-reset', outcome: 'success', ip: ATTACKER, userAgent: 'Edge/124', at: minutesAgo(1) })]);
      assert.deepEqual((await indicators('old.contractor')).map((i) => i.text.replace(/\d\d:\d\d/, 'hh:mm')), [
        `Password reset at hh:mm UTC from an address not seen for this user in the previous 90 days: ${ATTACKER}`,
      ]);
    });
  });

  it('without PORTAL_API_TOKEN the API is not served at all (404)', async () => {
    const off = await startBotHarness({ directory: 'demo' });
    try {
      assert.equal((await portalCall(off.url, 'POST', '/api/portal/events', { events: [portalEvent()] })).status, 404);
      assert.equal((await portalCall(off.url, 'GET', '/api/portal/accounts/john.doe')).status, 404);
      assert.deepEqual(await off.store.portalEvents.list({ user: 'john.doe', limit: 10 }), []);
    } finally {
      await off.close();
    }
  });
});
