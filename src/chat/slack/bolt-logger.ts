// Bolt's and the Slack Web API client's logging, sent to our logger. Their debug output is dropped on
// purpose: the Web API client logs request bodies at debug level, and a body may hold a one-time secret
// (a password posted ephemerally to its asker). Info becomes debug; warnings and errors pass.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../ports/logger.port';

function describe(parts: readonly unknown[]): { message: string; err?: Error } {
  let err: Error | undefined;
  const texts = parts.map((p) => {
    if (p instanceof Error) {
      err ??= p;
      return p.message;
    }
    if (typeof p === 'string') return p;
    try {
      return JSON.stringify(p);
    } catch {
      return String(p);
    }
  });
  return { message: texts.join(' ').slice(0, 2000), ...(err ? { err } : {}) };
}

export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  let name = 'slack';
  const fields = (extra: { err?: Error }) => ({ surface: 'slack', component: name, ...extra });
  return {
    debug() {
      // dropped: see the file comment
    },
    info(...msg: unknown[]) {
      const { message, ...extra } = describe(msg);
      logger.debug(fields(extra), message);
    },
    warn(...msg: unknown[]) {
      const { message, ...extra } = describe(msg);
      logger.warn(fields(extra), message);
    },
    error(...msg: unknown[]) {
      const { message, ...extra } = describe(msg);
      logger.error(fields(extra), message);
    },
    setLevel(l: LogLevel) {
      level = l;
    },
    getLevel() {
      return level;
    },
    setName(n: string) {
      name = n;
    },
  };
}
