// The self-service portal's sign-in challenge at 50 concurrent users (DESIGN.md: p99 under 100 ms, password
// hashing and the directory bind excluded; resident memory under 250 MB at that load).
//
// The real program (src/main.ts, compiled as `npm start` runs it, with its heap cap) runs in its own process
// with PORTAL=on, Active Directory = the Samba test DC, the SQLite store in a temp dir (or, in the run on
// MongoDB, the MongoDB store on a fresh database of the run's FerretDB), and the portal's rate
// limits raised (every request of the bench comes from 127.0.0.1, so per IP and per login they would stop it
// within seconds). The bench adds its own users to Samba (portal.qNNN: security questions, enrolled through
// the portal API; portal.pNNN: the PIN line), and removes them at the end.
//
// Each virtual user has its own cookie jar and loops like a browser (redirect: 'manual', the 303s followed
// by the next step): GET /portal/ → POST /portal/sign-in (method=questions) → GET /portal/challenge →
// POST /portal/challenge (the right answers; one sequence in 20 first sends a wrong one, then the right
// ones, so no account nears the lock) → GET /portal/home (the new session's CSRF token) → POST sign-out.
// Then the PIN line: wrong PINs of known logins (users without a current PIN) and of unknown logins, at the
// same time (side by side, under the same load: an observer must not tell them apart); four per user per
// round, the known portal account's failure count reset through the API between rounds (untimed) and a fresh
// unknown login each round, so nothing locks; every VU starts each round together. The client runs in the bench's process, on the same (shared) cores.
//
// BENCH_PORTAL_VUS (50), BENCH_SECONDS (30: the least measured time; it goes on until BENCH_PORTAL_CHALLENGES,
// 3000, challenge posts), BENCH_PORTAL_PIN_ROUNDS (2), BENCH_TSX=1 (skip the compile), BENCH_NODE_FLAGS
// (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": the profile is written when the program exits).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { AlreadyExistsError, Attribute, Change, NoSuchObjectError } from 'ldapts';
import { DEFAULT_PORTAL_QUESTIONS } from '../src/config/load-config';
import { cleanEnv, freePort } from '../test/helpers/app-process';
import { asAdmin, GROUP_DNS, GROUPS, MAIL_DOMAIN, SEED_PASSWORD, sambaEnv, sambaInfo, seededDn } from '../test/helpers/samba';
import { compileForBench, procStatus, PRODUCTION_NODE_FLAGS } from './bench-process';
import type { BenchContext, BenchReport, BenchStore, StoreKind } from './bench-types';
import { ms, summarise, type Summary } from './stats';

const ROOT = path.resolve(__dirname, '..');
const API_TOKEN = `bench-portal-${randomBytes(16).toString('hex')}`;
const UA = 'Mozilla/5.0 (portal bench)';

/** User + system CPU of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function procCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
/** CPU of a process and all its descendants (the Samba DC: a root process and its pre-forked workers), in ms. */
function treeCpuMs(root: number): number {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      parentOf.set(Number(name), Number(fields[1]));
    } catch {
      // gone
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 50; p = parentOf.get(p) ?? 0, hops++) if (p === root) return true;
    return false;
  };
  return [...parentOf.keys()].filter(inTree).reduce((sum, pid) => sum + procCpuMs(pid), 0);
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

// ---------------------------------------------------------------------------------------------
// The program under bench.

interface Program {
  readonly child: ChildProcess;
  readonly base: string;
  readonly dbPath: string;
  readonly store: BenchStore;
  output(): string;
  stop(): Promise<void>;
}

