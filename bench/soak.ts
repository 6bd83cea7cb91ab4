// `npm run bench -- soak [--minutes N]` (10 by default): the real program (src/main.ts, as the tests run it)
// on the Samba AD test DC and a SQLite store, under a mixed helpdesk load for N minutes: Teams lookups and
// audits, Slack slash commands, the console's and the portal's pages, portal API events, and one agent
// doing actions in turn (an unlock of a locked account, a PIN by SMS through a loopback Twilio, the
// supervisor's approvals list). The program samples itself every 10 s (bench/soak-probe.ts: RSS, live heap
// after a full GC, event-loop delay). Reported against budgets: memory does not grow after warm-up (the
// least-squares slope of the samples after the first fifth of the run, at least a minute: live heap at most
// 0.5 MB a minute and RSS at most 1 MB a minute, i.e. under 5 and 10 MB over a 10-minute soak), resident
// memory under 250 MB, the p99 of Teams lookups under 250 ms in every minute, the event loop's p99 delay
// under 100 ms in every sample after warm-up, no operation failed, and no error line in the program's log.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Attribute, Change } from 'ldapts';
import { ROOT, cleanEnv, freePort } from '../test/helpers/app-process';
import { LoopbackConnector, teamsMember, type TeamsMember } from '../test/helpers/loopback-connector';
import { portalCall, portalEvent, PORTAL_TOKEN } from '../test/helpers/portal-api-client';
import { BENCH_USERS, GROUP_DNS, GROUPS, MAIL_DOMAIN, USERS, asAdmin, lockOut, rawUser, resetSeededUser, sambaEnv } from '../test/helpers/samba';
import { startFakeSlackApi, type FakeSlackApi } from '../test/helpers/slack-api-fake';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET, postSigned, slashCommand } from '../test/helpers/slack-requests';
import { postActivity, teamsInvoke, teamsMessage } from '../test/helpers/teams-activities';
import { button, type Card } from '../test/helpers/teams-chat';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioFake } from '../test/helpers/twilio-fake';
import { VERBS } from '../src/domain/verbs';
import { PRODUCTION_NODE_FLAGS } from './bench-process';
import type { BenchReport } from './bench-types';
import { ms, summarise } from './stats';

const SAMPLE_MS = 10_000;
const MB = 1024 * 1024;
const SLACK_AGENT = 'U0SOAKAGENT';
/** The pause between one loop's operations: a busy helpdesk, not a stress test. */
const PAUSE_MS = 20;
/**
 * The acting agent's pause: about one action a second keeps every account under the hourly limits the soak
 * sets (1000 a target, the most LIMIT_TARGET_PER_HOUR allows) however fast the machine is.
 */
const ACTION_PAUSE_MS = 1000;
const READERS = 6;

interface Sample { readonly t: number; readonly rss: number; readonly heap: number; readonly lagP99: number; readonly lagMax: number }
interface Op { readonly kind: string; readonly t: number; readonly ms: number }

