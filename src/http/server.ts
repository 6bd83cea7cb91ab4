// The HTTP server (restify): routes only. Each surface mounts its own routes; body parsing is attached
// per route by whoever needs it (Slack needs the raw body to check signatures), never globally.
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { HealthReport } from '../domain/health';
import type { Logger } from '../ports/logger.port';

/** Adds routes to the server: the Teams bot, the local console, Slack, the portal API… */
export type RouteMount = (server: restify.Server) => void;

export interface HttpServerDeps {
  readonly logger: Logger;
  /** Readiness: the directory and the store are reachable, the audit chain verified (HelpdeskService.health). */
  readonly health: () => Promise<HealthReport>;
  readonly mounts?: readonly RouteMount[];
  /** Readiness answers 503 if health() takes longer than this. */
  readonly healthTimeoutMs?: number;
  readonly name?: string;
}

export interface HttpServer {
  readonly server: restify.Server;
  /** Resolves with the bound port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  /** Base URL once listening, e.g. http://127.0.0.1:3978 */
  url(): string;
  /** Stops accepting connections and waits for in-flight requests (idle keep-alive sockets are closed). */
  close(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const server = restify.createServer({ name: deps.name ?? 'mypass-helpdesk', handleUncaughtExceptions: false });
  const healthTimeoutMs = deps.healthTimeoutMs ?? 3000;
  let closing = false;

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  server.get('/readyz', async (_req, res) => {
    if (closing) {
      res.send(503, { status: 'shutting-down' });
      return;
    }
    try {
      const report = await withTimeout(deps.health(), healthTimeoutMs);
      const ready = report.directory === 'ok' && report.store === 'ok' && report.audit !== 'broken';
      res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not-ready', ...report });
    } catch (err) {
      deps.logger.warn({ err }, 'readiness check failed');
      res.send(503, { status: 'not-ready' });
    }
  });

  for (const mount of deps.mounts ?? []) mount(server);

  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, callback: () => void) => {
    if ((err.statusCode ?? 500) >= 500) deps.logger.error({ err, method: req.method, path: req.path() }, 'request failed');
    callback();
  });

  let port = 0;
  let host = '127.0.0.1';
  return {
    server,
    listen(wanted, wantedHost) {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        const onListening = () => {
          server.server.off('error', reject);
          port = (server.server.address() as AddressInfo).port;
          if (wantedHost) host = wantedHost === '0.0.0.0' || wantedHost === '::' ? '127.0.0.1' : wantedHost;
          resolve(port);
        };
        if (wantedHost) server.listen(wanted, wantedHost, onListening);
        else server.listen(wanted, onListening);
      });
    },
    url() {
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
    close() {
      closing = true;
      return new Promise((resolve) => {
        if (!server.server.listening) {
          resolve();
          return;
        }
        server.server.close(() => resolve());
        server.server.closeIdleConnections();
      });
    },
  };
}
