// The real Request Tracker 5 the ticket tests run against: scripts/rt-server.sh starts a seeded RT on a
// free loopback port with its own SQLite database, once per test run, from test/helpers/global-setup.ts
// (only when a loaded spec is a `*.rt.spec.ts`). Specs get it with rtInfo() (a clear error when it was
// not started) and read tickets back through RT's REST2 API with the helpers below. rtStop()/rtStart()
// take it down and bring it back with the same database (the outage test).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, '../../scripts/rt-server.sh');
const ENV = { dir: 'RT_TEST_DIR', url: 'RT_TEST_URL', token: 'RT_TEST_TOKEN', port: 'RT_TEST_PORT' } as const;

export interface RtInfo {
  readonly dir: string;
  /** http://127.0.0.1:<port> (the web base; REST2 is under /REST/2.0) */
  readonly url: string;
  readonly token: string;
  readonly port: number;
}

export function rtInfo(): RtInfo {
  const dir = process.env[ENV.dir];
  const url = process.env[ENV.url];
  const token = process.env[ENV.token];
  if (!dir || !url || !token) {
    throw new Error('Request Tracker was not started: name the spec *.rt.spec.ts so the mocha global setup starts it (or RT_TEST=always)');
  }
  return { dir, url, token, port: Number(process.env[ENV.port]) };
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => ok(port));
    });
  });
}

async function script(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('bash', [SCRIPT, ...args], { timeout: 120_000 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`scripts/rt-server.sh ${args[0]} failed: ${(err.stderr ?? '').trim() || err.message}`);
  }
}

/** Starts RT (first call: a fresh folder and port; later calls: the same ones, keeping its tickets). */
export async function rtStart(): Promise<RtInfo> {
  const dir = process.env[ENV.dir] ?? mkdtempSync(join(tmpdir(), 'mypass-rt-'));
  const port = Number(process.env[ENV.port] ?? (await freePort()));
  const out = await script('start', dir, String(port));
  const url = /RT_URL=(\S+)/.exec(out)?.[1];
  const token = /RT_TOKEN=(\S+)/.exec(out)?.[1];
  if (!url || !token) throw new Error(`scripts/rt-server.sh start printed no URL or token: ${out}`);
  Object.assign(process.env, { [ENV.dir]: dir, [ENV.url]: url, [ENV.token]: token, [ENV.port]: String(port) });
  return { dir, url, token, port };
}

export async function rtStop(): Promise<void> {
  const dir = process.env[ENV.dir];
  if (dir) await script('stop', dir);
}

export async function rtRemove(): Promise<void> {
  const dir = process.env[ENV.dir];
  if (!dir) return;
  await rtStop();
  rmSync(dir, { recursive: true, force: true });
  for (const k of Object.values(ENV)) delete process.env[k];
}

/** GET a REST2 path (e.g. `/ticket/1`), as the bot's user. */
export async function rtGet<T = Record<string, unknown>>(path: string): Promise<T> {
  const { url, token } = rtInfo();
  const res = await fetch(`${url}/REST/2.0${path}`, { headers: { Authorization: `token ${token}` } });
  if (!res.ok) throw new Error(`RT GET ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function rtPut(path: string, body: unknown): Promise<void> {
  const { url, token } = rtInfo();
  const res = await fetch(`${url}/REST/2.0${path}`, {
    method: 'PUT', headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`RT PUT ${path}: HTTP ${res.status}`);
}

export interface RtTicketSummary {
  readonly id: string;
  readonly Subject: string;
  readonly Status: string;
}

/** TicketSQL search; every page. */
export async function rtSearch(query: string): Promise<RtTicketSummary[]> {
  const q = new URLSearchParams({ query, fields: 'Subject,Status', per_page: '100' });
  const page = await rtGet<{ items: RtTicketSummary[] }>(`/tickets?${q.toString()}`);
  return page.items;
}

/** Every text RT holds for a ticket: its subject and the content of every attachment (create, comments, replies). */
export async function rtTicketTexts(id: string): Promise<{ subject: string; contents: string[] }> {
  const ticket = await rtGet<{ Subject: string }>(`/ticket/${id}`);
  const contents: string[] = [];
  for (let page = 1; ; page++) {
    const res = await rtGet<{ items: { Content?: string; Subject?: string }[]; pages?: number | null }>(
      `/ticket/${id}/attachments?fields=Content,Subject,ContentType&per_page=100&page=${page}`);
    for (const a of res.items) contents.push(`${a.Subject ?? ''}\n${a.Content ?? ''}`);
    if (res.items.length < 100) break;
  }
  return { subject: ticket.Subject, contents };
}

/** The transactions of a ticket, oldest first (Create, Comment, …). */
export async function rtHistory(id: string): Promise<{ Type: string }[]> {
  const res = await rtGet<{ items: { Type: string }[] }>(`/ticket/${id}/history?fields=Type&per_page=100`);
  return res.items;
}
