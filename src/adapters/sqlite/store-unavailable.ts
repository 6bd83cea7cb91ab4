// Every failure of the database (SQLITE_BUSY after busy_timeout, read-only file, disk full, I/O error,
// closed connection) becomes STORE.UNAVAILABLE: callers rely on that single code to fail closed.
import { HelpdeskError, isHelpdeskError } from '../../domain/errors';

export function storeUnavailable(what: string, cause: unknown): HelpdeskError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new HelpdeskError('STORE.UNAVAILABLE', `SQLite store: ${what} failed: ${detail}`, {}, { cause });
}

/** Runs `fn`, mapping anything it throws (other than our own coded errors) to STORE.UNAVAILABLE. */
export function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isHelpdeskError(e)) throw e;
    throw storeUnavailable(what, e);
  }
}
