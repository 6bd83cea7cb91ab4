// The portal's "First time: enroll with my current password" cannot lock an AD account (issue 16, item 1):
// the real program (src/main.ts) on Samba AD, whose lockoutThreshold is 3, behind a trusted proxy. Ten
// wrong passwords from several client addresses and several spellings of the login leave badPwdCount
// below 3 and lockoutTime 0, as the administrator reads them: a protected account and an enrolled one are
// never bound as; an ordinary one is bound once per observation window. The portal's own lock is raised
// out of the way here, so the bound shown is the bind budget's, not the portal lock's.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { DEFAULT_PORTAL_QUESTIONS } from '../../src/config/load-config';
import { startApp, type RunningApp } from '../helpers/app-process';
import { asAdmin, GROUP_DNS, GROUPS, MAIL_DOMAIN, rawUser, resetSeededUser, SEED_PASSWORD, sambaEnv, sambaInfo, USERS } from '../helpers/samba';

interface Answer {
  readonly status: number;
  readonly location?: string;
  readonly body: string;
}

/** One browser behind the proxy: its own cookies and CSRF token, and the client address the proxy forwards for. */
class Browser {
  private readonly cookies = new Map<string, string>();
  private csrf = '';
  constructor(private readonly base: string, private readonly clientIp: string) {}

  get(route: string): Promise<Answer> {
    return this.send('GET', route);
  }

  post(route: string, form: Record<string, string>): Promise<Answer> {
    return this.send('POST', route, new URLSearchParams({ csrf: this.csrf, ...form }).toString());
  }

  private send(method: 'GET' | 'POST', route: string, body?: string): Promise<Answer> {
    const url = new URL(route, this.base);
    const headers: Record<string, string> = {
      host: 'passwords.corp.example', 'x-forwarded-for': this.clientIp, 'user-agent': 'password-binds spec',
      ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
    };
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: url.port, path: url.pathname, method, headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          for (const set of res.headers['set-cookie'] ?? []) {
            const [pair = ''] = set.split(';');
            const eq = pair.indexOf('=');
            if (eq > 0) this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
          }
          const token = /name="csrf" value="([^"]+)"/.exec(text)?.[1];
          if (token) this.csrf = token;
          resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: text });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

