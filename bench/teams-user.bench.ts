// `user <name>` over the Bot Framework protocol, N concurrent agents, against the Samba AD test DC:
// p50/p95/p99 latency, commands per second, the bot's peak RSS, and the ratio of the bot's latency to the
// raw LDAP work the command needs (the user's entry and its transitive groups — memberOf, level by level —
// searched directly with ldapts at the same concurrency, over as many connections as the bot's LDAP pool),
// in the same run. Run once per store (bench/run.ts): the bot's store is a temporary SQLite file, or MongoDB.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Client, EqualityFilter, ExtensibleFilter, AndFilter } from 'ldapts';
import { LoopbackConnector, teamsMember } from '../test/helpers/loopback-connector';
import { BENCH_USERS, sambaInfo, USERS } from '../test/helpers/samba';
import { teamsMessage } from '../test/helpers/teams-activities';
import { compileForBench, procStatus, PRODUCTION_NODE_FLAGS } from './bench-process';
import type { BenchContext, BenchReport, StoreKind } from './bench-types';
import { rawPool, rawUserLookup } from './raw-ldap';
import { closedLoop, ms, summarise, type Summary } from './stats';

const ROOT = path.resolve(__dirname, '..');
const IN_CHAIN = '1.2.840.113556.1.4.1941';
/** DESIGN.md: the bot's p50 at most this many times the framework floor's, one at a time and under load. */
const FLOOR_BUDGET = 1.15;
/** Slices the loaded runs of bot and floor alternate in, and the unmeasured start of each. */
const SLICES = 5;
const RAMP_MS = 500;

type LoopRun = { latencies: number[]; errors: number; elapsedMs: number };

/** Adds one slice of a closed loop to the run it belongs to. */
function addUp(run: LoopRun, slice: LoopRun): void {
  run.latencies.push(...slice.latencies);
  run.errors += slice.errors;
  run.elapsedMs += slice.elapsedMs;
}

