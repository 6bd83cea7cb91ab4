// The self-service portal's pages at /portal/ (issue 10): server-rendered forms (Eta templates, escaped by
// default), no JavaScript. This file translates HTTP to SelfService calls and owns the web security:
// - who: anyone who reaches the port in production; in local mode only this machine (loopback peer and a
//   localhost Host, as the other local surfaces). What proves who they are: a passed challenge, held by a
//   server-side session (store table portal_sessions; the cookie holds a random token, the store its hash).
// - sessions: made only when a sign-in needs state (an anonymous page view stores nothing); idle and
//   absolute lifetimes, a new id after a passed challenge; cookies HttpOnly, SameSite=Strict, and in
//   production Secure with the __Host- prefix.
// - every form carries a CSRF token compared in constant time: the session's (synchronizer token), or
//   before there is a session a signed double-submit token; a post without one changes nothing. Strict
//   CSP (no script at all), no caching, no framing.
// - rate limits per IP (every page, asset and post, in memory) and per login (challenges, SMS sign-ins: in
//   the store; a challenge counts itself, an SMS sign-in through SelfService.takeAttempt). The client
//   address is the TCP peer, or behind a proxy listed in PORTAL_TRUSTED_PROXIES the nearest address it
//   forwarded for.
// - sessions idle past their lifetime are purged as new ones are made (at most every few minutes).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Eta } from 'eta';
import type restify from 'restify';
import type { RouteMount } from '../http/server';
import { readForm } from '../http/body';
import { clientAddress, trustedProxies } from '../http/client-address';
import { localOnly } from '../http/local-only';
import type { Clock } from '../ports/clock.port';
import type { Logger } from '../ports/logger.port';
import type { PortalSession, PortalSessionState } from '../ports/portal-sessions.port';
import type { PortalSessionRepository } from '../ports/portal-sessions.port';
import {
  LOCKED_MESSAGE,
  type ActionResult,
  type Method,
  type Origin,
  type SelfService,
  type AccountStatus,
} from '../service/self-service';
import { RateLimiter } from '../domain/rate-limiter';
import { isHelpdeskError, type ErrorCode } from '../domain/errors';

export interface PortalOptions {
  readonly selfService: SelfService;
  /** The portal's server-side sessions: the one repository the routes use themselves (the rules are SelfService's). */
  readonly sessions: PortalSessionRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly orgName: string;
  /** Production: Secure cookies, any client address; otherwise this machine only. */
  readonly production: boolean;
  readonly sessionIdleMs: number;
  readonly sessionMaxMs: number;
  /** Form posts per minute per client address. */
  readonly ratePerMinute: number;
  /** Page and asset requests (GET) per minute per client address. */
  readonly pageRatePerMinute: number;
  /** Signs the CSRF tokens of forms shown before there is a session (derived from SECRETS_KEY). */
  readonly csrfKey: Buffer;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client (PORTAL_TRUSTED_PROXIES); empty: the TCP peer is the client. */
  readonly trustedProxies?: readonly string[];
}

const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** A form's body: the largest (the security questions) is well under 8 KB. */
const MAX_BODY = 8 * 1024;
const PURGE_EVERY_MS = 5 * 60_000;
const TOUCH_EVERY_MS = 60_000;
/** A cookie's random token: 32 bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/**
 * Known and unknown logins do the same directory work, but a known one also writes events and its portal
 * account (a few store commits): answering every challenge at the same moment after it arrived hides that.
 */