async function startProgram(env: NodeJS.ProcessEnv, store: BenchStore, compiled: boolean): Promise<Program> {
  const build = compiled ? compileForBench() : undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mypass-portal-bench-'));
  const dbPath = path.join(dataDir, 'helpdesk.db');
  const port = await freePort();
  const flags = [...PRODUCTION_NODE_FLAGS, ...(env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean)];
  const entry = build ? [path.join(build, 'src/main.js')] : ['--require', 'tsx/cjs', path.join(ROOT, 'src/main.ts')];
  const child = spawn(process.execPath, [...flags, ...entry], {
    cwd: dataDir, // no .env of the worktree
    env: {
      ...cleanEnv(),
      NODE_ENV: 'production',
      NODE_NO_WARNINGS: '1',
      NODE_PATH: path.join(ROOT, 'node_modules'),
      PORT: String(port),
      HOST: '127.0.0.1',
      STORE_URL: store.kind === 'mongodb' ? store.url : `sqlite:${dbPath}`,
      LOG_LEVEL: 'warn',
      SECRETS_KEY: randomBytes(32).toString('base64'),
      ...sambaEnv(),
      ROLE_AGENT_GROUPS: GROUPS.agents,
      ROLE_SUPERVISOR_GROUPS: GROUP_DNS.supervisors,
      PORTAL: 'on',
      PORTAL_API_TOKEN: API_TOKEN,
      // Everything comes from 127.0.0.1: the limits per IP and per login are raised to their maxima.
      PORTAL_RATE_PER_MINUTE: '100000',
      PORTAL_LOGIN_RATE_PER_MINUTE: '1000',
      PORTAL_PAGE_RATE_PER_MINUTE: '100000',
      PORTAL_API_RATE_PER_MINUTE: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 60_000; ; await sleep(200)) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the program exited (${child.exitCode}) before it was ready:\n${out}`);
    }
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the program did not answer /healthz within 60 s:\n${out}`);
    }
  }
  return { child, base, dbPath, store, output: () => out, stop };
}

// ---------------------------------------------------------------------------------------------
// Bench users in Samba and the store.

interface Enrolled {
  readonly login: string;
  /** question text → answer */
  readonly answers: ReadonlyMap<string, string>;
}

const userDn = (sam: string) => seededDn(`Portal Bench ${sam}`);

async function addDirectoryUsers(logins: readonly string[]): Promise<void> {
  const pw = Buffer.from(`"${SEED_PASSWORD}"`, 'utf16le');
  await asAdmin(async (c) => {
    for (const sam of logins) {
      try {
        const attrs: Record<string, string | Buffer> = {
          objectClass: 'user', sAMAccountName: sam, userPrincipalName: `${sam}@${MAIL_DOMAIN}`, mail: `${sam}@${MAIL_DOMAIN}`,
          givenName: 'Portal', sn: `Bench ${sam}`, displayName: `Portal Bench ${sam}`, unicodePwd: pw, userAccountControl: '512',
        };
        await c.add(userDn(sam), Object.entries(attrs).map(([type, v]) => new Attribute({ type, values: [v] as string[] | Buffer[] })));
      } catch (e) {
        if (!(e instanceof AlreadyExistsError)) throw e; // left by an earlier run on a reused DC
        await c.modify(userDn(sam), [new Change({ operation: 'replace', modification: new Attribute({ type: 'lockoutTime', values: ['0'] }) })]);
      }
    }
  });
}

async function removeDirectoryUsers(logins: readonly string[]): Promise<void> {
  await asAdmin(async (c) => {
    for (const sam of logins) await c.del(userDn(sam)).catch((e: unknown) => { if (!(e instanceof NoSuchObjectError)) throw e; });
  });
}

async function api(base: string, method: 'PUT', pathname: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}${pathname}`, { method, headers: { Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${pathname} answered ${res.status}: ${text.slice(0, 200)}`);
}

/** Five of the configured questions (three are asked, in random order), enrolled through the portal API. */
async function enroll(base: string, login: string, n: number): Promise<Enrolled> {
  const questions = DEFAULT_PORTAL_QUESTIONS.slice(n % 3, (n % 3) + 5);
  const answers = new Map(questions.map((q, i) => [q, `Answer ${i + 1} of ${login}`]));
  await api(base, 'PUT', `/api/portal/accounts/${login}/enrollment`, { questions: [...answers].map(([question, answer]) => ({ question, answer })) });
  return { login, answers };
}

// ---------------------------------------------------------------------------------------------
// A browser-like client: its own cookie jar, no redirects followed, one kept-alive connection. It speaks
// node:http rather than fetch: the client shares the program's two cores, and undici's fetch cost about as
// much CPU per request as the program itself, which the program then waited for.

class Browser {
  private readonly jar = new Map<string, string>();
  private readonly url: URL;
  /** One agent per browser: its own connection, as each user's browser has. */
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(base: string) {
    this.url = new URL(base);
  }

  reset(): void {
    this.jar.clear();
  }

