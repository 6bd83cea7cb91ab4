// The self-service portal as the real program (src/main.ts) serves it, in each mode it can start in:
// - production (Samba AD, SECRETS_KEY): on by default, for any client and Host, with a __Host- Secure
//   cookie; behind a trusted proxy the audited address is the one it forwarded for, otherwise the peer;
// - PORTAL=only: the portal and health checks alone (no Teams, Slack, Direct Line or portal API);
// - local mode (demo directory): this machine only, and SMS sign-in through the dev outbox.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startApp, type RunningApp } from '../helpers/app-process';
import { GROUP_DNS, GROUPS, USERS, sambaEnv } from '../helpers/samba';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with the headers a browser (or a proxy) would send, Host included. */
function request(base: string, method: 'GET' | 'POST', route: string, headers: Record<string, string> = {}, form?: Record<string, string>): Promise<Answer> {
  const url = new URL(route, base);
  const body = form ? new URLSearchParams(form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: url.port, path: url.pathname, method,
      headers: { ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One browser: keeps the portal's cookie and reads each form's CSRF token. */
class PortalClient {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string, private readonly extra: Record<string, string> = {}) {}

  async get(route: string): Promise<Answer> {
    return this.keep(await request(this.base, 'GET', route, this.headers()));
  }

  async post(route: string, form: Record<string, string>, extra: Record<string, string> = {}): Promise<Answer> {
    return this.keep(await request(this.base, 'POST', route, { ...this.headers(), ...extra }, { csrf: this.csrf, ...form }));
  }

  private headers(): Record<string, string> {
    return { ...this.extra, ...(this.cookie ? { cookie: this.cookie } : {}) };
  }

  private keep(a: Answer): Answer {
    const set = a.headers['set-cookie']?.[0];
    if (set) this.cookie = set.split(';')[0] as string;
    const token = /name="csrf" value="([^"]+)"/.exec(a.body)?.[1];
    if (token) this.csrf = token;
    return a;
  }
}

describe('The self-service portal in each start-up mode of the real program (src/main.ts)', function () {
  this.timeout(90_000);
  const key = randomBytes(32).toString('base64');
  function directory(): Record<string, string> {
    return {
      ...sambaEnv(), ROLE_AGENT_GROUPS: GROUPS.agents, ROLE_SUPERVISOR_GROUPS: GROUP_DNS.supervisors, SECRETS_KEY: key,
    };
  }

  describe('production (Samba AD), PORTAL left to its default, behind a proxy at 127.0.0.1', () => {
    let app: RunningApp;
    let dataDir = '';
    before(async () => {
      app = await startApp({ ...directory(), PORTAL_TRUSTED_PROXIES: '127.0.0.1' }, { prepare: async (d) => void (dataDir = d) });
    });
    after(() => app?.stop());

    it('serves the portal to any Host with __Host- cookies that are Secure, HttpOnly and SameSite=Strict, and a strict CSP', async () => {
      const page = await request(app.base, 'GET', '/portal/', { host: 'passwords.corp.example' });
      assert.equal(page.status, 200, page.body);
      assert.match(page.body, /Your login or e-mail address/);
      assert.deepEqual(page.headers['set-cookie']?.map((c) => c.replace(/=[A-Za-z0-9_-]{43};/, '=…;')), ['__Host-mypass-portal-csrf=…; Path=/; HttpOnly; SameSite=Strict; Secure'], 'a page view: the CSRF cookie, no session');
      const browser = new PortalClient(app.base, { host: 'passwords.corp.example' });
      await browser.get('/portal/');
      const signIn = await browser.post('/portal/sign-in', { login: USERS.plain, method: 'questions' });
      assert.equal(signIn.status, 303, signIn.body);
      assert.match(signIn.headers['set-cookie']?.[0] ?? '', /^__Host-mypass-portal=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/, 'the session, once a sign-in needs one');
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'.*frame-ancestors 'none'/);
      assert.doesNotMatch(page.body, /<script/i);
      assert.doesNotMatch(page.body, /With a code sent to my mobile/, 'no SMS sign-in without Twilio (production has no dev outbox)');
    });

    it('audits the address the trusted proxy forwarded for (the nearest untrusted hop), never a hop the client wrote itself', async () => {
      const browser = new PortalClient(app.base, { host: 'passwords.corp.example' });
      await browser.get('/portal/');
      const via = { 'x-forwarded-for': '198.51.100.9, 203.0.113.7' }; // 198.51.100.9 is what the client claimed
      assert.equal((await browser.post('/portal/sign-in', { login: USERS.plain, method: 'questions' }, via)).status, 303);
      const challenge = await browser.get('/portal/challenge');
      const fields = [...challenge.body.matchAll(/name="(answer\d)"/g)].map((m) => m[1] as string);
      assert.equal(fields.length, 3, challenge.body);
      const wrong = await browser.post('/portal/challenge', Object.fromEntries(fields.map((f) => [f, 'wrong answer'])), via);
      assert.equal(wrong.status, 303);
      const db = new Database(path.join(dataDir, 'helpdesk.db'), { readonly: true });
      const events = db.prepare("SELECT type, outcome, ip FROM portal_events WHERE user = ? AND type = 'challenge'").all(USERS.plain);
      db.close();
      assert.deepEqual(events, [{ type: 'challenge', outcome: 'failure', ip: '203.0.113.7' }]);
    });
  });

  describe('PORTAL=only (production, Slack and a portal API token configured)', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp({ ...directory(), PORTAL: 'only', SLACK_BOT_TOKEN: 'xoxb-only-test', SLACK_SIGNING_SECRET: 'only-test-secret', PORTAL_API_TOKEN: 'p'.repeat(32) });
    });
    after(() => app?.stop());

    it('serves the portal and the health checks, and nothing of the chat surfaces or the portal API', async () => {
      assert.equal((await request(app.base, 'GET', '/portal/', { host: 'passwords.corp.example' })).status, 200);
      assert.equal((await request(app.base, 'GET', '/readyz')).status, 200);
      const gone: [string, 'GET' | 'POST'][] = [['/api/messages', 'POST'], ['/slack/events', 'POST'], ['/slack/commands', 'POST'], ['/', 'GET'],
        ['/v3/directline/conversations', 'POST'], ['/api/portal/accounts/jdoe', 'GET'], ['/api/portal/events', 'POST']];
      for (const [route, method] of gone) {
        const res = await request(app.base, method, route, { authorization: `Bearer ${'p'.repeat(32)}`, 'content-type': 'application/json' });
        assert.equal(res.status, 404, `${method} ${route}: ${res.status}`);
      }
    });
  });

  describe('local mode (demo directory, dev outbox)', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp();
    });
    after(() => app?.stop());

    it('is on by default for this machine only, offers SMS sign-in through the dev outbox, and uses a plain cookie name', async () => {
      const page = await request(app.base, 'GET', '/portal/', { host: `localhost:${app.port}` });
      assert.equal(page.status, 200);
      assert.match(page.body, /With a code sent to my mobile/);
      assert.match(page.headers['set-cookie']?.[0] ?? '', /^mypass-portal-csrf=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
      const rebound = await request(app.base, 'GET', '/portal/', { host: 'evil.example' });
      assert.equal(rebound.status, 403, 'a page on another host name (DNS rebinding) is refused');
    });
  });
});
