// Slack ack latency (DESIGN budget: 100 ms p99; Slack allows 3 s).
//
// Two processes, as in production: the bot (this file, forked with --bot: the real restify server, the
// Bolt app, the service, a temporary SQLite store, the chosen directory) and "Slack" (this process: 50
// concurrent senders and the loopback Web API / response_url server). Each sender is an agent who sends
// a signed `/helpdesk user <login>`, gets the HTTP ack, and waits for the answer on its response_url
// before sending the next command. Measured per command: request sent → ack fully received (what Slack
// times), and request sent → answer posted.
//
// Run alone: `npx tsx bench/slack-ack.ts [--total=N] [--concurrency=N]` (demo directory).
// From bench/run.ts: `await runSlackAckBench({ directory: { kind: 'ldap', … } })` to use the Samba DC.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DemoDirectory } from '../src/adapters/demo/demo-directory';
import { LdapDirectory, type LdapDirectoryOptions } from '../src/adapters/ldap/ldap-directory';
import { openSqliteStore } from '../src/adapters/sqlite/sqlite-store';
import { createSlackSurface } from '../src/chat/slack/slack-app';
import { createHttpServer } from '../src/http/server';
import { systemClock } from '../src/ports/clock.port';
import type { Directory } from '../src/ports/directory.port';
import { silentLogger } from '../src/ports/logger.port';
import { HelpdeskService } from '../src/service/helpdesk-service';
import type { ServiceSettings } from '../src/service/service-deps';
import { DEMO_SETTINGS } from '../test/helpers/service-fixture';
import { startFakeSlackApi, type FakeSlackUser } from '../test/helpers/slack-api-fake';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET, postSigned, slashCommand } from '../test/helpers/slack-requests';

/** Which directory the bot process uses (serialisable: it is built in the child). */
export type BenchDirectory =
  | { readonly kind: 'demo' }
  | { readonly kind: 'ldap'; readonly options: LdapDirectoryOptions; readonly settings: ServiceSettings };

export interface SlackAckBenchOptions {
  readonly directory?: BenchDirectory;
  /** The e-mail of a helpdesk agent in that directory (what users.info returns for every sender). */
  readonly agentEmail?: string;
  /** What the agents look up. */
  readonly query?: string;
  /** Senders (agents), each with its own Slack user id. */
  readonly concurrency?: number;
  /** Measured commands per mode (after a warm-up). */
  readonly total?: number;
  readonly warmup?: number;
}

export interface SlackAckMeasure {
  readonly commands: number;
  /** HTTP request sent → ack (200, empty body) fully received, as Slack times it. */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  readonly ackMaxMs: number;
  /** HTTP request sent → the answer posted to response_url (users.info, directory, store, render). */
  readonly answerP50Ms: number;
  readonly answerP99Ms: number;
  readonly commandsPerSecond: number;
  /** Acks that were not 200 with an empty body, plus answers that were not the user's details. */
  readonly failures: number;
}

export interface SlackAckBenchResult {
  readonly directory: BenchDirectory['kind'];
  readonly concurrency: number;
  /**
   * Rounds of `concurrency` commands sent at the same instant (50 agents pressing Enter together); the
   * next round starts when every answer of this one has arrived. The budget is judged on this.
   */
  readonly burst: SlackAckMeasure;
  /**
   * Each sender sends its next command as soon as its previous answer arrives (no think time): the bot
   * runs flat out, and the numbers show where the queueing goes (after the ack, by design).
   */
  readonly sustained: SlackAckMeasure;
}

interface BotStart {
  readonly apiUrl: string;
  readonly directory: BenchDirectory;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The bot side, in the forked process: prints nothing, reports its URL over IPC, stops on 'stop'. */
async function runBot(start: BotStart): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slack-ack-bench-'));
  const directory: Directory =
    start.directory.kind === 'ldap' ? new LdapDirectory(start.directory.options) : new DemoDirectory(systemClock);
  const settings = start.directory.kind === 'ldap' ? start.directory.settings : DEMO_SETTINGS;
  const store = openSqliteStore({ path: path.join(dir, 'helpdesk.db'), auditKey: randomBytes(32) });
  const service = new HelpdeskService({ directory, store, clock: systemClock, logger: silentLogger, settings });
  const surface = await createSlackSurface({
    service, logger: silentLogger, config: { botToken: TEST_BOT_TOKEN, signingSecret: TEST_SIGNING_SECRET, apiUrl: start.apiUrl },
    ...(process.env.PAC ? { postAckConcurrency: Number(process.env.PAC) } : {}),
  });
  const http = createHttpServer({ logger: silentLogger, health: () => service.health(), mounts: [(s) => surface.mount(s)] });
  await http.listen(0, '127.0.0.1');
  const serverAcks: number[] = [];
  http.server.server.on('request', (_req, res) => {
    const t0 = process.hrtime.bigint();
    res.once('finish', () => serverAcks.push(Number(process.hrtime.bigint() - t0) / 1e6));
  });
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  process.on('message', (message) => {
    if (message !== 'stop') return;
    serverAcks.sort((a, b) => a - b);
    console.log('bot: server-side ack p50/p99', percentile(serverAcks, 50), percentile(serverAcks, 99), 'loop lag p50/p99', lag.percentile(50) / 1e6, lag.percentile(99) / 1e6, 'cpu', process.cpuUsage());
    void (async () => {
      await http.close();
      await surface.close();
      await directory.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
  process.send?.({ url: `${http.url()}/slack/events` });
}

function forkBot(start: BotStart): Promise<{ child: ChildProcess; eventsUrl: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--bot'], {
      execArgv: ['--import', 'tsx', ...(process.env.SLACK_ACK_BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SLACK_ACK_BENCH_PROF}`] : [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, SLACK_ACK_BENCH_START: JSON.stringify(start) },
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the bench bot exited early (${code})`)));
    child.once('message', (m) => {
      const url = (m as { url?: unknown }).url;
      if (typeof url === 'string') resolve({ child, eventsUrl: url });
    });
  });
}