  go(method: 'GET' | 'POST', pathname: string, form?: Record<string, string>): Promise<{ status: number; location: string; body: string; ms: number }> {
    const start = performance.now();
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers: http.OutgoingHttpHeaders = { 'User-Agent': UA };
    if (cookie) headers.Cookie = cookie;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.url.hostname, port: this.url.port, method, path: pathname, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const took = performance.now() - start;
          for (const line of res.headers['set-cookie'] ?? []) {
            const [pair = '', ...attrs] = line.split(';');
            const i = pair.indexOf('=');
            if (i <= 0) continue;
            const name = pair.slice(0, i).trim();
            if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.jar.delete(name);
            else this.jar.set(name, pair.slice(i + 1).trim());
          }
          resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ''), body: Buffer.concat(chunks).toString('utf8'), ms: took });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

class Unexpected extends Error {}

const csrfOf = (html: string): string => {
  const m = /name="csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Unexpected('no csrf token in the page');
  return m[1];
};
const unescapeHtml = (s: string) => s.replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** The challenge page's questions, in order: answer0, answer1, … */
const questionsOf = (html: string): string[] => [...html.matchAll(/<label for="answer(\d+)">([^<]*)<\/label>/g)].map((m) => unescapeHtml(m[2] ?? ''));

function expect(step: string, r: { status: number; location: string }, status: number, location?: string): void {
  if (r.status !== status || (location !== undefined && r.location !== location)) {
    throw new Unexpected(`${step} → ${r.status}${r.location ? ` ${r.location}` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The load.

const STEPS = ['GET /portal/', 'POST /portal/sign-in', 'GET /portal/challenge', 'POST /portal/challenge', 'GET /portal/home', 'POST /portal/sign-out'] as const;
type Step = (typeof STEPS)[number];

class Samples {
  readonly steps = new Map<Step, number[]>(STEPS.map((s) => [s, []]));
  readonly challengeRight: number[] = [];
  readonly challengeWrong: number[] = [];
  readonly sequences: number[] = [];
  readonly sequencesWithRetry: number[] = [];
  requests = 0;
  passed = 0;
  add(step: Step, msec: number): void {
    this.steps.get(step)?.push(msec);
    this.requests += 1;
  }
}

/** One sign-in with security questions, start to sign-out. `wrongFirst`: one wrong answer before the right ones. */
async function questionsSequence(b: Browser, user: Enrolled, wrongFirst: boolean, s: Samples): Promise<void> {
  const t0 = performance.now();
  const start = await b.go('GET', '/portal/');
  expect('GET /portal/', start, 200);
  s.add('GET /portal/', start.ms);
  const signIn = await b.go('POST', '/portal/sign-in', { csrf: csrfOf(start.body), login: user.login, method: 'questions' });
  expect('POST /portal/sign-in', signIn, 303, '/portal/challenge');
  s.add('POST /portal/sign-in', signIn.ms);
  for (let attempt = wrongFirst ? 0 : 1; ; attempt++) {
    const page = await b.go('GET', '/portal/challenge');
    expect('GET /portal/challenge', page, 200);
    s.add('GET /portal/challenge', page.ms);
    const asked = questionsOf(page.body);
    if (asked.length !== 3) throw new Unexpected(`GET /portal/challenge asked ${asked.length} questions`);
    const form: Record<string, string> = { csrf: csrfOf(page.body) };
    asked.forEach((q, i) => {
      const answer = user.answers.get(q);
      if (answer === undefined) throw new Unexpected(`a question ${user.login} did not enroll: ${q}`);
      form[`answer${i}`] = attempt === 0 && i === 0 ? 'not the answer' : i % 2 ? `  ${answer.toUpperCase()} ` : answer;
    });
    const post = await b.go('POST', '/portal/challenge', form);
    s.add('POST /portal/challenge', post.ms);
    if (attempt === 0) {
      expect('POST /portal/challenge (wrong)', post, 303, '/portal/challenge');
      s.challengeWrong.push(post.ms);
      continue;
    }
    expect('POST /portal/challenge', post, 303, '/portal/home');
    s.challengeRight.push(post.ms);
    s.passed += 1;
    break;
  }
  const home = await b.go('GET', '/portal/home');
  expect('GET /portal/home', home, 200);
  s.add('GET /portal/home', home.ms);
  const out = await b.go('POST', '/portal/sign-out', { csrf: csrfOf(home.body) });
  expect('POST /portal/sign-out', out, 200);
  if (!out.body.includes('You are signed out')) throw new Unexpected('sign-out page without "You are signed out"');
  s.add('POST /portal/sign-out', out.ms);
  (wrongFirst ? s.sequencesWithRetry : s.sequences).push(performance.now() - t0);
}

interface LoadResult {
  readonly measured: Samples;
  readonly warm: Samples;
  readonly elapsedMs: number;
  /** Counts at the end of the measured window (for the rates). */
  readonly atStop: { readonly requests: number; readonly passed: number; readonly sequences: number; readonly challenges: number };
  readonly errors: Map<string, number>;
  readonly rss: number[];
  /** CPU used in the measured window, in ms: the program's, and this (client) process's. */
  readonly programCpuMs: number;
  readonly clientCpuMs: number;
  readonly sambaCpuMs: number;
}

async function questionsLoad(base: string, users: readonly Enrolled[], vus: number, warmMs: number, minMs: number, minPosts: number, maxMs: number, pid: number, alive: () => boolean): Promise<LoadResult> {
  let phase: 'warm' | 'measure' | 'stop' = 'warm';
  const warm = new Samples();
  const measured = new Samples();
  const errors = new Map<string, number>();
  const rss: number[] = [];
  const loops = Array.from({ length: vus }, async (_, vu) => {
    // Each VU has its own users (vu, vu + vus, …): no two sign in as the same user at once.
    const mine = users.filter((_u, i) => i % vus === vu);
    const b = new Browser(base);
    for (let seq = 0; phase !== 'stop'; seq++) {
      const s = phase === 'warm' ? warm : measured;
      try {
        await questionsSequence(b, mine[seq % mine.length] as Enrolled, (seq + vu) % 20 === 7, s);
      } catch (e) {
        const key = e instanceof Unexpected ? e.message : `request failed: ${e instanceof Error ? e.message : String(e)}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
        b.reset();
        if (!alive()) return;
        await sleep(50);
      }
    }
  });
  await sleep(warmMs);
  phase = 'measure';
  const t0 = performance.now();
  const cpu0 = procCpuMs(pid);
  const samba = sambaInfo().pid;
  const samba0 = treeCpuMs(samba);
  const client0 = process.cpuUsage();
  const sampler = setInterval(() => rss.push(procStatus(pid, 'VmRSS')), 100);
  while (alive()) {
    await sleep(200);
    const took = performance.now() - t0;
    if ((took >= minMs && measured.steps.get('POST /portal/challenge')!.length >= minPosts) || took >= maxMs) break;
  }
  phase = 'stop';
  const elapsedMs = performance.now() - t0;
  // Rates count what finished in the window; the sequences still running finish into `measured` (latencies only).
  const atStop = { requests: measured.requests, passed: measured.passed, sequences: measured.sequences.length, challenges: measured.steps.get('POST /portal/challenge')?.length ?? 0 };
  const programCpuMs = procCpuMs(pid) - cpu0;
  const sambaCpuMs = treeCpuMs(samba) - samba0;
  const client = process.cpuUsage(client0);
  clearInterval(sampler);
  await Promise.all(loops);
  return { measured, warm, elapsedMs, atStop, errors, rss, programCpuMs, clientCpuMs: (client.user + client.system) / 1000, sambaCpuMs };
}

