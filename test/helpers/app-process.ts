// The app as `npm start` runs it (its entry point as it is, no credentials: the demo directory and the local
// console), in a temporary data folder on a free port; and Debian's Chromium driven by playwright-core.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');
const ENTRY = process.env.E2E_APP_ENTRY ?? path.join(ROOT, 'src/main.ts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Variables that would switch the app away from "no credentials, local console". */
export const CONFIG_VARS = /^(LDAP_|SLACK_|GRAPH_|TWILIO_|TICKETS_|Microsoft|NODE_ENV$|LOCAL_CONSOLE$|HOST$|TEAMS_ALLOWED_TENANTS$|STORE_URL$|PORT$|SECRETS_KEY$|PORTAL|ROLE_|PROTECTED_GROUPS$|METRICS_)/;

/** This process's environment without the variables that would configure the app. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_VARS.test(k)));
}

/** `npm run audit:verify` as an operator runs it, on the store and key `env` names: its exit code and all it printed. */
export function auditVerify(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'audit:verify'], { cwd: ROOT, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The app stopped before it answered /healthz (e.g. a configuration refused at start-up). */
export class AppExited extends Error {
  constructor(
    readonly code: number,
    readonly output: string,
  ) {
    super(`the app exited (${code}):\n${output}`);
  }
}

export interface RunningApp {
  /** e.g. http://localhost:41234 */
  readonly base: string;
  readonly port: number;
  /** Everything the app printed so far (tests may append their own notes, e.g. page errors). */
  output: string;
  /** SIGTERM, then the exit code (SIGKILL and 'timeout' after 15 s); removes the data folder. */
  stop(): Promise<number | null | 'timeout'>;
  /** The folder the app runs in (its store, `helpdesk.db`). */
  readonly dataDir: string;
  /** Sends `signal` and resolves with the exit code (null when a signal ended it); keeps the data folder. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * `env`: extra variables (e.g. real peers, to run it in production mode); `prepare` may fill the data
 * folder (e.g. a store, `helpdesk.db`) before the app starts.
 */
export async function startApp(
  env: Readonly<Record<string, string>> = {},
  options: { prepare?: (dataDir: string) => Promise<void>; /** Run in this folder (a restart on the same store). */ dataDir?: string } = {},
): Promise<RunningApp> {
  assert.ok(existsSync(ENTRY), `the app's entry point ${ENTRY} does not exist`);
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'mypass-e2e-'));
  await options.prepare?.(dataDir);
  const inherited = cleanEnv();
  const child: ChildProcess = spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY], {
    cwd: dataDir,
    env: {
      ...inherited,
      PORT: String(port),
      STORE_URL: `sqlite:${path.join(dataDir, 'helpdesk.db')}`,
      LOG_LEVEL: 'warn',
      NODE_PATH: path.join(ROOT, 'node_modules'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const app: RunningApp = {
    base: `http://localhost:${port}`,
    port,
    output: '',
    async stop() {
      let code: number | null | 'timeout' = child.exitCode;
      if (code === null && child.signalCode === null) {
        const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
        child.kill('SIGTERM');
        code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))]);
        if (code === 'timeout') child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    dataDir,
    kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      child.kill(signal);
      return exited;
    },
  };
  child.stdout?.on('data', (d: Buffer) => (app.output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (app.output += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await new Promise((r) => setTimeout(r, 100)); // let the last output arrive
      await app.stop();
      throw new AppExited(child.exitCode, app.output);
    }
    try {
      if ((await fetch(`${app.base}/healthz`)).ok) return app;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`the app did not answer /healthz within 60 s:\n${app.output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run \`bash scripts/test-peers.sh ensure\``);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}
