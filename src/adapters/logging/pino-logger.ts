// Structured JSON logs (pino). Secret-bearing fields are redacted wherever they appear, as a second line
// of defence: the code's rule is never to pass a PIN, password, answer or token to the logger at all.
import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';
import type { Logger, LogScope } from '../../ports/logger.port';

export const REDACTED_KEYS = [
  'password', 'newPassword', 'bindPassword', 'pin', 'secret', 'secrets', 'answer', 'answers', 'token',
  'authorization', 'cookie', 'MicrosoftAppPassword', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SECRETS_KEY',
  'PORTAL_API_TOKEN', 'METRICS_TOKEN', 'LDAP_BIND_PASSWORD', 'unicodePwd', 'value',
] as const;

function redactPaths(): string[] {
  // Top level, one level down and two levels down (e.g. req.headers.authorization).
  return REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
}

/**
 * Errors are logged by name, message, code and stack only: SDK errors (HTTP clients, LDAP) may carry the
 * request they failed on as a property, and a request can hold a card with a one-time password.
 */
function errorSummary(err: unknown): object {
  if (!(err instanceof Error)) return { message: String(err) };
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  return {
    type: err.name,
    message: err.message,
    ...(code !== undefined ? { code } : {}),
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(err.stack ? { stack: err.stack } : {}),
    ...(err.cause !== undefined ? { cause: errorSummary(err.cause) } : {}),
  };
}

/**
 * The request a line is logged for: entered by `scope` (the chat surfaces, around each request) and read
 * by every line logged meanwhile, whoever logs it, so an adapter's line (LDAP, Twilio) carries the id too.
 */
const requestScope = new AsyncLocalStorage<LogScope>();

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger & pino.Logger {
  const logger = pino(
    {
      level: options.level,
      base: { service: 'mypass-helpdesk' },
      // A fresh object each time: pino merges the call's own fields into it (theirs win).
      mixin: () => ({ ...requestScope.getStore() }),
      redact: { paths: redactPaths(), censor: '[redacted]' },
      serializers: { err: errorSummary },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
  return Object.assign(logger, { scope: <T>(fields: LogScope, run: () => T): T => requestScope.run({ correlationId: fields.correlationId, surface: fields.surface }, run) });
}