/**
 * Wrong PINs: per VU its own user; `rounds` of four wrong PINs (the lock is at five), reset between rounds.
 * `unknown`: logins the directory does not know (a fresh one each round: their recorded failures lock them too).
 */
async function pinLoad(
  base: string, logins: readonly string[], rounds: number, errors: Map<string, number>, roundDone: (round: number) => Promise<void>, unknown = false,
): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    logins.map(async (known) => {
      const b = new Browser(base);
      for (let round = 0; round < rounds + 1; round++) {
        const login = unknown ? `nobody.${known}.r${round}` : known;
        try {
          const start = await b.go('GET', '/portal/');
          expect('GET /portal/ (pin)', start, 200);
          const signIn = await b.go('POST', '/portal/sign-in', { csrf: csrfOf(start.body), login, method: 'pin' });
          expect('POST /portal/sign-in (pin)', signIn, 303, '/portal/challenge');
          for (let i = 0; i < 4; i++) {
            const page = await b.go('GET', '/portal/challenge');
            expect('GET /portal/challenge (pin)', page, 200);
            const post = await b.go('POST', '/portal/challenge', { csrf: csrfOf(page.body), pin: String(10_000_000 + ((round * 4 + i) * 7919) % 89_999_999) });
            expect('POST /portal/challenge (wrong pin)', post, 303, '/portal/challenge');
            if (round > 0) latencies.push(post.ms); // round 0 is the warm-up
          }
        } catch (e) {
          const key = e instanceof Unexpected ? e.message : `request failed: ${e instanceof Error ? e.message : String(e)}`;
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
        b.reset();
        if (!unknown) await api(base, 'PUT', `/api/portal/accounts/${login}`, { enrolled: false, methods: [], locked: false, failedAttempts: 0 });
        await roundDone(round);
      }
    }),
  );
  return latencies;
}

