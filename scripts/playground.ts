// `npm run playground`: the bot (src/main.ts, as configured by the environment and .env: local mode when no
// credentials are set) and Microsoft 365 Agents Playground in front of it, as Teams would talk to it
// (channel msteams). One command; Ctrl-C (or SIGTERM) stops both; if either stops, the other is stopped too.
//   PORT                                the bot's port (default 3978); the Playground posts to http://127.0.0.1:PORT/api/messages
//   PLAYGROUND_PORT                     the Playground's port (default 56150; it takes a free one if that is busy)
//   M365_AGENTS_PLAYGROUND_CONFIG_PATH  the mock Teams users (default .m365agentsplayground.yml at the repository root)
//   TEAMSAPPTESTER_BROWSER=none         do not open a browser on the Playground's page (the Playground's own switch)
// The Playground runs with scripts/playground-loopback.cjs preloaded (loopback only, no telemetry).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const PLAYGROUND_CLI = path.join(ROOT, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
const STOP_GRACE_MS = 10_000;

function fail(message: string): never {
  console.error(`playground: ${message}`);
  process.exit(1);
}

const botPort = Number(process.env.PORT ?? 3978);
const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? 56150);
if (!Number.isInteger(botPort) || botPort < 1 || botPort > 65535) fail(`PORT must be a port number, not "${process.env.PORT}"`);
if (!Number.isInteger(playgroundPort) || playgroundPort < 1 || playgroundPort > 65535) {
  fail(`PLAYGROUND_PORT must be a port number, not "${process.env.PLAYGROUND_PORT}"`);
}
if (!existsSync(PLAYGROUND_CLI)) fail('Microsoft 365 Agents Playground is not installed: run `npm install` (it is a devDependency).');
const configPath = path.resolve(process.env.M365_AGENTS_PLAYGROUND_CONFIG_PATH ?? path.join(ROOT, '.m365agentsplayground.yml'));
if (!existsSync(configPath)) fail(`the Playground's mock user file ${configPath} does not exist`);

const children: ChildProcess[] = [];
let stopping = false;

/** Own process groups (detached), so a terminal's Ctrl-C reaches this script only and it stops them in order. */
function start(name: string, args: string[], env: NodeJS.ProcessEnv, onStdout?: (text: string) => void, onFailure?: () => void): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: process.cwd(), env, detached: true, stdio: ['ignore', onStdout ? 'pipe' : 'inherit', 'inherit'] });
  child.stdout?.on('data', (d: Buffer) => {
    process.stdout.write(d);
    onStdout?.(d.toString());
  });
  child.once('error', (err) => void stop(1, `${name} could not start: ${err.message}`));
  child.once('exit', (code, signal) => {
    if (stopping) return;
    onFailure?.();
    void stop(1, `${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest`);
  });
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stop(code: number, why?: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (why) console.error(`playground: ${why}`);
  // The Playground first (it would report the bot as gone), then the bot, which shuts down gracefully on SIGTERM.
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited(child);
    clearTimeout(timer);
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));

start('the bot', ['--disable-warning=DEP0111', '--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src', 'main.ts')], {
  ...process.env,
  PORT: String(botPort),
});

const endpoint = `http://127.0.0.1:${botPort}/api/messages`;

/** Both are up: the Playground said its port, and the bot answers /healthz. */
async function announce(port: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!stopping) {
    try {
      if ((await fetch(`http://127.0.0.1:${botPort}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) return void stop(1, `the bot did not answer on port ${botPort} within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!stopping) console.log(`playground: open http://localhost:${port}/ (Microsoft 365 Agents Playground, talking to the bot at ${endpoint}); Ctrl-C stops both`);
}

// Without a terminal on its stdout the Playground writes its messages (a bad mock user file…) only to its log.
const playgroundLog = process.env.M365_AGENTS_PLAYGROUND_LOGFILE ?? path.resolve('data', 'm365agentsplayground.log');
function showPlaygroundErrors(): void {
  const lines = existsSync(playgroundLog) ? readFileSync(playgroundLog, 'utf8').split('\n') : [];
  for (const line of lines.filter((l) => l.startsWith('error '))) console.error(`playground: ${line.slice('error '.length)}`);
}

let announced = false;
start(
  'Microsoft 365 Agents Playground',
  [
    '--require',
    path.join(ROOT, 'scripts', 'playground-loopback.cjs'),
    PLAYGROUND_CLI,
    'start',
    '--app-endpoint',
    endpoint,
    '--channel-id',
    'msteams',
    '--port',
    String(playgroundPort),
    '--disable-telemetry',
  ],
  {
    ...process.env,
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
    M365_AGENTS_PLAYGROUND_LOGFILE: playgroundLog,
  },
  (text) => {
    const port = /Listening on (\d+)/.exec(text)?.[1];
    if (port && !announced) {
      announced = true;
      void announce(port);
    }
  },
  showPlaygroundErrors,
);
