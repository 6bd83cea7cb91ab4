// The logging the service needs. pino's Logger satisfies it. Never pass a secret in `fields`:
// the logger redacts known secret-bearing keys, but the rule is not to log them at all.
export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  debug(fields: object, message: string): void;
  /**
   * Runs `run` so that every line logged while it runs (by whoever logs, adapters included) carries
   * these fields: the request's correlation id and surface. Optional: a logger without it logs as is.
   */
  scope?<T>(fields: LogScope, run: () => T): T;
}

/** What every log line of one request carries. */
export interface LogScope {
  readonly correlationId: string;
  readonly surface: string;
}

/** `run` inside the logger's request scope, where the logger has one. */
export function inLogScope<T>(logger: Logger, fields: LogScope, run: () => T): T {
  return logger.scope ? logger.scope(fields, run) : run();
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