/**
 * A barrier per round for `parties` VUs: every VU of the PIN line, known and unknown logins, starts a round
 * together (the known ones' reset between rounds would otherwise leave the unknown ones ahead, measured
 * under more load than the known ones).
 */
function roundBarrier(parties: number): (round: number) => Promise<void> {
  const rounds = new Map<number, { arrived: number; all: Promise<void>; release: () => void }>();
  return (round) => {
    let r = rounds.get(round);
    if (!r) {
      let release = () => {};
      const all = new Promise<void>((resolve) => (release = resolve));
      r = { arrived: 0, all, release };
      rounds.set(round, r);
    }
    if (++r.arrived === parties) r.release();
    return r.all;
  };
}

const ALIKE_RULE = 'p50 and p95 within 10% (at least 3 ms) of each other';

/** Whether wrong PINs of unknown logins are answered like those of known ones (an observer's view of timing). */
function indistinguishable(known: Summary, unknown: Summary): boolean {
  const close = (a: number, b: number) => Math.abs(a - b) <= Math.max(3, 0.1 * Math.max(a, b));
  return close(known.p50, unknown.p50) && close(known.p95, unknown.p95);
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${ms(Math.abs(x))}`;

interface StoreFacts {
  readonly signIns: number;
  readonly locked: number;
  readonly sessions: number;
  readonly pinFailures: number;
  readonly unknownPinFailures: number;
}

/** What the store recorded (read-only, beside the running program). */
function storeFacts(p: Program): Promise<StoreFacts> {
  return p.store.kind === 'mongodb' ? mongoStoreFacts(p.store.url) : Promise.resolve(sqliteStoreFacts(p.dbPath));
}

/** The same counts on MongoDB (src/adapters/mongo/: the lock is a 'lock' claim, or a count setLock started locked). */
async function mongoStoreFacts(url: string): Promise<StoreFacts> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    const db = client.db();
    const events = db.collection('portal_events');
    const pin = { type: 'challenge', outcome: 'failure', detail: /^pin \(/ };
    const lockKeys = await db.collection('portal_attempts').distinct('key', {
      key: /^portal\./, $or: [{ kind: 'lock' }, { kind: 'epoch', lockedAt: { $ne: null } }],
    });
    return {
      signIns: await events.countDocuments({ type: 'sign-in', outcome: 'success', user: /^portal\.q/ }),
      locked: lockKeys.length,
      sessions: await db.collection('portal_sessions').countDocuments({}),
      pinFailures: await events.countDocuments({ ...pin, unknownUser: false }),
      unknownPinFailures: await events.countDocuments({ ...pin, unknownUser: true }),
    };
  } finally {
    await client.close();
  }
}

function sqliteStoreFacts(dbPath: string): StoreFacts {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      signIns: count("SELECT count(*) AS n FROM portal_events WHERE type = 'sign-in' AND outcome = 'success' AND user LIKE 'portal.q%'"),
      locked: count("SELECT count(*) AS n FROM portal_attempts WHERE locked_at IS NOT NULL AND key LIKE 'portal.%'"),
      sessions: count('SELECT count(*) AS n FROM portal_sessions'),
      pinFailures: count("SELECT count(*) AS n FROM portal_events WHERE type = 'challenge' AND outcome = 'failure' AND detail LIKE 'pin (%' AND unknown_user = 0"),
      unknownPinFailures: count("SELECT count(*) AS n FROM portal_events WHERE type = 'challenge' AND outcome = 'failure' AND detail LIKE 'pin (%' AND unknown_user = 1"),
    };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------

export const stores: readonly StoreKind[] = ['sqlite', 'mongodb'];

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const vus = Number(ctx.env.BENCH_PORTAL_VUS) || 50;
  const minSeconds = Number(ctx.env.BENCH_SECONDS) || 30;
  const minPosts = Number(ctx.env.BENCH_PORTAL_CHALLENGES) || 3000;
  const pinRounds = Number(ctx.env.BENCH_PORTAL_PIN_ROUNDS) || 2;
  const compiled = ctx.env.BENCH_TSX !== '1';
  const loadAtStart = loadavg()[0] ?? 0;
  const qLogins = Array.from({ length: vus * 2 }, (_, i) => `portal.q${String(i + 1).padStart(3, '0')}`);
  const pLogins = Array.from({ length: vus }, (_, i) => `portal.p${String(i + 1).padStart(3, '0')}`);

  let program: Program | undefined;
  try {
    ctx.log(`adding ${qLogins.length + pLogins.length} users to Samba…`);
    let t = performance.now();
    await addDirectoryUsers([...qLogins, ...pLogins]);
    const addS = (performance.now() - t) / 1000;
    if (compiled) ctx.log('compiling the program (tsc → dist/bench-build)…');
    const started = await startProgram(ctx.env, ctx.store, compiled);
    program = started;
    const pid = started.child.pid ?? 0;
    const alive = () => started.child.exitCode === null && started.child.signalCode === null;
    t = performance.now();
    const users: Enrolled[] = [];
    for (let i = 0; i < qLogins.length; i += 10) {
      users.push(...(await Promise.all(qLogins.slice(i, i + 10).map((login, j) => enroll(started.base, login, i + j)))));
    }
    const enrollS = (performance.now() - t) / 1000;
    const idleRss = procStatus(pid, 'VmRSS');

    ctx.log(`questions: ${vus} virtual users, 5 s warm-up, then ≥ ${minSeconds} s and ≥ ${minPosts} challenge posts…`);
    const load = await questionsLoad(started.base, users, vus, 5000, minSeconds * 1000, minPosts, 300_000, pid, alive);
    const hwm = procStatus(pid, 'VmHWM');
    const afterRss = procStatus(pid, 'VmRSS');
    if (!alive()) throw new Error(`the program died during the bench:\n${started.output()}`);

    ctx.log(`PIN: ${pLogins.length} users, ${pinRounds} rounds of 4 wrong PINs each (one warm-up round)…`);
    const pinErrors = new Map<string, number>();
    const roundDone = roundBarrier(2 * pLogins.length);
    const [knownPins, unknownPins] = await Promise.all([
      pinLoad(started.base, pLogins, pinRounds, pinErrors, roundDone), pinLoad(started.base, pLogins, pinRounds, pinErrors, roundDone, true),
    ]);
    const pin = summarise(knownPins);
    const pinUnknown = summarise(unknownPins);
    const alike = indistinguishable(pin, pinUnknown);
    const facts = await storeFacts(started);

    const m = load.measured;
    const challenge = summarise(m.steps.get('POST /portal/challenge') ?? []);
    const right = summarise(m.challengeRight);
    const wrong = summarise(m.challengeWrong);
    const seq = summarise(m.sequences);
    const seqRetry = summarise(m.sequencesWithRetry);
    const secs = load.elapsedMs / 1000;
    const rssSorted = [...load.rss].sort((a, b) => a - b);
    const peakRss = Math.max(hwm, rssSorted.at(-1) ?? 0);
    const medianRss = rssSorted[Math.floor(rssSorted.length / 2)] ?? 0;
    const passedTotal = load.warm.passed + load.measured.passed;
    const errorCount = [...load.errors.values(), ...pinErrors.values()].reduce((a, b) => a + b, 0);
    const row = (name: string, s: Summary, extra = '') =>
      `${name.padEnd(40)} p50 ${ms(s.p50).padStart(9)}  p95 ${ms(s.p95).padStart(9)}  p99 ${ms(s.p99).padStart(9)}  max ${ms(s.max).padStart(9)}  n=${s.count}${extra}`;
    const consistent = facts.signIns === passedTotal && facts.locked === 0 && facts.sessions === 2 * pLogins.length * (pinRounds + 1);
    return {
      name: 'portal: sign-in challenge',
      lines: [
        `program: src/main.ts (${compiled ? 'compiled JS' : 'tsx'}, ${PRODUCTION_NODE_FLAGS.join(' ')}), PORTAL=on, Samba AD, ${ctx.store.kind === 'mongodb' ? 'MongoDB (a fresh database)' : 'SQLite in a temp dir'}, LOG_LEVEL=warn`,
        `rate limits raised for the run: PORTAL_RATE_PER_MINUTE=100000, PORTAL_PAGE_RATE_PER_MINUTE=100000, PORTAL_LOGIN_RATE_PER_MINUTE=1000 (every request comes from 127.0.0.1)`,
        `seeded: ${qLogins.length + pLogins.length} Samba users in ${addS.toFixed(1)} s; ${users.length} enrolled (5 questions, 3 asked) via PUT /api/portal/accounts/{user}/enrollment in ${enrollS.toFixed(1)} s`,
        `${vus} virtual users (own cookie jar each, ${qLogins.length / vus} users each); measured ${secs.toFixed(1)} s after a 5 s warm-up; 1 sequence in 20 sends one wrong answer first`,
        row('POST /portal/challenge (questions, all)', challenge, `  ${(load.atStop.challenges / secs).toFixed(0)}/s`),
        row('  right answers', right),
        row('  one wrong answer', wrong),
        row('whole sequence (6 requests)', seq, `  ${(load.atStop.sequences / secs).toFixed(1)}/s`),
        row('  with a wrong answer first (8 requests)', seqRetry),
        ...STEPS.filter((s) => s !== 'POST /portal/challenge').map((step) => row(`  ${step}`, summarise(m.steps.get(step) ?? []))),
        `throughput: ${(load.atStop.requests / secs).toFixed(0)} portal requests/s, ${(load.atStop.passed / secs).toFixed(1)} passed challenges (sign-ins)/s`,
        `CPU in the measured window: program ${(load.programCpuMs / load.elapsedMs * 100).toFixed(0)}% of a core (${(load.programCpuMs / load.atStop.requests).toFixed(2)} ms a request), bench client ${(load.clientCpuMs / load.elapsedMs * 100).toFixed(0)}%, Samba DC ${(load.sambaCpuMs / load.elapsedMs * 100).toFixed(0)}%; ${cpus().length} cores, load average ${loadAtStart.toFixed(2)} at the start`,
        `wrong PINs, known and unknown logins at the same time (${2 * pLogins.length} concurrent; each: 1 directory search, the same store commits; answered no sooner than 40 ms):`,
        row('  POST /portal/challenge, known logins', pin),
        row('  POST /portal/challenge, unknown logins', pinUnknown),
        `  unknown − known: p50 ${signed(pinUnknown.p50 - pin.p50)}, p95 ${signed(pinUnknown.p95 - pin.p95)}, p99 ${signed(pinUnknown.p99 - pin.p99)}: ${alike ? 'PASS' : 'FAIL'} (${ALIKE_RULE})`,
        `program RSS: idle ${mb(idleRss)}; under load median ${mb(medianRss)}, peak ${mb(rssSorted.at(-1) ?? 0)} (VmRSS every 100 ms); VmHWM ${mb(hwm)}; after ${mb(afterRss)}`,
        `store: ${facts.signIns} sign-in events for ${passedTotal} passed challenges; ${facts.locked} locked portal accounts; ${facts.pinFailures} failed PIN challenges of known logins and ${facts.unknownPinFailures} of unknown ones; ${facts.sessions} sessions left (the PIN rounds, known and unknown logins, leave ${2 * pLogins.length * (pinRounds + 1)}: never signed out)`,
        `errors: ${errorCount}${errorCount ? ` (${[...load.errors, ...pinErrors].map(([k, n]) => `${k}: ${n}`).join('; ')})` : ''}`,
      ],
      budgets: [
        { name: `challenge POST p99 at ${vus} users`, measured: ms(challenge.p99), budget: '< 100 ms', ok: challenge.p99 < 100 && challenge.count >= minPosts },
        { name: 'wrong PIN: unknown vs known logins', measured: `p50 ${ms(pinUnknown.p50)} vs ${ms(pin.p50)}, p95 ${ms(pinUnknown.p95)} vs ${ms(pin.p95)}`, budget: ALIKE_RULE, ok: alike },
        { name: 'resident memory at that load', measured: mb(peakRss), budget: '< 250 MB', ok: peakRss < 250 * 1024 * 1024 },
        { name: 'errors / store consistency', measured: `${errorCount}${consistent ? '' : ' (store mismatch)'}`, budget: '0', ok: errorCount === 0 && consistent },
      ],
    };
  } finally {
    await program?.stop();
    await removeDirectoryUsers([...qLogins, ...pLogins]).catch((e: unknown) => ctx.log(`could not remove the bench users: ${String(e)}`));
  }
}