const EVEN_ANSWER_MS = 40;
const METHOD_LABELS: Record<Method, string> = {
  pin: 'With a PIN from the helpdesk',
  questions: 'With my security questions',
  sms: 'With a code sent to my mobile',
  password: 'First time: enroll with my current password',
};
const CHALLENGE_TITLES: Record<Method, string> = {
  pin: 'Your helpdesk PIN', questions: 'Your security questions', sms: 'Your code by SMS', password: 'Your current password',
};
/** src/portal, beside this file or (built code in dist/src/portal) in the source tree. */
function portalDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    for (const candidate of [dir, path.join(dir, 'src', 'portal')]) if (existsSync(path.join(candidate, 'views', 'layout.eta'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error('The portal pages (src/portal/views) were not found');
  }
}
const HERE = portalDir();
const VIEWS = path.join(HERE, 'views');
const CSS = readFileSync(path.join(HERE, 'public', 'portal.css'));

type Req = restify.Request;
type Res = restify.Response;

interface Current {
  readonly token: string;
  session: PortalSession;
}

/** Failures of a part the portal needs, not of the portal: retried later, they may well work. */
const OUT_OF_REACH: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['STORE.UNAVAILABLE', 'DIR.UNAVAILABLE', 'AUDIT.UNAVAILABLE']);