describe('The portal’s current-password method never locks an AD account (real program, Samba AD, lockoutThreshold 3)', function () {
  this.timeout(180_000);
  const accounts = [USERS.domainAdmin, USERS.jsmith, USERS.zmuller];
  let app: RunningApp;
  let tries = 0;

  /** A fresh browser from a new client address: sign in with the password method and try `password`; the page it ends on. */
  async function tryPassword(login: string, password: string): Promise<Answer> {
    const browser = new Browser(app.base, `203.0.113.${(tries++ % 200) + 1}`);
    await browser.get('/portal/');
    const signIn = await browser.post('/portal/sign-in', { login, method: 'password' });
    assert.equal(signIn.location, '/portal/challenge', signIn.body);
    await browser.get('/portal/challenge');
    const answer = await browser.post('/portal/challenge', { password });
    return answer.location === '/portal/challenge' ? browser.get('/portal/challenge') : answer;
  }

  async function tenWrongTries(spellings: readonly string[]): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const page = await tryPassword(spellings[i % spellings.length] as string, `Wrong-${i}-${SEED_PASSWORD}`);
      assert.match(page.body, /That did not match/, `try ${i + 1}`);
    }
  }

  /** What the administrator reads on the DC. */
  async function lockState(sam: string): Promise<{ badPwdCount: number; lockoutTime: string }> {
    const e = await rawUser(sam, ['badPwdCount', 'lockoutTime']);
    return { badPwdCount: Number(e.badPwdCount ?? 0), lockoutTime: String(e.lockoutTime ?? '0') };
  }

  before(async () => {
    const domain = await asAdmin(async (c) => (await c.search(sambaInfo().baseDN, { scope: 'base', attributes: ['lockoutThreshold'] })).searchEntries[0]);
    assert.equal(String(domain?.lockoutThreshold), '3', 'the test domain locks after 3 wrong passwords');
    for (const sam of accounts) await resetSeededUser(sam);
    for (const sam of accounts) assert.deepEqual(await lockState(sam), { badPwdCount: 0, lockoutTime: '0' }, sam);
    app = await startApp({
      ...sambaEnv(), ROLE_AGENT_GROUPS: GROUPS.agents, ROLE_SUPERVISOR_GROUPS: GROUP_DNS.supervisors, SECRETS_KEY: randomBytes(32).toString('base64'),
      PORTAL_TRUSTED_PROXIES: '127.0.0.1', PORTAL_LOCK_AFTER: '50', PORTAL_RATE_PER_MINUTE: '1000', PORTAL_LOGIN_RATE_PER_MINUTE: '1000',
    });
  });
  after(async () => {
    await app?.stop();
    for (const sam of accounts) await resetSeededUser(sam);
  });

  it('a protected account (a Domain Admin): no bind at all, so badPwdCount stays 0; its right password answers as a wrong one', async () => {
    await tenWrongTries([USERS.domainAdmin, `${USERS.domainAdmin}@${MAIL_DOMAIN}`, `${USERS.domainAdmin}@${MAIL_DOMAIN}`.toUpperCase()]);
    assert.match((await tryPassword(USERS.domainAdmin, SEED_PASSWORD)).body, /That did not match/);
    assert.deepEqual(await lockState(USERS.domainAdmin), { badPwdCount: 0, lockoutTime: '0' });
  });

  it('an enrolled account: no bind at all, and the right password answers "did not match" as a wrong one does (no "already enrolled")', async () => {
    // The first enrollment, proven by the current password (one bind, a right one).
    const browser = new Browser(app.base, '198.51.100.20');
    await browser.get('/portal/');
    await browser.post('/portal/sign-in', { login: USERS.jsmith, method: 'password' });
    await browser.get('/portal/challenge');
    assert.equal((await browser.post('/portal/challenge', { password: SEED_PASSWORD })).location, '/portal/enroll');
    await browser.get('/portal/enroll');
    const questions = DEFAULT_PORTAL_QUESTIONS.slice(0, 3);
    const saved = await browser.post('/portal/enroll', Object.fromEntries(questions.flatMap((q, i) => [[`question${i}`, q], [`answer${i}`, `answer number ${i}`]])));
    assert.equal(saved.location, '/portal/home');
    assert.match((await browser.get('/portal/home')).body, /Your security questions are saved/);

    await tenWrongTries([USERS.jsmith, `${USERS.jsmith}@${MAIL_DOMAIN}`, `${USERS.jsmith}@${MAIL_DOMAIN}`.toUpperCase()]);
    const right = await tryPassword(`${USERS.jsmith}@${MAIL_DOMAIN}`, SEED_PASSWORD);
    assert.match(right.body, /That did not match/);
    assert.doesNotMatch(right.body, /enrolled/i);
    assert.deepEqual(await lockState(USERS.jsmith), { badPwdCount: 0, lockoutTime: '0' });
  });

  it('an ordinary account: one bind within the observation window, whatever the spelling (login, UPN, mail) and address; then none, even for the right password', async () => {
    await tenWrongTries([USERS.zmuller, `${USERS.zmuller}@${MAIL_DOMAIN}`, `zoe.muller@${MAIL_DOMAIN}`]);
    assert.deepEqual(await lockState(USERS.zmuller), { badPwdCount: 1, lockoutTime: '0' }, 'the first try was a real bind, the nine others none');
    assert.match((await tryPassword(`zoe.muller@${MAIL_DOMAIN}`, SEED_PASSWORD)).body, /That did not match/, 'over the budget: no bind, the same answer');
    assert.deepEqual(await lockState(USERS.zmuller), { badPwdCount: 1, lockoutTime: '0' });
  });
});
