// The portal API (DESIGN.md "Portal API") on the restify server: /api/portal/…, bearer token only.
// Without PORTAL_API_TOKEN no route is mounted (404). Every request is rate limited per client address
// first, then the token is checked (constant time) before the body is read (src/http/body.ts: JSON objects
// only, 415; bounded, 413; malformed, 400). Who can reach it: in local mode the server binds 127.0.0.1, so only this
// machine; in production anyone who can reach the port and holds the token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type restify from 'restify';
import { isHelpdeskError } from '../../domain/errors';
import { readJsonObject } from '../../http/body';
import type { RouteMount } from '../../http/server';
import type { Logger } from '../../ports/logger.port';
import type { PortalIntake } from '../../service/portal-data';
import { verifyHelpdeskPin, type PinVerifierDeps } from '../../service/secrets';
import { checkAccount, checkEnrollment, checkEvents, type Problem } from './portal-api-schema';
import { DEFAULT_RATE_PER_MINUTE, RateLimiter } from '../../domain/rate-limiter';

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export interface PortalApiDeps {
  /** PORTAL_API_TOKEN; undefined → the API is not served. */
  readonly token: string | undefined;
  readonly intake: PortalIntake;
  readonly logger: Logger;
  readonly ratePerMinute?: number;
  readonly maxBodyBytes?: number;
  /** POST /api/portal/pins/verify; absent → that route is not served. */
  readonly pins?: PinVerifierDeps;
  /** The least time a PIN verification takes to answer, so that no path (unknown user, wrong, right) answers faster. */
  readonly pinAnswerFloorMs?: number;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function send(res: restify.Response, answer: Answer): void {
  const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...(body ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...answer.headers,
  });
  res.end(body);
}

const error = (status: number, code: string, message: string, extra: object = {}): Answer => ({
  status,
  body: { error: { code, message, ...extra } },
});

function badRequest(problem: Problem): Answer {
  const where = problem.index !== undefined ? `events[${problem.index}].${problem.field}` : problem.field;
  return error(400, 'InvalidBody', `${where} ${problem.message}; nothing was stored`, {
    ...(problem.index !== undefined ? { index: problem.index } : {}),
    field: problem.field,
  });
}

export function portalApiMount(deps: PortalApiDeps): RouteMount {
  return (server) => {
    if (!deps.token) return;
    const expected = digest(deps.token);
    const limiter = new RateLimiter(deps.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE);
    const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

    const authorised = (req: restify.Request): boolean => {
      const m = /^Bearer ([^\s]{1,512})$/.exec(req.headers.authorization ?? '');
      // Both sides hashed to 32 bytes: the comparison takes the same time whatever the token's length.
      return m?.[1] !== undefined && timingSafeEqual(digest(m[1]), expected);
    };

    /** Rate limit → token → (body) → handler; every answer is JSON, no stack trace ever leaves. */
    const route = (withBody: boolean, handle: (req: restify.Request, body: unknown) => Promise<Answer>): restify.RequestHandler =>
      async (req, res) => {
        const slot = limiter.take(req.socket.remoteAddress ?? 'unknown');
        if (!slot.ok) {
          send(res, { ...error(429, 'TooManyRequests', 'slow down'), headers: { 'Retry-After': String(slot.retryAfterSeconds) } });
          return;
        }
        if (!authorised(req)) {
          send(res, { ...error(401, 'Unauthorized', 'a valid bearer token is required'), headers: { 'WWW-Authenticate': 'Bearer' } });
          return;
        }
        let body: unknown;
        if (withBody) {
          const read = await readJsonObject(req, res, maxBody);
          if (!read.ok) {
            const { status, code, message } = read.refusal;
            send(res, error(status, code, `${message} Nothing was stored.`));
            return;
          }
          body = read.value;
        }
        try {
          send(res, await handle(req, body));
        } catch (err) {
          const unavailable = isHelpdeskError(err) && (err.code === 'STORE.UNAVAILABLE' || err.code.startsWith('DIR.'));
          deps.logger.error({ err, path: req.path() }, 'portal API request failed');
          send(res, unavailable ? error(503, 'Unavailable', 'try again shortly; nothing was stored') : error(500, 'Internal', 'unexpected error'));
        }
      };

    const userParam = (req: restify.Request): string | undefined => {
      const user = (req.params as Record<string, string | undefined>).user;
      return user && user.length <= 256 ? user : undefined;
    };

    server.post('/api/portal/events', route(true, async (_req, body) => {
      const checked = checkEvents(body);
      if (!checked.ok) return badRequest(checked.problem);
      return { status: 202, body: await deps.intake.acceptEvents(checked.value.events) };
    }));

    server.get('/api/portal/accounts/:user', route(false, async (req) => {
      const user = userParam(req);
      const state = user ? await deps.intake.account(user) : null;
      return state ? { status: 200, body: state } : error(404, 'NotFound', 'no such user');
    }));

    server.put('/api/portal/accounts/:user', route(true, async (req, body) => {
      const user = userParam(req);
      if (!user) return error(404, 'NotFound', 'no such user');
      const checked = checkAccount(body);
      if (!checked.ok) return badRequest(checked.problem);
      const a = checked.value;
      const state = await deps.intake.putAccount(user, {
        enrolled: a.enrolled,
        methods: a.methods,
        locked: a.locked,
        ...(a.lockedAt ? { lockedAt: new Date(a.lockedAt) } : {}),
        failedAttempts: a.failedAttempts ?? 0,
      });
      return { status: 200, body: state };
    }));

    const pins = deps.pins;
    if (pins) {
      const floorMs = deps.pinAnswerFloorMs ?? 50;
      server.post('/api/portal/pins/verify', route(true, async (_req, body) => {
        const started = Date.now();
        const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
        if (typeof b.user !== 'string' || b.user.length === 0 || b.user.length > 256) return badRequest({ field: 'user', message: 'must be a login of 1–256 characters' });
        if (typeof b.pin !== 'string' || b.pin.length === 0 || b.pin.length > 64) return badRequest({ field: 'pin', message: 'must be a string of 1–64 characters' });
        // The caller is the portal's server, not the end user: its address is not the user's, so none is recorded.
        const verdict = await verifyHelpdeskPin(pins, b.user, b.pin);
        const wait = started + floorMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        return { status: 200, body: verdict };
      }));
    }

    server.put('/api/portal/accounts/:user/enrollment', route(true, async (req, body) => {
      const user = userParam(req);
      if (!user) return error(404, 'NotFound', 'no such user');
      const checked = checkEnrollment(body);
      if (!checked.ok) return badRequest(checked.problem);
      await deps.intake.putEnrollment(user, checked.value.questions);
      return { status: 204 };
    }));
  };
}
