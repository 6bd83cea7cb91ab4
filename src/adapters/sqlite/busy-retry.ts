// better-sqlite3 is synchronous: with a busy_timeout, a write that meets another process's lock (a stuck
// backup, a second writer) waits inside the call, and the whole process waits with it — every request,
// /healthz included. So the connections do not wait (busy_timeout 0): such a write fails at once with
// SQLITE_BUSY having done nothing (the statement, or its whole transaction, is rolled back), and the
// repository call is tried again after a timer, the event loop free meanwhile, with a bounded backoff until
// its deadline; then STORE.UNAVAILABLE as before (fail closed). A repository call is one write unit (one
// statement or one transaction, or steps each safe to repeat), so trying it again cannot do it twice.
import { isHelpdeskError } from '../../domain/errors';

/** The first pause after a busy answer; each next one doubles, up to MAX_PAUSE_MS. */
const FIRST_PAUSE_MS = 2;
const MAX_PAUSE_MS = 50;

/** STORE.UNAVAILABLE because another connection held the lock (SQLITE_BUSY and its extended codes). */
export function isBusy(e: unknown): boolean {
  if (!isHelpdeskError(e) || e.code !== 'STORE.UNAVAILABLE') return false;
  const code = (e.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Calls `attempt` until it settles with anything but a busy refusal, or until `waitMs` have passed. The first
 * try starts in the caller's turn, as an unwrapped call would (group commit batches by turn).
 */
export async function retryWhileBusy<T>(waitMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + waitMs;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(2 * pause, MAX_PAUSE_MS)) {
    try {
      return await attempt();
    } catch (e) {
      const left = deadline - performance.now();
      if (!isBusy(e) || left <= 0) throw e;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, pause)));
    }
  }
}

/** The repository with each of its asynchronous methods retried while the store is busy. */
export function retryingWhileBusy<R extends object>(repository: R, waitMs: number): R {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(repository)) {
    wrapped[name] = typeof member === 'function'
      ? (...args: unknown[]) => retryWhileBusy(waitMs, async () => (member as (...a: unknown[]) => unknown).apply(repository, args))
      : member;
  }
  return wrapped as R;
}

/** Every repository of `store` retried while busy; its own functions (ping, close) left as they are. */
export function retryingStoreWhileBusy<S extends object>(store: S, waitMs: number): S {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    wrapped[name] = typeof member === 'object' && member !== null ? retryingWhileBusy(member, waitMs) : member;
  }
  return wrapped as S;
}