export async function runSlackAckBench(options: SlackAckBenchOptions = {}): Promise<SlackAckBenchResult> {
  const concurrency = options.concurrency ?? 50;
  const total = options.total ?? 2000;
  const warmup = options.warmup ?? 200;
  const directory = options.directory ?? { kind: 'demo' };
  const agentEmail = options.agentEmail ?? 'demo.agent@demo.example';
  const query = options.query ?? 'demo.locked';

  const senders: FakeSlackUser[] = Array.from({ length: concurrency }, (_, i) => ({
    id: `UBENCH${String(i).padStart(3, '0')}`, email: agentEmail, realName: `Bench Agent ${i}`,
  }));
  const fake = await startFakeSlackApi({ token: TEST_BOT_TOKEN, users: senders });
  const { child, eventsUrl } = await forkBot({ apiUrl: fake.apiUrl, directory });
  child.removeAllListeners('exit');
  try {
    const one = async (sender: FakeSlackUser, acks: number[], answers: number[]): Promise<number> => {
      let failures = 0;
      const t0 = process.hrtime.bigint();
      const responseUrl = fake.newResponseUrl();
      const ack = await postSigned(eventsUrl, slashCommand({ userId: sender.id, text: `user ${query}`, responseUrl }));
      acks.push(ack.ms);
      if (ack.status !== 200 || ack.body !== '') failures++;
      const answer = await fake.responseTo(responseUrl, 30_000);
      answers.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!String(answer.body.text).startsWith('User details')) failures++;
      return failures;
    };
    const burst = async (count: number, acks: number[], answers: number[]) => {
      let failures = 0;
      for (let sent = 0; sent < count; sent += senders.length) {
        const round = senders.slice(0, Math.min(senders.length, count - sent));
        failures += (await Promise.all(round.map((sender) => one(sender, acks, answers)))).reduce((a, b) => a + b, 0);
      }
      return failures;
    };
    const sustained = async (count: number, acks: number[], answers: number[]) => {
      let next = 0;
      let failures = 0;
      await Promise.all(senders.map(async (sender) => {
        while (next < count) {
          next++;
          failures += await one(sender, acks, answers);
        }
      }));
      return failures;
    };
    const measure = async (mode: typeof burst): Promise<SlackAckMeasure> => {
      await mode(warmup, [], []);
      const acks: number[] = [];
      const answers: number[] = [];
      const started = process.hrtime.bigint();
      const failures = await mode(total, acks, answers);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      acks.sort((a, b) => a - b);
      answers.sort((a, b) => a - b);
      return {
        commands: acks.length,
        ackP50Ms: round(percentile(acks, 50)),
        ackP99Ms: round(percentile(acks, 99)),
        ackMaxMs: round(acks[acks.length - 1] ?? NaN),
        answerP50Ms: round(percentile(answers, 50)),
        answerP99Ms: round(percentile(answers, 99)),
        commandsPerSecond: round(acks.length / seconds),
        failures,
      };
    };
    return { directory: directory.kind, concurrency, burst: await measure(burst), sustained: await measure(sustained) };
  } finally {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send('stop');
    await exited;
    await fake.stop();
  }
}

if (require.main === module) {
  if (process.argv.includes('--bot')) {
    runBot(JSON.parse(process.env.SLACK_ACK_BENCH_START ?? '{}') as BotStart).catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  } else {
    const arg = (name: string): number | undefined => {
      const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
      return hit ? Number(hit.split('=')[1]) : undefined;
    };
    const total = arg('total');
    const concurrency = arg('concurrency');
    runSlackAckBench({ ...(total ? { total } : {}), ...(concurrency ? { concurrency } : {}) })
      .then((r) => {
        console.log(`Slack ack latency: signed /helpdesk user …, ${r.concurrency} senders, ${r.directory} directory, bot and "Slack" in two processes on loopback`);
        console.table({ burst: r.burst, sustained: r.sustained });
        const ok = r.burst.ackP99Ms < 100 && r.burst.failures === 0 && r.sustained.failures === 0;
        console.log(`budget: ack p99 < 100 ms → ${ok ? 'met' : 'NOT met'}`);
        process.exitCode = ok ? 0 : 1;
      })
      .catch((err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      });
  }
}
