// The logging the service needs. pino's Logger satisfies it. Never pass a secret in `fields`:
// the logger redacts known secret-bearing keys, but the rule is not to log them at all.
export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
