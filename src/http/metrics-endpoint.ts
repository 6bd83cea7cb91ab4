// GET /metrics (the Prometheus text format) on whichever server the composition root mounts it: the
// metrics port (METRICS_PORT), or the main port behind METRICS_TOKEN. With a token, a scrape without it
// gets 401 and nothing else; the token is compared in constant time and never logged.
import { createHash, timingSafeEqual } from 'node:crypto';
import type restify from 'restify';
import type { Logger } from '../ports/logger.port';
import type { RouteMount } from './server';

export interface MetricsEndpointDeps {
  readonly exposition: () => Promise<{ readonly contentType: string; readonly body: string }>;
  /** Absent: served to whoever reaches the server (only on the metrics port: the config sees to it). */
  readonly token?: string;
  readonly logger: Logger;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsMount(deps: MetricsEndpointDeps): RouteMount {
  const expected = deps.token !== undefined ? digest(deps.token) : undefined;
  const authorised = (req: restify.Request): boolean => {
    if (!expected) return true;
    const m = /^Bearer ([^\s]{1,512})$/.exec(req.headers.authorization ?? '');
    // Both sides hashed to 32 bytes: the comparison takes the same time whatever was sent.
    return m?.[1] !== undefined && timingSafeEqual(digest(m[1]), expected);
  };
  return (server) => {
    server.get('/metrics', async (req: restify.Request, res: restify.Response) => {
      if (!authorised(req)) {
        res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer' });
        res.end('a valid bearer token is required\n');
        return;
      }
      try {
        const { contentType, body } = await deps.exposition();
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
        res.end(body);
      } catch (err) {
        deps.logger.error({ err }, 'metrics could not be collected');
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('metrics could not be collected\n');
      }
    });
  };
}