/** Starts bench/<script> (bot-server: the bot; floor-server: the framework floor) in its own process. */
async function startServer(script: 'bot-server' | 'floor-server', env: NodeJS.ProcessEnv, compiled: string | undefined): Promise<{ child: ChildProcess; url: string }> {
  // The bot runs with the node flags `npm start` and the container use (package.json's start script);
  // BENCH_NODE_FLAGS adds more (e.g. --cpu-prof).
  const flags = [
    ...PRODUCTION_NODE_FLAGS,
    ...(env.BENCH_MEMLOG === '1' ? ['--expose-gc'] : []),
    ...(env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean),
  ];
  const args = [...flags, ...(compiled ? [path.join(compiled, `${script}.js`)] : ['--require', 'tsx/cjs', path.join(__dirname, `${script}.ts`)])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...env, NODE_ENV: 'production', NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^READY (\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return { child, url };
}

/** The other way to get transitive groups, for the record: one LDAP_MATCHING_RULE_IN_CHAIN search. */
async function inChainGroups(client: Client, baseDN: string, dn: string): Promise<void> {
  await client.search(baseDN, {
    scope: 'sub',
    filter: new AndFilter({
      filters: [new EqualityFilter({ attribute: 'objectClass', value: 'group' }), new ExtensibleFilter({ matchType: 'member', rule: IN_CHAIN, value: dn })],
    }),
    attributes: ['cn'],
    paged: { pageSize: 1000 },
  });
}

function floorEnv(cardFile: string, poolSize: number): NodeJS.ProcessEnv {
  const info = sambaInfo();
  return {
    ...process.env,
    BENCH_FLOOR_CARD: cardFile,
    BENCH_LDAP_POOL: String(poolSize),
    FLOOR_LDAP_URL: info.url,
    FLOOR_LDAP_BIND_DN: info.bindDN,
    FLOOR_LDAP_BIND_PASSWORD: info.bindPassword,
    FLOOR_LDAP_BASE_DN: info.baseDN,
    FLOOR_LDAP_CA_FILE: info.caFile,
  };
}

export const stores: readonly StoreKind[] = ['sqlite', 'mongodb'];

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const agents = Number(ctx.env.BENCH_AGENTS) || 50;
  const seconds = Number(ctx.env.BENCH_SECONDS) || 15;
  const poolSize = Number(ctx.env.BENCH_LDAP_POOL) || 4;
  const info = sambaInfo();
  let compiled: string | undefined;
  if (ctx.env.BENCH_TSX !== '1') {
    ctx.log('compiling the bot (tsc → dist/bench-build)…');
    compiled = path.join(compileForBench(), 'bench');
  }

  const connector = await new LoopbackConnector().start();
  connector.record = false;
  const staff = [USERS.agent, USERS.nestedAgent, USERS.supervisor];
  const members = Array.from({ length: agents }, (_, i) => {
    const base = teamsMember(staff[i % staff.length] as string);
    const hex = i.toString(16).padStart(12, '0');
    return connector.addMember({ ...base, id: `29:bench-agent-${i}`, aadObjectId: `bbbbbbbb-0000-4000-8000-${hex}` });
  });
  const storeEnv = ctx.store.kind === 'mongodb' ? { BENCH_MONGO_URL: ctx.store.url } : {};
  const { child, url } = await startServer('bot-server', { ...process.env, BENCH_LDAP_POOL: String(poolSize), ...storeEnv }, compiled);
  let floor: { child: ChildProcess; url: string } | undefined;
  const floorDir = mkdtempSync(path.join(tmpdir(), 'mypass-floor-'));
  const pid = child.pid ?? 0;
  let peakSampled = 0;
  const sampler = setInterval(() => {
    peakSampled = Math.max(peakSampled, procStatus(pid, 'VmRSS'));
  }, 100);

  const sender = (base: string) => async (agent: number, seq: number): Promise<void> => {
    const user = members[agent] as (typeof members)[number];
    const target = BENCH_USERS[(agent * 7 + seq) % BENCH_USERS.length] as string;
    const activity = teamsMessage({ serviceUrl: connector.url, user, text: `user ${target}` });
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  };
  const send = sender(url);

  try {
    // Correctness first: the card that comes back is the user's.
    connector.record = true;
    await send(0, 0);
    const card = JSON.stringify(connector.replies.at(-1)?.activity.attachments?.[0]?.content ?? {});
    if (!card.includes(BENCH_USERS[0] as string)) throw new Error(`unexpected reply: ${card.slice(0, 300)}`);
    connector.record = false;
    connector.clear();
    // The floor replies with this very card, so both send the same bytes to the connector.
    const cardFile = path.join(floorDir, 'card.json');
    writeFileSync(cardFile, card);
    floor = await startServer('floor-server', floorEnv(cardFile, poolSize), compiled);
    const floorSend = sender(floor.url);

    ctx.log(`warming up (${agents} agents, 3 s)…`);
    await closedLoop(agents, Date.now() + 3000, send);
    await closedLoop(agents, Date.now() + 3000, floorSend);
    // One at a time, bot and floor alternating in short rounds so that machine noise hits both alike, after a
    // second each unmeasured: the heap the load left behind settles first (its collection is not the bot's
    // cost of a command, and would fall on whichever ran first).
    await closedLoop(1, Date.now() + 1000, send);
    await closedLoop(1, Date.now() + 1000, floorSend);
    const single = { latencies: [] as number[] };
    const floorSingle = { latencies: [] as number[] };
    for (let round = 0; round < 6; round++) {
      single.latencies.push(...(await closedLoop(1, Date.now() + 500, send)).latencies);
      floorSingle.latencies.push(...(await closedLoop(1, Date.now() + 500, floorSend)).latencies);
    }

    // Under load too, bot and floor alternate (SLICES slices each), so that a slower or faster stretch of the
    // machine falls on both rather than on whichever ran then. Each slice starts with RAMP_MS unmeasured: the
    // 50 agents arriving at once at a server that was idle are not the steady load the budget is about.
    ctx.log(`measuring the bot and the framework floor: ${agents} concurrent agents, ${seconds} s each in ${SLICES} alternating slices…`);
    const loaded: LoopRun = { latencies: [], errors: 0, elapsedMs: 0 };
    const floorLoaded: LoopRun = { latencies: [], errors: 0, elapsedMs: 0 };
    let replies = 0;
    const sliceMs = (seconds * 1000) / SLICES;
    for (let slice = 0; slice < SLICES; slice++) {
      await closedLoop(agents, Date.now() + RAMP_MS, send);
      const repliesBefore = connector.replyCount;
      addUp(loaded, await closedLoop(agents, Date.now() + sliceMs, send));
      replies += connector.replyCount - repliesBefore;
      await closedLoop(agents, Date.now() + RAMP_MS, floorSend);
      addUp(floorLoaded, await closedLoop(agents, Date.now() + sliceMs, floorSend));
    }
    clearInterval(sampler);
    const peakRss = Math.max(procStatus(pid, 'VmHWM'), peakSampled);

    ctx.log(`measuring raw LDAP (entry + transitive groups) over ${poolSize} connections…`);
    const clients = await rawPool(info, poolSize);
    const rawCall = async (agent: number, seq: number) => {
      await rawUserLookup(clients[(agent + seq) % clients.length] as Client, info.baseDN, BENCH_USERS[(agent * 7 + seq) % BENCH_USERS.length] as string);
    };
    await closedLoop(agents, Date.now() + 2000, rawCall);
    const rawSingle = await closedLoop(1, Date.now() + 3000, rawCall);
    const rawLoaded = await closedLoop(agents, Date.now() + seconds * 1000, rawCall);
    // For the record, one at a time: the same groups through IN_CHAIN, which the adapter avoids on Samba.
    const [target0] = await clients[0]!.search(info.baseDN, { scope: 'sub', filter: new EqualityFilter({ attribute: 'sAMAccountName', value: BENCH_USERS[0] as string }), attributes: ['1.1'] }).then((r) => r.searchEntries);
    const inChain = await closedLoop(1, Date.now() + 1500, async () => {
      await inChainGroups(clients[0] as Client, info.baseDN, target0?.dn ?? '');
    });
    await Promise.all(clients.map((c) => c.unbind().catch(() => undefined)));

    const bot = summarise(loaded.latencies);
    const bot1 = summarise(single.latencies);
    const fl = summarise(floorLoaded.latencies);
    const fl1 = summarise(floorSingle.latencies);
    const floorCps = (floorLoaded.latencies.length / floorLoaded.elapsedMs) * 1000;
    const floorRatio = bot.p50 / fl.p50;
    const floorRatio1 = bot1.p50 / fl1.p50;
    const raw = summarise(rawLoaded.latencies);
    const raw1 = summarise(rawSingle.latencies);
    const cps = (loaded.latencies.length / loaded.elapsedMs) * 1000;
    const rawOps = (rawLoaded.latencies.length / rawLoaded.elapsedMs) * 1000;
    const row = (name: string, s: Summary, rate?: number) =>
      `${name.padEnd(34)} p50 ${ms(s.p50).padStart(9)}  p95 ${ms(s.p95).padStart(9)}  p99 ${ms(s.p99).padStart(9)}  max ${ms(s.max).padStart(9)}  n=${s.count}${rate ? `  ${rate.toFixed(0)}/s` : ''}`;
    const ratio = bot.p50 / raw.p50;
    const ratio1 = bot1.p50 / raw1.p50;
    return {
      name: 'teams: user <name>',
      lines: [
        `bot (${compiled ? 'compiled JS' : 'tsx'}, ${ctx.store.kind === 'mongodb' ? 'MongoDB store' : 'SQLite store'}): Teams-shaped POST /api/messages → reply to the loopback connector; LDAP pool ${poolSize}; ${agents} agents (Teams members of ${staff.join(', ')}); targets ${BENCH_USERS.length} bench users`,
        row(`bot, ${agents} concurrent`, bot, cps),
        row('bot, 1 at a time', bot1),
        row(`framework floor, ${agents} concurrent`, fl, floorCps),
        row('framework floor, 1 at a time', fl1),
        row(`raw LDAP, ${agents} concurrent`, raw, rawOps),
        row('raw LDAP, 1 at a time', raw1),
        row('(IN_CHAIN groups search, 1 at a time)', summarise(inChain.latencies)),
        `errors: ${loaded.errors}; replies received ${replies} for ${loaded.latencies.length} commands`,
        `bot p50 / framework floor p50: ${floorRatio.toFixed(2)}× under load, ${floorRatio1.toFixed(2)}× one at a time (floor errors: ${floorLoaded.errors})`,
        `bot p50 / raw LDAP p50: ${ratio.toFixed(2)}× under load, ${ratio1.toFixed(2)}× one at a time`,
        `bot peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MB`,
      ],
      budgets: [
        { name: 'user p50, one at a time', measured: `${ms(bot1.p50)} = ${floorRatio1.toFixed(2)}× floor`, floor: ms(fl1.p50), rawLdap: ms(raw1.p50), budget: `≤ ${FLOOR_BUDGET}× floor`, ok: floorRatio1 <= FLOOR_BUDGET },
        { name: `user p50, ${agents} concurrent`, measured: `${ms(bot.p50)} = ${floorRatio.toFixed(2)}× floor`, floor: ms(fl.p50), rawLdap: ms(raw.p50), budget: `≤ ${FLOOR_BUDGET}× floor`, ok: floorRatio <= FLOOR_BUDGET },
        { name: 'user p99, one at a time', measured: ms(bot1.p99), floor: ms(fl1.p99), rawLdap: ms(raw1.p99), budget: '—', ok: true, info: true },
        { name: `user p99, ${agents} concurrent`, measured: ms(bot.p99), floor: ms(fl.p99), rawLdap: ms(raw.p99), budget: '< 250 ms', ok: bot.p99 < 250 },
        { name: `user commands/s, ${agents} concurrent`, measured: cps.toFixed(0), floor: floorCps.toFixed(0), rawLdap: rawOps.toFixed(0), budget: '≥ 200', ok: cps >= 200 },
        { name: 'bot peak resident memory', measured: `${(peakRss / 1024 / 1024).toFixed(0)} MB`, budget: '< 250 MB', ok: peakRss < 250 * 1024 * 1024 },
        { name: 'user errors', measured: String(loaded.errors + (replies === loaded.latencies.length ? 0 : 1)), floor: String(floorLoaded.errors), budget: '0', ok: loaded.errors === 0 && replies === loaded.latencies.length },
      ],
    };
  } finally {
    clearInterval(sampler);
    for (const proc of [child, floor?.child]) {
      if (!proc || proc.exitCode !== null) continue;
      proc.kill('SIGTERM');
      await new Promise((resolve) => proc.once('exit', resolve));
    }
    await connector.stop();
    rmSync(floorDir, { recursive: true, force: true });
  }
}
