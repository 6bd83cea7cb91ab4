// The portal lock over HTTP, as an attacker races it: twenty wrong PINs posted at once from twenty sessions
// (alternating the login and its UPN) get exactly PORTAL_LOCK_AFTER (5) answers judged, and one portal-lock
// event; the rest are refused as locked before any PIN is looked at. The helpdesk's unlock-portal clears it.
import assert from 'node:assert/strict';
import { DEFAULT_PORTAL_QUESTIONS } from '../../../src/config/load-config';
import { CALLER_CODE_POLICY } from '../../../src/domain/one-time-code';
import { createHttpServer, type HttpServer } from '../../../src/http/server';
import { portalMount } from '../../../src/portal/portal-routes';
import { silentLogger } from '../../../src/ports/logger.port';
import { OneTimeCodes } from '../../../src/service/kernel/one-time-codes';
import { SelfService } from '../../../src/service/self-service/self-service';
import { DEMO_SETTINGS, demoFixture, type Fixture } from '../../helpers/service-fixture';

const USER = 'john.doe';

/** A browser's session on the portal: its cookies, and the CSRF token of the last page it got. */
class Visitor {
  private readonly jar = new Map<string, string>();
  private csrf = '';
  constructor(private readonly base: string) {}

  async go(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; body: string }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams({ csrf: this.csrf, ...form }).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) this.jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const body = await res.text();
    this.csrf = /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? this.csrf;
    return { status: res.status, location: res.headers.get('location'), body };
  }
}

describe('Portal lock over HTTP (20 concurrent wrong answers)', () => {
  let f: Fixture;
  let http: HttpServer;
  let base: string;
  before(async () => {
    f = demoFixture();
    const selfService = new SelfService({
      directory: f.directory, store: f.store, clock: f.clock, logger: silentLogger, cipher: f.cipher, pins: f.service.pins,
      codes: new OneTimeCodes(f.store.portalCodes, f.clock, Buffer.alloc(32, 3), CALLER_CODE_POLICY, 'codes'), orgName: 'Demo Corp',
      protection: DEMO_SETTINGS.protection, decoyKey: Buffer.alloc(32, 4), loginSuffixes: ['demo.example'],
      settings: { lockAfter: 5, questionsAsked: 3, questions: DEFAULT_PORTAL_QUESTIONS, minQuestions: 3, minAnswerLength: 3, loginAttemptsPerMinute: 1000 },
    });
    http = createHttpServer({
      logger: silentLogger, health: async () => ({ ready: true, checks: {} }) as never,
      mounts: [portalMount({ selfService, sessions: f.store.portalSessions, clock: f.clock, logger: silentLogger, orgName: 'Demo Corp', production: false, sessionIdleMs: 10 * 60_000, sessionMaxMs: 30 * 60_000, ratePerMinute: 1000, pageRatePerMinute: 1000, csrfKey: Buffer.alloc(32, 5) })],
    });
    base = `http://localhost:${await http.listen(0, '127.0.0.1')}`;
  });
  after(() => http?.close());

  /** A visitor on the PIN page for this login. */
  async function atPinPage(login: string): Promise<Visitor> {
    const v = new Visitor(base);
    await v.go('GET', '/portal/');
    assert.equal((await v.go('POST', '/portal/sign-in', { login, method: 'pin' })).status, 303);
    assert.equal((await v.go('GET', '/portal/challenge')).status, 200);
    return v;
  }

  it('judges exactly 5, writes one portal-lock event, and answers the rest "locked"; unlock-portal clears it', async () => {
    await f.service.pins.issue(USER, 'demo.agent'); // a live PIN: each judged wrong PIN counts on it too
    const visitors = await Promise.all(Array.from({ length: 20 }, (_, i) => atPinPage(i % 2 === 0 ? USER : `${USER}@demo.example`)));
    const answers = await Promise.all(visitors.map((v, i) => v.go('POST', '/portal/challenge', { pin: String(10_000_000 + i) })));

    const events = await f.store.portalEvents.list({ user: USER, limit: 100 });
    const judged = events.filter((e) => e.type === 'challenge' && e.outcome === 'failure');
    assert.equal(judged.length, 5, 'evaluated failures');
    assert.equal(events.filter((e) => e.type === 'portal-lock').length, 1, 'one portal-lock event');
    assert.equal(answers.filter((a) => a.status === 303 && a.location === '/portal/challenge').length, 4, '"did not match" four times');
    assert.equal(answers.filter((a) => a.status === 403 && /locked/i.test(a.body)).length, 16, 'the fifth failure and every later answer: locked');
    assert.equal(events.filter((e) => e.type === 'sign-in' && /locked/.test(e.detail ?? '')).length, 15, 'refused before judging');
    const account = await f.store.portalAccounts.get(USER);
    assert.deepEqual([account?.locked, account?.failedAttempts], [true, 5]);
    assert.equal(await f.store.pins.check(USER, 'f'.repeat(64), f.clock.now(), 100), 'invalid');

    assert.equal((await f.store.portalAccounts.unlock(USER, f.clock.now()))?.wasLocked, true);
    const after = await (await atPinPage(USER)).go('POST', '/portal/challenge', { pin: '99999999' });
    assert.deepEqual([after.status, after.location], [303, '/portal/challenge'], 'judged again after the unlock');
  });
});
