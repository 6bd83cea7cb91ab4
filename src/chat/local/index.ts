// The local console (what `npm start` opens with no credentials): a page that renders the bot's cards with
// the adaptivecards SDK and talks to the bot over the Direct Line 3.0 endpoint below, which Microsoft's
// Web Chat can use as well. Identity is self-asserted, so the composition root mounts this only when
// config.localConsole is true (refused in production unless LOCAL_CONSOLE=on), and it answers only
// requests made on this machine (loopback peer and a localhost Host header) unless told otherwise.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ActivityHandler } from 'botbuilder';
import type { ConsoleAlerts } from './console-alerts';
import type { ConsoleApprovals } from './console-approvals';
import type restify from 'restify';
import { localOnly } from '../../http/local-only';
import type { RouteMount } from '../../http/server';
import type { Logger } from '../../ports/logger.port';
import { ConsoleBotAdapter } from './console-adapter';
import { DirectLineBridge } from './direct-line';

export { ConsoleBotAdapter } from './console-adapter';
export { DirectLineBridge } from './direct-line';
export { localOnly } from '../../http/local-only';

export interface ConsoleUser {
  /** The directory login the console user acts as (e.g. the demo directory's `demo.agent`). */
  readonly login: string;
  readonly label: string;
}

export const DEFAULT_CONSOLE_USERS: readonly ConsoleUser[] = [
  { login: 'demo.agent', label: 'Agent (demo.agent)' },
  { login: 'demo.super', label: 'Supervisor (demo.super)' },
];

export interface LocalConsoleDeps {
  /** config.localConsole: when false, mount() adds no route at all (the endpoint does not exist). */
  readonly enabled: boolean;
  /** The bot; with `consoleApprovals` and `consoleAlerts` (the helpdesk bot), approval requests and alerts also reach supervisors' consoles. */
  readonly bot: ActivityHandler & { readonly consoleApprovals?: ConsoleApprovals; readonly consoleAlerts?: ConsoleAlerts };
  readonly logger: Logger;
  /** Who the page offers to act as. */
  readonly users?: readonly ConsoleUser[];
  /** The dev outbox (SMS and tickets sent while no real provider is configured). */
  readonly outbox?: () => Promise<readonly unknown[]> | readonly unknown[];
  /** Answer requests from other machines too (a container behind a port mapping). Default false. */
  readonly allowRemote?: boolean;
  readonly botName?: string;
}

export interface LocalConsole {
  readonly mount: RouteMount;
  readonly bridge: DirectLineBridge;
  readonly adapter: ConsoleBotAdapter;
  /** Where alerts reach the supervisors' consoles; only when the console is enabled. */
  readonly alertSink?: ConsoleAlerts;
}

function findPublicDir(): string {
  const beside = path.join(__dirname, 'public');
  if (existsSync(path.join(beside, 'index.html'))) return beside;
  // Built code (dist/src/chat/local) — the page stays in the source tree.
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'src', 'chat', 'local', 'public');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error('The local console page (src/chat/local/public) was not found');
  }
}

const BOT_ID = 'mypass-helpdesk';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function createLocalConsole(deps: LocalConsoleDeps): LocalConsole {
  const users = deps.users ?? DEFAULT_CONSOLE_USERS;
  const botName = deps.botName ?? 'MyPass Helpdesk';
  const directLine: DirectLineBridge = new DirectLineBridge({
    logger: deps.logger,
    bot: { id: BOT_ID, name: botName },
    runTurn: (activity) => adapter.processActivity(activity, (context) => deps.bot.run(context)),
  });
  const adapter = new ConsoleBotAdapter(directLine.addBotActivity, directLine.replaceBotActivity);
  adapter.onTurnError = async (_context, err) => {
    deps.logger.error({ err }, 'local console turn failed');
  };
  const alertSink = deps.enabled ? deps.bot.consoleAlerts : undefined;
  if (deps.enabled) {
    const roster = { adapter, bot: { id: BOT_ID, name: botName }, members: () => directLine.members() };
    deps.bot.consoleApprovals?.attach(roster);
    alertSink?.attach(roster);
  }

  const mount: RouteMount = (server) => {
    if (!deps.enabled) return;
    const guard = localOnly(deps.allowRemote ?? false);
    const publicDir = findPublicDir();
    const files: Record<string, { body: Buffer; type: string }> = {
      '/': { body: readFileSync(path.join(publicDir, 'index.html')), type: 'text/html; charset=utf-8' },
      '/console/console.js': { body: readFileSync(path.join(publicDir, 'console.js')), type: 'text/javascript; charset=utf-8' },
      '/console/console.css': { body: readFileSync(path.join(publicDir, 'console.css')), type: 'text/css; charset=utf-8' },
      '/console/host-config.json': { body: readFileSync(path.join(publicDir, 'host-config.json')), type: 'application/json; charset=utf-8' },
      '/console/vendor/adaptivecards.css': {
        body: readFileSync(require.resolve('adaptivecards/dist/adaptivecards.css')),
        type: 'text/css; charset=utf-8',
      },
      '/console/vendor/adaptivecards.min.js': {
        body: readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js')),
        type: 'text/javascript; charset=utf-8',
      },
    };
    for (const [route, file] of Object.entries(files)) {
      server.get(route, guard, (_req: restify.Request, res: restify.Response, next: restify.Next) => {
        res.writeHead(200, {
          'Content-Type': file.type,
          'Content-Length': file.body.length,
          'Cache-Control': 'no-cache',
          'Content-Security-Policy': CSP,
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        });
        res.end(file.body);
        next();
      });
    }
    server.get('/api/dev/console', guard, (_req: restify.Request, res: restify.Response, next: restify.Next) => {
      res.header('Cache-Control', 'no-store');
      res.send(200, { botName, users });
      next();
    });
    server.get('/api/dev/outbox', guard, async (_req: restify.Request, res: restify.Response) => {
      res.header('Cache-Control', 'no-store');
      res.send(200, deps.outbox ? await deps.outbox() : []);
    });
    directLine.mount(server, guard);
  };

  return { mount, bridge: directLine, adapter, ...(alertSink ? { alertSink } : {}) };
}
