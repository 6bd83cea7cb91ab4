// Portal sessions as the pages keep them in the store (issue 16, item 6): an anonymous page view stores
// nothing (its form carries a signed double-submit CSRF token instead), a session is made only when a
// sign-in needs state, a post without a good token is refused and stores nothing, idle sessions are
// refused and purged, every route is rate limited per address, and the per-login rate holds across
// spellings and across two portal instances on one store (item 2).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store';
import { DEFAULT_PORTAL_QUESTIONS } from '../../../src/config/load-config';
import { CALLER_CODE_POLICY } from '../../../src/domain/one-time-code';
import { createHttpServer, type HttpServer } from '../../../src/http/server';
import { portalMount } from '../../../src/portal/portal-routes';
import { silentLogger } from '../../../src/ports/logger.port';
import type { Store } from '../../../src/ports/store.port';
import { OneTimeCodes } from '../../../src/service/kernel/one-time-codes';
import { SelfService } from '../../../src/service/self-service/self-service';
import { DEMO_SETTINGS, demoFixture, type Fixture } from '../../helpers/service-fixture';

const CSRF_KEY = Buffer.alloc(32, 5);

/** One browser: its cookies, and the CSRF token of the last form it was shown. */
class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly base: string) {}

  async get(route: string): Promise<Response> {
    return this.keep(await fetch(`${this.base}${route}`, { headers: this.headers(), redirect: 'manual' }));
  }

  async post(route: string, form: Record<string, string>): Promise<Response> {
    const body = new URLSearchParams({ csrf: this.csrf, ...form }).toString();
    return this.keep(await fetch(`${this.base}${route}`, {
      method: 'POST', body, redirect: 'manual', headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
    }));
  }

  private headers(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  private async keep(res: Response): Promise<Response> {
    for (const set of res.headers.getSetCookie()) {
      const [name, value] = (set.split(';')[0] as string).split('=') as [string, string];
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    const text = await res.clone().text();
    const token = /name="csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return res;
  }
}

describe('Portal sessions in the store, CSRF before a session, and rate limits', () => {
  let f: Fixture;
  let dir: string;
  let store: Store;
  let second: Store;
  const servers: HttpServer[] = [];
  let base: string;
  let otherBase: string;
  let db: Database.Database;

  async function serve(on: Store, rates: { pages: number; posts: number } = { pages: 1000, posts: 1000 }): Promise<string> {
    const selfService = new SelfService({
      directory: f.directory, store: on, clock: f.clock, logger: silentLogger, cipher: f.cipher, pins: f.service.pins,
      codes: new OneTimeCodes(on.portalCodes, f.clock, Buffer.alloc(32, 3), CALLER_CODE_POLICY, 'codes'), orgName: 'Demo Corp',
      protection: DEMO_SETTINGS.protection, decoyKey: Buffer.alloc(32, 4), loginSuffixes: [],
      settings: { lockAfter: 100, questionsAsked: 3, questions: DEFAULT_PORTAL_QUESTIONS, minQuestions: 3, minAnswerLength: 3, loginAttemptsPerMinute: 10 },
    });
    const http = createHttpServer({
      logger: silentLogger, health: async () => ({ ready: true, checks: {} }) as never,
      mounts: [portalMount({
        selfService, sessions: on.portalSessions, clock: f.clock, logger: silentLogger, orgName: 'Demo Corp', production: false, sessionIdleMs: 10 * 60_000,
        sessionMaxMs: 30 * 60_000, ratePerMinute: rates.posts, pageRatePerMinute: rates.pages, csrfKey: CSRF_KEY,
      })],
    });
    servers.push(http);
    return `http://localhost:${await http.listen(0, '127.0.0.1')}`;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portal-sessions-'));
    store = openSqliteStore({ path: join(dir, 'helpdesk.db'), auditKey: Buffer.alloc(32, 7) });
    second = openSqliteStore({ path: join(dir, 'helpdesk.db'), auditKey: Buffer.alloc(32, 7) }); // another process's connection
    f = demoFixture({ store });
    base = await serve(store);
    otherBase = await serve(second);
    db = new Database(join(dir, 'helpdesk.db'), { readonly: true });
  });
  afterEach(async () => {
    db.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await Promise.all([store.close(), second.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const sessionRows = () => (db.prepare('SELECT count(*) AS n FROM portal_sessions').get() as { n: number }).n;
  const sessionOf = (b: Browser) => b.cookies.get('mypass-portal');

  async function startSignIn(b: Browser, login = 'john.doe', method = 'pin'): Promise<Response> {
    assert.equal((await b.get('/portal/')).status, 200);
    return b.post('/portal/sign-in', { login, method });
  }

  it('a store out of reach: a polite 503 page to try again (Retry-After), never a 500 or a stack trace', async () => {
    const b = new Browser(base);
    assert.equal((await b.get('/portal/')).status, 200);
    await store.close(); // every call now fails with STORE.UNAVAILABLE
    const res = await b.post('/portal/sign-in', { login: 'john.doe', method: 'pin' });
    const page = await res.text();
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '30');
    assert.match(page, /The portal cannot reach what it needs right now\. Please try again in a minute, or call the helpdesk\./);
    assert.doesNotMatch(page, /STORE\.|SQLite|at .*\.ts:\d+/);
  });

  it('200 anonymous page views store no session; the form’s token is signed, in an HttpOnly SameSite=Strict cookie', async () => {
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${base}/portal/`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.headers.getSetCookie().map((c) => c.replace(/=[^;]+;/, '=…;')), ['mypass-portal-csrf=…; Path=/; HttpOnly; SameSite=Strict']);
    }
    assert.equal(sessionRows(), 0);
    const b = new Browser(base);
    await b.get('/portal/');
    await b.get('/portal/');
    assert.equal(b.cookies.size, 1, 'the browser keeps its one CSRF cookie; no session cookie');
    assert.equal(sessionRows(), 0);
  });

  it('a post without the token, with a forged one or with another browser’s is refused with 403 and stores nothing', async () => {
    const b = new Browser(base);
    await b.get('/portal/');
    const good = b.csrf;
    for (const csrf of ['', 'x'.repeat(43), b.cookies.get('mypass-portal-csrf') as string]) {
      b.csrf = csrf;
      const res = await b.post('/portal/sign-in', { login: 'john.doe', method: 'pin' });
      assert.equal(res.status, 403, csrf);
      assert.match(await res.text(), /This form has expired or was not sent by this portal\. Nothing was changed\./);
    }
    const stranger = new Browser(base);
    await stranger.get('/portal/');
    stranger.csrf = good; // a token shown to someone else does not go with this browser's cookie
    assert.equal((await stranger.post('/portal/sign-in', { login: 'john.doe', method: 'pin' })).status, 403);
    assert.equal(sessionRows(), 0);
  });

  it('a real sign-in makes the session when it needs state, and a new one after the PIN passes', async () => {
    const { code } = await f.service.pins.issue('john.doe', 'demo.agent');
    const b = new Browser(base);
    const started = await startSignIn(b);
    assert.equal(started.status, 303);
    assert.equal(started.headers.get('location'), '/portal/challenge');
    assert.equal(sessionRows(), 1);
    const first = sessionOf(b);
    assert.match((await (await b.get('/portal/challenge')).text()), /The PIN the helpdesk sent you/);
    const signedIn = await b.post('/portal/challenge', { pin: code });
    assert.equal(signedIn.headers.get('location'), '/portal/home');
    assert.notEqual(sessionOf(b), first, 'a new session id once proven');
    assert.match(await (await b.get('/portal/home')).text(), /Hello <strong>john\.doe<\/strong>/);
    assert.equal(sessionRows(), 1);
  });

  it('keeps a live session, refuses an idle one, and purges idle sessions from the store', async () => {
    const b = new Browser(base);
    await startSignIn(b);
    f.clock.advance(9 * 60_000);
    assert.equal((await b.get('/portal/challenge')).status, 200, 'still live');
    f.clock.advance(9 * 60_000);
    assert.equal((await b.get('/portal/challenge')).status, 200, 'a visit restarted the idle clock: 18 minutes old, 9 idle');
    f.clock.advance(11 * 60_000);
    assert.equal((await b.get('/portal/challenge')).headers.get('location'), '/portal/', 'idle past 10 minutes: back to the start');
    assert.equal(sessionRows(), 0, 'the idle one is gone');

    await startSignIn(new Browser(base));
    f.clock.advance(11 * 60_000);
    await startSignIn(new Browser(base)); // a stranger signs in; the purge runs (at most every 5 minutes)
    assert.equal(sessionRows(), 1, 'purged without its owner coming back');
  });

  it('a post that is not a form of ours (JSON, multipart, over 8 KB) gets a polite 415/413 page and stores nothing', async () => {
    const b = new Browser(base);
    await b.get('/portal/');
    const send = (type: string, body: string) =>
      fetch(`${base}/portal/sign-in`, { method: 'POST', body, redirect: 'manual', headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': type } })
        .then(async (res) => ({ status: res.status, text: await res.text() }))
        .catch(() => ({ status: -1, text: '' })); // the server may close a refused upload before it was all sent
    const json = await send('application/json', JSON.stringify({ csrf: b.csrf, login: 'john.doe', method: 'pin' }));
    assert.equal(json.status, 415);
    assert.match(json.text, /This form could not be read\. Nothing was changed\./);
    assert.doesNotMatch(json.text, /at \S+ \(|Error:/, 'no internals');
    assert.equal((await send('multipart/form-data; boundary=x', '--x--\r\n')).status, 415);
    const big = await send('application/x-www-form-urlencoded', new URLSearchParams({ csrf: b.csrf, login: 'john.doe', method: 'pin', pad: 'x'.repeat(9 * 1024) }).toString());
    assert.ok(big.status === 413 || big.status === -1, `got ${big.status}`);
    assert.equal(sessionRows(), 0);
    assert.equal((await b.post('/portal/sign-in', { login: 'john.doe', method: 'pin' })).status, 303, 'the same sign-in as a form still works');
    assert.equal(sessionRows(), 1);
  });

  it('every page, asset and post is rate limited per address (429 over the limit)', async () => {
    const limited = await serve(store, { pages: 5, posts: 3 });
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${limited}/portal/${i % 2 ? 'portal.css' : ''}`)).status, 200);
    assert.equal((await fetch(`${limited}/portal/`)).status, 429);
    assert.equal((await fetch(`${limited}/portal/portal.css`)).status, 429);
    assert.equal((await fetch(`${limited}/portal/home`, { redirect: 'manual' })).status, 429);
    const post = () => fetch(`${limited}/portal/sign-in`, { method: 'POST', body: 'csrf=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    for (let i = 0; i < 3; i++) assert.equal((await post()).status, 403);
    assert.equal((await post()).status, 429);
    assert.equal(sessionRows(), 0);
  });

  it('the per-login rate (10 a minute) counts every spelling of an account, on two portal instances sharing the store', async () => {
    const answers: number[] = [];
    const spellings = ['john.doe', 'JOHN.DOE', 'john.doe@demo.example'];
    for (let i = 0; i < 12; i++) {
      const b = new Browser(i % 2 ? otherBase : base);
      await startSignIn(b, spellings[i % spellings.length], 'questions');
      answers.push((await b.post('/portal/challenge', { answer0: 'a', answer1: 'b', answer2: 'c' })).status);
    }
    assert.deepEqual(answers, [...Array(10).fill(303), 429, 429]);
    const b = new Browser(base);
    await startSignIn(b, 'zoe.muller', 'questions');
    assert.equal((await b.post('/portal/challenge', { answer0: 'a' })).status, 303, 'another account has its own count');
    f.clock.advance(60_000);
    const later = new Browser(otherBase);
    await startSignIn(later, 'john.doe@demo.example', 'questions');
    assert.equal((await later.post('/portal/challenge', { answer0: 'a' })).status, 303, 'a minute later');
  });
});