/** Least-squares slope of y over t (minutes), in y's unit a minute. */
function slopePerMinute(points: readonly { t: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const cov = points.reduce((s, p) => s + (p.t - mt) * (p.y - my), 0);
  const vt = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  return (cov / vt) * 60_000;
}

async function startProgram(env: Record<string, string>, samples: Sample[], t0: () => number): Promise<{ child: ChildProcess; base: string; errors: string[]; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mypass-soak-'));
  const child = spawn(process.execPath, [
    // As `npm start` runs it (its DEP0111 warning silenced there too).
    ...PRODUCTION_NODE_FLAGS, '--disable-warning=DEP0111', '--expose-gc', '--require', 'tsx/cjs', '--require', path.join(__dirname, 'soak-probe.ts'), path.join(ROOT, 'src/main.ts'),
  ], {
    cwd: dataDir,
    env: { ...cleanEnv(), PORT: String(port), STORE_URL: `sqlite:${path.join(dataDir, 'helpdesk.db')}`, NODE_PATH: path.join(ROOT, 'node_modules'), SOAK_SAMPLE_MS: String(SAMPLE_MS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors: string[] = [];
  // The log is read as it comes and only its error lines kept (level 50 and up), so the bench stays small.
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (/"level":(5\d|60)/.test(line)) errors.push(line.slice(0, 400));
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (line.startsWith('SOAK ')) samples.push({ t: t0(), ...(JSON.parse(line.slice(5)) as Omit<Sample, 't'>) });
    // The workstation trial's start-up warning is expected here; anything else on stderr is an error.
    else if (line.trim() && !line.startsWith('warning: workstation trial')) errors.push(line.slice(0, 400));
  });
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ;) {
    if (child.exitCode !== null) throw new Error(`the program exited (${child.exitCode}): ${errors.join('\n')}`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return { child, base, errors, dataDir };
    if (Date.now() > deadline) throw new Error('the program did not answer /healthz within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function soak(minutes: number, log: (line: string) => void): Promise<BenchReport> {
  const connector = await new LoopbackConnector().start();
  const twilio = await new TwilioFake().start();
  const slack: FakeSlackApi = await startFakeSlackApi({ token: TEST_BOT_TOKEN, users: [{ id: SLACK_AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' }] });
  const { dn: jdoeDn } = await rawUser(USERS.jdoe, ['1.1']);
  await asAdmin((c) => c.modify(jdoeDn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: ['+15550188'] }) })]));
  const samples: Sample[] = [];
  let start = Date.now();
  const program = await startProgram({
    ...sambaEnv(), ROLE_AGENT_GROUPS: GROUPS.agents, ROLE_SUPERVISOR_GROUPS: GROUP_DNS.supervisors, SECRETS_KEY: randomBytes(32).toString('base64'),
    LOCAL_CONSOLE: 'on', HOST: '127.0.0.1', LOG_LEVEL: 'info',
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    TWILIO_ACCOUNT_SID: TWILIO_SID, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, TWILIO_FROM, TWILIO_API_URL: twilio.url,
    PORTAL_API_TOKEN: PORTAL_TOKEN, PORTAL_API_RATE_PER_MINUTE: '100000', PORTAL_PAGE_RATE_PER_MINUTE: '100000', PORTAL_RATE_PER_MINUTE: '100000',
    // A soak repeats actions on a few accounts for minutes: the hourly limits would refuse them, by design.
    LIMIT_AGENT_PER_HOUR: '10000', LIMIT_TARGET_PER_HOUR: '1000', LIMIT_SECRETS_PER_TARGET_PER_HOUR: '1000',
    SMS_PER_ACCOUNT_PER_HOUR: '100', SMS_PER_NUMBER_PER_HOUR: '100', SMS_PER_HOUR: '100000',
  }, samples, () => Date.now() - start);
  const ops: Op[] = [];
  const failures: string[] = [];
  const staff = [USERS.agent, USERS.nestedAgent, USERS.supervisor];
  const members: TeamsMember[] = Array.from({ length: READERS + 1 }, (_, i) =>
    connector.addMember({ ...teamsMember(staff[i % staff.length] as string), id: `29:soak-${i}`, aadObjectId: `50a50a50-0000-4000-8000-${String(i).padStart(12, '0')}` }));
  const actor = members[READERS] as TeamsMember;
  const supervisor = connector.addMember({ ...teamsMember(USERS.supervisor), id: '29:soak-sup', aadObjectId: '50a50a50-0000-4000-8000-0000000000ff' });

  /** One typed command in the member's own chat: the one reply's card, taken out of the connector's list. */
  async function say(member: TeamsMember, typed: string): Promise<Card> {
    const res = await postActivity(program.base, teamsMessage({ serviceUrl: connector.url, user: member, text: typed }));
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    const i = connector.replies.findIndex((r) => r.conversationId === `a:1personal-${member.aadObjectId}`);
    const [reply] = i >= 0 ? connector.replies.splice(i, 1) : [];
    if (!reply) throw new Error(`no reply to "${typed}"`);
    return (reply.activity.attachments?.[0]?.content ?? {}) as Card;
  }
  async function press(member: TeamsMember, card: Card, verb: string): Promise<Card> {
    const action = button(card, verb);
    if (!action) throw new Error(`no ${verb} button: ${said(card)}`);
    const res = await postActivity(program.base, teamsInvoke({ serviceUrl: connector.url, user: member, verb, data: action.data as Record<string, unknown> }));
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return (res.body as { value: unknown }).value as Card;
  }
  /** What the card says (its text blocks), for a failure line. */
  const said = (card: Card) => [...JSON.stringify(card).matchAll(/"text":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join(' | ').slice(0, 300);
  const expect = (what: string, got: Card | string, re: RegExp) => {
    const text = typeof got === 'string' ? got : JSON.stringify(got);
    if (!re.test(text)) throw new Error(`${what}: ${typeof got === 'string' ? got.slice(0, 300) : said(got)}`);
  };

  const readers: ((i: number, seq: number) => Promise<[string, () => Promise<void>]>)[] = [
    async (i, seq) => {
      const user = BENCH_USERS[(i * 7 + seq) % BENCH_USERS.length] as string;
      return ['teams user', async () => expect('user', await say(members[i] as TeamsMember, `user ${user}`), new RegExp(user))];
    },
    async (i) => ['teams audit', async () => expect('audit', await say(members[i] as TeamsMember, `audit ${USERS.jdoe}`), /jdoe/)],
    async (_i, seq) => ['slack /helpdesk user', async () => {
      const responseUrl = slack.newResponseUrl();
      const ack = await postSigned(`${program.base}/slack/events`, slashCommand({ userId: SLACK_AGENT, text: `user ${BENCH_USERS[seq % BENCH_USERS.length] as string}`, responseUrl }));
      if (ack.status !== 200) throw new Error(`slack ack ${ack.status}`);
      await slack.responseTo(responseUrl);
      slack.calls.length = 0; // this loop's answer is in: keep the fake small
    }],
    async () => ['console page', async () => {
      const res = await fetch(`${program.base}/`);
      expect('console', `${res.status} ${await res.text()}`, /^200 /);
    }],
    async () => ['portal page', async () => {
      const res = await fetch(`${program.base}/portal/`);
      expect('portal', `${res.status} ${await res.text()}`, /^200 /);
    }],
    async (_i, seq) => ['portal api event', async () => {
      const res = await portalCall(program.base, 'POST', '/api/portal/events', { events: [portalEvent({ user: BENCH_USERS[seq % BENCH_USERS.length], ip: `198.51.100.${seq % 200}` })] });
      if (res.status >= 300) throw new Error(`portal api ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
    }],
  ];
  const actions: [string, () => Promise<void>][] = [
    ['unlock (lock, confirm)', async () => {
      await lockOut(USERS.locky);
      expect('unlock', await press(actor, await say(actor, `unlock ${USERS.locky}`), VERBS.confirmAccept), /Account unlocked/);
    }],
    ['pin by sms (confirm)', async () => {
      expect('pin', await press(actor, await say(actor, `pin ${USERS.jdoe} sms`), VERBS.confirmAccept), /PIN/);
    }],
    ['approvals (supervisor)', async () => expect('approvals', await say(supervisor, 'approvals'), /pproval/)],
  ];

  const timedOp = async (kind: string, fn: () => Promise<void>, pauseMs = PAUSE_MS) => {
    const t = performance.now();
    try {
      await fn();
      ops.push({ kind, t: Date.now() - start, ms: performance.now() - t });
    } catch (err) {
      if (failures.length < 20) failures.push(`${kind}: ${err instanceof Error ? err.message : String(err)}`);
      else failures.push(kind);
    }
    await new Promise((r) => setTimeout(r, pauseMs));
  };

  start = Date.now();
  samples.length = 0;
  const until = start + minutes * 60_000;
  log(`soak: ${minutes} min, ${READERS} reading loops + 1 acting loop; samples every ${SAMPLE_MS / 1000} s`);
  const progress = setInterval(() => {
    const s = samples.at(-1);
    if (s) log(`  ${Math.round(s.t / 1000)} s: rss ${(s.rss / MB).toFixed(1)} MB, heap ${(s.heap / MB).toFixed(1)} MB, loop p99 ${s.lagP99} ms; ${ops.length} ops, ${failures.length} failed`);
  }, 60_000);
  try {
    await Promise.all([
      ...Array.from({ length: READERS }, async (_, i) => {
        for (let seq = 0; Date.now() < until; seq++) {
          const [kind, fn] = await (readers[(i + seq) % readers.length] as (typeof readers)[number])(i, seq);
          await timedOp(kind, fn);
        }
      }),
      (async () => {
        for (let seq = 0; Date.now() < until; seq++) {
          const [kind, fn] = actions[seq % actions.length] as [string, () => Promise<void>];
          await timedOp(kind, fn, ACTION_PAUSE_MS);
        }
      })(),
    ]);
    await new Promise((r) => setTimeout(r, SAMPLE_MS + 500)); // the last sample
  } finally {
    clearInterval(progress);
    program.child.kill('SIGTERM');
    await new Promise((r) => program.child.once('exit', r));
    rmSync(program.dataDir, { recursive: true, force: true });
    await asAdmin((c) => c.modify(jdoeDn, [new Change({ operation: 'delete', modification: new Attribute({ type: 'mobile', values: [] }) })])).catch(() => undefined);
    await resetSeededUser(USERS.locky).catch(() => undefined);
    await Promise.all([connector.stop(), twilio.stop(), slack.stop()]);
  }

  // A fifth of the run, at least a minute (at most half of a short run).
  const warmupMs = Math.min(Math.max(60_000, (minutes * 60_000) / 5), (minutes * 60_000) / 2);
  const steady = samples.filter((s) => s.t >= warmupMs);
  const heapSlope = slopePerMinute(steady.map((s) => ({ t: s.t, y: s.heap / MB })));
  const rssSlope = slopePerMinute(steady.map((s) => ({ t: s.t, y: s.rss / MB })));
  const peakRss = Math.max(...samples.map((s) => s.rss));
  // The event loop after warm-up (start-up compiles and connects: its first sample is not the steady state).
  const worstLag = Math.max(...steady.map((s) => s.lagP99));
  const kinds = [...new Set(ops.map((o) => o.kind))];
  const lookups = ops.filter((o) => o.kind === 'teams user');
  const perMinute = Array.from({ length: Math.ceil(minutes) }, (_, m) => summarise(lookups.filter((o) => o.t >= m * 60_000 && o.t < (m + 1) * 60_000).map((o) => o.ms)).p99)
    .filter((p) => Number.isFinite(p));
  const worstMinute = Math.max(...perMinute);
  const lines = [
    `the program (src/main.ts through tsx, ${PRODUCTION_NODE_FLAGS.join(' ')}) on Samba AD and SQLite; ${READERS} reading loops (${PAUSE_MS} ms between operations), 1 acting loop (${ACTION_PAUSE_MS} ms)`,
    ...kinds.map((k) => {
      const s = summarise(ops.filter((o) => o.kind === k).map((o) => o.ms));
      return `${k.padEnd(26)} n=${String(s.count).padStart(6)}  p50 ${ms(s.p50).padStart(9)}  p99 ${ms(s.p99).padStart(9)}  max ${ms(s.max).padStart(9)}`;
    }),
    `samples (${samples.length}, every ${SAMPLE_MS / 1000} s): rss ${samples.map((s) => (s.rss / MB).toFixed(0)).join(' ')} MB`,
    `live heap after GC: ${samples.map((s) => (s.heap / MB).toFixed(1)).join(' ')} MB`,
    `event-loop p99 per sample: ${samples.map((s) => s.lagP99.toFixed(0)).join(' ')} ms`,
    `teams lookup p99 per minute: ${perMinute.map((p) => p.toFixed(0)).join(' ')} ms`,
    `after warm-up (${warmupMs / 1000} s): heap ${heapSlope.toFixed(3)} MB/min, rss ${rssSlope.toFixed(3)} MB/min`,
    ...failures.slice(0, 20).map((f) => `failed: ${f}`),
    ...program.errors.slice(0, 10).map((e) => `log error: ${e}`),
  ];
  return {
    name: `soak (${minutes} min, mixed load)`,
    lines,
    budgets: [
      { name: 'live heap slope after warm-up', measured: `${heapSlope.toFixed(3)} MB/min`, budget: '≤ 0.5 MB/min', ok: heapSlope <= 0.5 },
      { name: 'RSS slope after warm-up', measured: `${rssSlope.toFixed(3)} MB/min`, budget: '≤ 1 MB/min', ok: rssSlope <= 1 },
      { name: 'peak resident memory', measured: `${(peakRss / MB).toFixed(0)} MB`, budget: '< 250 MB', ok: peakRss < 250 * MB },
      { name: 'teams lookup p99, worst minute', measured: ms(worstMinute), budget: '< 250 ms', ok: worstMinute < 250 },
      { name: 'event-loop delay p99, worst sample after warm-up', measured: ms(worstLag), budget: '< 100 ms', ok: worstLag < 100 },
      { name: 'operations failed', measured: `${failures.length} of ${ops.length + failures.length}`, budget: '0', ok: failures.length === 0 },
      { name: 'error lines in the log', measured: String(program.errors.length), budget: '0', ok: program.errors.length === 0 },
    ],
  };
}
