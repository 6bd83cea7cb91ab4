// The MongoDB the tests run against: FerretDB 1.24 (SQLite backend) on a free loopback port, one per test
// run, started by test/helpers/global-setup.ts when a loaded spec needs it (a name with "mongo" in it, or
// MONGO_TEST=always). The binary is built and cached by `bash scripts/test-peers.sh ensure`. When
// MONGODB_URL is set, the tests use that server instead and nothing is started.
// Specs get a fresh database's URL with mongoTestUrl(); the state lives in process.env, so child processes
// a test spawns see it too.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import ConnectionString from 'mongodb-connection-string-url';

export const FERRETDB_VERSION = '1.24.2';
/** Where scripts/test-peers.sh caches the binary (like the Samba template, under /var/tmp). */
export const FERRETDB_BIN = process.env.FERRETDB_BIN ?? `/var/tmp/mypass-ferretdb-${FERRETDB_VERSION}/ferretdb`;
const ENV = { url: 'MONGO_TEST_URL', dir: 'MONGO_TEST_DIR', pid: 'MONGO_TEST_PID' } as const;

let child: ChildProcess | undefined;

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

function accepts(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      ok(true);
    });
    socket.once('error', () => ok(false));
  });
}

/**
 * Starts FerretDB on the loopback `port` with its data (and log, ferretdb.log) in `dir`, and resolves once it
 * listens; on the same port and folder it is the same server again (the fault suite stops and restarts it).
 * Rejects with the log's tail when it exits or does not listen within 20 s.
 */
export async function spawnFerretDb(port: number, dir: string): Promise<ChildProcess> {
  if (!existsSync(FERRETDB_BIN)) throw new Error(`${FERRETDB_BIN} is missing: run bash scripts/test-peers.sh ensure (it builds FerretDB ${FERRETDB_VERSION} with Go)`);
  const log = join(dir, 'ferretdb.log');
  const proc = spawn('bash', ['-c', `exec "$0" "$@" >>"${log}" 2>&1`, FERRETDB_BIN,
    '--handler=sqlite', `--sqlite-url=file:${dir}/`, `--listen-addr=127.0.0.1:${port}`, `--state-dir=${dir}`,
    '--telemetry=disable', '--debug-addr=-', '--log-level=warn'], { stdio: 'ignore', detached: false });
  let exited: string | undefined;
  proc.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
      proc.kill('SIGKILL');
      throw new Error(`FerretDB ${exited ?? 'did not listen within 20 s'} on 127.0.0.1:${port}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return proc;
}

/** Stops `proc` (SIGTERM, then SIGKILL after 3 s) and resolves once it is gone. */
export async function stopProcess(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGKILL');
    await gone;
  }
}

/** The server's base URL: MONGODB_URL, or the FerretDB this run started. */
export function mongoBaseUrl(): string {
  const url = process.env.MONGODB_URL ?? process.env[ENV.url];
  if (!url) {
    throw new Error('No MongoDB for the tests: name the spec with "mongo" in it so the mocha global setup starts FerretDB (or MONGO_TEST=always), or set MONGODB_URL');
  }
  return url;
}

/** The URL of a database of its own (a random name unless given) on the test server. */
export function mongoTestUrl(database = `t_${randomBytes(6).toString('hex')}`): string {
  const cs = new ConnectionString(mongoBaseUrl());
  cs.pathname = `/${database}`;
  return cs.toString();
}

/** Starts FerretDB unless MONGODB_URL names a server; rejects with the reason when it cannot. */
export async function startFerretDb(): Promise<{ url: string; external: boolean }> {
  if (process.env.MONGODB_URL) return { url: process.env.MONGODB_URL, external: true };
  const dir = mkdtempSync(join(tmpdir(), 'mypass-ferretdb-'));
  const port = await freePort();
  try {
    child = await spawnFerretDb(port, dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const url = `mongodb://127.0.0.1:${port}/`;
  Object.assign(process.env, { [ENV.url]: url, [ENV.dir]: dir, [ENV.pid]: String(child.pid) });
  return { url, external: false };
}

export async function stopFerretDb(): Promise<void> {
  const proc = child;
  child = undefined;
  await stopProcess(proc);
  const dir = process.env[ENV.dir];
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const k of Object.values(ENV)) delete process.env[k];
}

/** For process 'exit': kill the server we started, synchronously. */
export function stopFerretDbSync(): void {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  const dir = process.env[ENV.dir];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