export function portalMount(o: PortalOptions): RouteMount {
  const eta = new Eta({ views: VIEWS, autoEscape: true, cache: true });
  const cookieName = o.production ? '__Host-mypass-portal' : 'mypass-portal';
  const csrfCookieName = `${cookieName}-csrf`;
  const cookieFlags = `Path=/; HttpOnly; SameSite=Strict${o.production ? '; Secure' : ''}`;
  const perIp = new RateLimiter(o.ratePerMinute, () => o.clock.now().getTime());
  const pagesPerIp = new RateLimiter(o.pageRatePerMinute, () => o.clock.now().getTime());
  const gate = localOnly(o.production);
  const hash = (token: string) => createHash('sha256').update(token).digest('hex');
  let purgedAt = 0;

  /** A new session and its cookie; `replacing`: the session it takes the place of (gone with the same write). */
  async function newSession(res: Res, state: PortalSessionState = {}, replacing?: string): Promise<Current> {
    // The cookie's token and the CSRF token: 32 random bytes each, from one call.
    const random = randomBytes(64);
    const token = random.subarray(0, 32).toString('base64url');
    const now = o.clock.now();
    if (now.getTime() - purgedAt >= PURGE_EVERY_MS) {
      purgedAt = now.getTime();
      await o.sessions.purge(new Date(now.getTime() - o.sessionIdleMs));
    }
    const session: PortalSession = { idHash: hash(token), csrf: random.subarray(32).toString('base64url'), state, createdAt: now, seenAt: now };
    await (replacing ? o.sessions.rotate(replacing, session) : o.sessions.create(session));
    res.header('Set-Cookie', `${cookieName}=${token}; ${cookieFlags}`);
    return { token, session };
  }

  /** The browser's live session, or none (an anonymous visitor has none: nothing is stored for a page view). */
  async function currentSession(req: Req): Promise<Current | undefined> {
    const token = cookieValue(req.headers.cookie, cookieName);
    const now = o.clock.now().getTime();
    if (!token || !TOKEN.test(token)) return undefined;
    const session = await o.sessions.get(hash(token));
    if (session && now - session.seenAt.getTime() <= o.sessionIdleMs && now - session.createdAt.getTime() <= o.sessionMaxMs) {
      // Any request is activity: the idle clock restarts (written at most once a minute).
      if (now - session.seenAt.getTime() >= TOUCH_EVERY_MS) await o.sessions.save(session.idHash, session.state, new Date(now));
      return { token, session };
    }
    if (session) await o.sessions.delete(session.idHash);
    return undefined;
  }

  // Forms shown before there is a session carry a signed double-submit token: the HMAC (under a key derived
  // from SECRETS_KEY) of a random value in its own cookie. Another site can neither read the cookie nor
  // make the HMAC, and nothing is stored until a sign-in needs state.
  const signed = (value: string) => createHmac('sha256', o.csrfKey).update(value).digest('base64url');

  /** The CSRF token of a form shown without a session; its cookie is set when the browser has none. */
  function anonymousCsrf(req: Req, res: Res): string {
    let value = cookieValue(req.headers.cookie, csrfCookieName);
    if (!value || !TOKEN.test(value)) {
      value = randomBytes(32).toString('base64url');
      res.header('Set-Cookie', `${csrfCookieName}=${value}; ${cookieFlags}`);
    }
    return signed(value);
  }

  /** The session's token, or (a form shown before the session) the signed double-submit token. */
  function csrfHolds(req: Req, form: URLSearchParams, c: Current | undefined): boolean {
    const sent = form.get('csrf') ?? '';
    if (c && sameToken(sent, c.session.csrf)) return true;
    const value = cookieValue(req.headers.cookie, csrfCookieName);
    return value !== undefined && TOKEN.test(value) && sameToken(sent, signed(value));
  }

  async function save(c: Current, state: PortalSessionState): Promise<void> {
    c.session = { ...c.session, state };
    await o.sessions.save(c.session.idHash, state, o.clock.now());
  }

  function send(res: Res, status: number, title: string, body: string, extra: { notice?: string; error?: string } = {}): void {
    const html = eta.render('./layout', { title, org: o.orgName, body, ...extra });
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
    res.end(html);
  }

  /** A page with forms: the session's token and its one-time notice or error, or an anonymous visitor's signed token. */
  function page(req: Req, res: Res, c: Current | undefined, title: string, view: string, data: Record<string, unknown>, shown: { notice?: string; error?: string } = {}): Promise<void> {
    const { notice, error, ...rest } = c?.session.state ?? {};
    const body = eta.render(`./${view}`, { csrf: c ? c.session.csrf : anonymousCsrf(req, res), ...data });
    send(res, 200, title, body, { ...(notice ? { notice } : {}), ...(error ? { error } : {}), ...shown });
    return c && (notice || error) ? save(c, rest) : Promise.resolve();
  }

  function signInPage(req: Req, res: Res, c: Current | undefined, login: string, shown: { error?: string } = {}): Promise<void> {
    const methods = o.selfService.methods.map((m) => ({ value: m, label: METHOD_LABELS[m] }));
    return page(req, res, c, 'Sign in', 'sign-in', { login, methods }, shown);
  }

  /** After an action: its error shown again on `retry`, or its notice on the home page (with `state`). */
  async function finish(res: Res, c: Current, done: ActionResult, retry: string, notice: string, state = c.session.state): Promise<void> {
    if (!done.ok) {
      await save(c, { ...c.session.state, error: done.message });
      return redirect(res, retry);
    }
    await save(c, { ...state, notice });
    redirect(res, '/portal/home');
  }

  function redirect(res: Res, to: string): void {
    res.writeHead(303, { Location: to, 'Cache-Control': 'no-store' });
    res.end();
  }

  function message(res: Res, status: number, title: string, text: { notice?: string; error?: string }, link = { href: '/portal/', link: 'Back to the start' }): void {
    send(res, status, title, eta.render('./message', link), text);
  }

  /**
   * What failed past the checks: the store or the directory out of reach (or too slow, under load) is a
   * 503 the user may retry, as the portal API answers it; anything else a 500. Neither says more.
   */
  const failed = (res: Res, req: Req, err: unknown, what: string) => {
    if (isHelpdeskError(err) && OUT_OF_REACH.has(err.code)) {
      o.logger.warn({ code: err.code, path: req.path() }, `${what}: a part is out of reach`);
      res.header('Retry-After', '30');
      return message(res, 503, 'Please try again shortly', { error: 'The portal cannot reach what it needs right now. Please try again in a minute, or call the helpdesk.' });
    }
    o.logger.error({ err, path: req.path() }, what);
    return message(res, 500, 'Something went wrong', { error: 'Something went wrong on our side. Please try again later or call the helpdesk.' });
  };

  const tooFast = (res: Res) => message(res, 429, 'Please wait', { error: 'Too many requests from your network. Please wait a minute and try again.' });
  const tooManyForLogin = (res: Res) => message(res, 429, 'Please wait', { error: 'Too many attempts for this login. Please wait a minute and try again.' });

  const trusted = trustedProxies(o.trustedProxies ?? []);
  const origin = (req: Req): Origin => ({ ip: clientAddress(req, trusted), userAgent: String(req.headers['user-agent'] ?? '') });

  /** Every GET (pages and assets): rate per IP, before anything else is done. */
  const getLimited = (route: string, fn: (req: Req, res: Res) => Promise<void>) => (server: restify.Server) =>
    server.get(route, gate, async (req: Req, res: Res) => {
      if (!pagesPerIp.take(origin(req).ip).ok) return tooFast(res);
      try {
        await fn(req, res);
      } catch (err) {
        failed(res, req, err, 'portal page failed');
      }
    });

  /** GET pages: the session if there is one (none is made for a page view). */
  const get = (route: string, fn: (req: Req, res: Res, c: Current | undefined) => Promise<void>) =>
    getLimited(route, async (req, res) => fn(req, res, await currentSession(req)));

  /** Waits until EVEN_ANSWER_MS after the request arrived (real time: what an observer measures). */
  const evenOut = async (arrived: number) => {
    const wait = arrived + EVEN_ANSWER_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };

  /** POST handlers: rate per IP, a form body, a CSRF token that holds; then the handler (with the session, if any). */
  const postAnyone = (route: string, fn: (req: Req, res: Res, c: Current | undefined, form: URLSearchParams, arrived: number) => Promise<void>) => (server: restify.Server) =>
    server.post(route, gate, async (req: Req, res: Res) => {
      const arrived = performance.now();
      try {
        if (!perIp.take(origin(req).ip).ok) return message(res, 429, 'Please wait', { error: 'Too many attempts from your network. Please wait a minute and try again.' });
        const read = await readForm(req, res, MAX_BODY);
        // Not a form of ours (too large, another media type): nothing to act on, and the page says so.
        if (!read.ok) return message(res, read.refusal.status, 'Please start again', { error: 'This form could not be read. Nothing was changed.' });
        const form = read.value;
        const c = await currentSession(req);
        if (!csrfHolds(req, form, c)) {
          return message(res, 403, 'Please start again', { error: 'This form has expired or was not sent by this portal. Nothing was changed.' });
        }
        await fn(req, res, c, form, arrived);
      } catch (err) {
        failed(res, req, err, 'portal action failed');
      }
    });

  /** POST handlers past the sign-in page: without a session there is nothing to act on. */
  const post = (route: string, fn: (req: Req, res: Res, c: Current, form: URLSearchParams, arrived: number) => Promise<void>) =>
    postAnyone(route, async (req, res, c, form, arrived) => (c ? fn(req, res, c, form, arrived) : redirect(res, '/portal/')));

  const signedIn = (c: Current | undefined): boolean => c?.session.state.user !== undefined;

  const routes: RouteMount[] = [
    getLimited('/portal', async (_req, res) => redirect(res, '/portal/')),
    getLimited('/portal/portal.css', async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=3600', 'X-Content-Type-Options': 'nosniff' });
      res.end(CSS);
    }),
    get('/portal/', async (req, res, c) => {
      if (signedIn(c)) return redirect(res, '/portal/home');
      await signInPage(req, res, c, c?.session.state.login ?? '');
    }),
    postAnyone('/portal/sign-in', async (req, res, c, form, arrived) => {
      const login = (form.get('login') ?? '').trim().slice(0, 256);
      const method = o.selfService.methods.find((m) => m === form.get('method'));
      if (!login || !method) return signInPage(req, res, c, login, { error: 'Please type your login and choose how to prove it is you.' });
      if (method === 'sms') {
        // Every login gets the same page; a code goes out only to a registered mobile (after this answer).
        if (!(await o.selfService.takeAttempt(login))) return tooManyForLogin(res);
        await o.selfService.sendSignInCode(login, origin(req));
        await evenOut(arrived);
      }
      // The sign-in now needs state (the login and method): the session is made here, not on a page view.
      await (c ? save(c, { login, method }) : newSession(res, { login, method }));
      redirect(res, '/portal/challenge');
    }),
    get('/portal/challenge', async (req, res, c) => {
      const { login, method } = c?.session.state ?? {};
      if (!c || !login || !method || signedIn(c)) return redirect(res, '/portal/');
      let questions: { position: number; question: string }[] = [];
      if (method === 'questions') {
        questions = await o.selfService.questionsFor(login);
        await save(c, { ...c.session.state, asked: questions.map((q) => q.position) });
      }
      await page(req, res, c, CHALLENGE_TITLES[method], 'challenge', { login, method, questions });
    }),
    post('/portal/challenge', async (req, res, c, form, arrived) => {
      const { login, method, asked } = c.session.state;
      if (!login || !method || signedIn(c)) return redirect(res, '/portal/');
      const from = origin(req);
      const result = method === 'pin' ? await o.selfService.challengePin(login, form.get('pin') ?? '', from)
        : method === 'sms' ? await o.selfService.challengeSmsCode(login, form.get('code') ?? '', from)
          : method === 'password' ? await o.selfService.challengePassword(login, form.get('password') ?? '', from)
            : await o.selfService.challengeQuestions(login, (asked ?? []).map((position, i) => ({ position, answer: form.get(`answer${i}`) ?? '' })), from);
      if (!result.ok && result.reason === 'too-many') return tooManyForLogin(res);
      await evenOut(arrived);
      if (result.ok) {
        // A new session id once the user is proven (no fixation); the old one is gone.
        await newSession(res, { login, user: result.user, access: method === 'password' ? 'enroll' : 'full', method }, c.session.idHash);
        return redirect(res, method === 'password' ? '/portal/enroll' : '/portal/home');
      }
      if (result.reason === 'locked') {
        await save(c, {});
        return message(res, 403, 'Portal account locked', { error: LOCKED_MESSAGE });
      }
      await save(c, { login, method, error: 'That did not match. Please try again.' });
      redirect(res, '/portal/challenge');
    }),
    get('/portal/home', async (req, res, c) => {
      if (!c || !signedIn(c)) return redirect(res, '/portal/');
      const full = c.session.state.access === 'full';
      // The AD account's state, for its owner only (full access): locked since when, when the password expires.
      const status = full && c.session.state.user ? await o.selfService.accountStatus(c.session.state.user) : undefined;
      await page(req, res, c, 'Your account', 'home', { login: c.session.state.login, full, status: status ? statusLines(status) : [] });
    }),
    post('/portal/unlock', async (req, res, c) => {
      const { user } = c.session.state;
      if (!user || c.session.state.access !== 'full') return redirect(res, '/portal/');
      const done = await o.selfService.unlockAccount(user, origin(req));
      const notice = done.ok && !done.wasLocked
        ? 'Your account was not locked, so nothing was changed. If you cannot sign in, your password may be wrong: reset it here.'
        : 'Your account is unlocked. You can sign in to your computer again.';
      await finish(res, c, done, '/portal/home', notice);
    }),
    get('/portal/password', async (req, res, c) => {
      if (!c || !signedIn(c) || c.session.state.access !== 'full') return redirect(res, '/portal/');
      await page(req, res, c, 'Reset my password', 'password', { policy: await o.selfService.passwordRulesText(c.session.state.user ?? '') });
    }),
    post('/portal/password', async (req, res, c, form) => {
      const { user } = c.session.state;
      if (!user || c.session.state.access !== 'full') return redirect(res, '/portal/');
      const done = await o.selfService.resetPassword(user, form.get('password') ?? '', form.get('repeat') ?? '', origin(req));
      await finish(res, c, done, '/portal/password', 'Your new password is set. Use it from now on.');
    }),
    get('/portal/enroll', async (req, res, c) => {
      if (!c || !signedIn(c)) return redirect(res, '/portal/');
      const s = o.selfService.settings;
      await page(req, res, c, 'Your security questions', 'enroll', { questions: s.questions, minQuestions: s.minQuestions, minAnswerLength: s.minAnswerLength });
    }),
    post('/portal/enroll', async (req, res, c, form) => {
      const { user } = c.session.state;
      if (!user) return redirect(res, '/portal/');
      const answers = Array.from({ length: o.selfService.settings.minQuestions }, (_, i) => ({ question: form.get(`question${i}`) ?? '', answer: form.get(`answer${i}`) ?? '' }));
      await finish(res, c, await o.selfService.enroll(user, answers, origin(req)), '/portal/enroll', 'Your security questions are saved.');
    }),
    get('/portal/mobile', async (req, res, c) => {
      if (!c || !signedIn(c)) return redirect(res, '/portal/');
      const pending = o.selfService.pendingMobile(c.session.state.user ?? '', c.session.state.pendingMobile);
      await page(req, res, c, 'Your mobile', 'mobile', { sms: o.selfService.methods.includes('sms'), ...(pending ? { pending } : {}) });
    }),
    post('/portal/mobile', async (req, res, c, form) => {
      const { user } = c.session.state;
      if (!user) return redirect(res, '/portal/');
      const state = withoutPending(c.session.state);
      const sent = await o.selfService.startMobileRegistration(user, (form.get('mobile') ?? '').slice(0, 40), origin(req));
      await save(c, sent.ok ? { ...state, pendingMobile: o.selfService.sealPendingMobile(user, sent.number) } : { ...state, error: sent.message });
      redirect(res, '/portal/mobile');
    }),
    post('/portal/mobile/confirm', async (req, res, c, form) => {
      const { user } = c.session.state;
      if (!user) return redirect(res, '/portal/');
      const pendingMobile = o.selfService.pendingMobile(user, c.session.state.pendingMobile);
      if (!pendingMobile) return redirect(res, '/portal/mobile');
      const done = await o.selfService.confirmMobile(user, pendingMobile, form.get('code') ?? '', origin(req));
      await finish(res, c, done, '/portal/mobile', 'Your mobile is registered. You can sign in with a code sent to it.', withoutPending(c.session.state));
    }),
    postAnyone('/portal/sign-out', async (_req, res, c) => {
      if (c) await o.sessions.delete(c.session.idHash);
      res.header('Set-Cookie', `${cookieName}=; ${cookieFlags}; Max-Age=0`);
      message(res, 200, 'Signed out', { notice: 'You are signed out.' });
    }),
  ];
  return (server) => {
    for (const mount of routes) mount(server);
  };
}

function withoutPending(state: PortalSessionState): PortalSessionState {
  const copy = { ...state };
  delete copy.pendingMobile;
  return copy;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** "2026-12-06 12:23 UTC": the portal shows times in UTC, server-rendered. */
function utc(at: Date): string {
  return at.toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

/** The home page's account lines: the lock (since when) and the password's expiry. */
function statusLines(s: AccountStatus): string[] {
  const lock = s.locked
    ? `Your account is locked${s.lockedAt ? ` (since ${utc(s.lockedAt)})` : ''}. Unlock it below.`
    : 'Your account is not locked.';
  const password = s.passwordExpired
    ? `Your password has expired${s.passwordExpiresAt ? ` (on ${utc(s.passwordExpiresAt)})` : ''}. Reset it below.`
    : s.passwordMustChange
      ? 'You must choose a new password when you next sign in.'
      : s.passwordExpiresAt
        ? `Your password expires on ${utc(s.passwordExpiresAt)}.`
        : 'Your password does not expire.';
  return [lock, password];
}

