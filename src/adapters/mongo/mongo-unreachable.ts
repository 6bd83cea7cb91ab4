// An agent on the phone waits for a store that is down about one timeout per action, not one per call.
// Without this, every call paid its own full wait for a server: an unlock's confirm waited for the token's
// read (the server selection timeout), then as long again for the audit record of that failure. So once a
// call has waited its full bound for no server (none selected, or the socket timed out), the server is held
// unreachable: a call meanwhile first waits for one shared, side-effect-free ping (the driver reconnects
// and the ping passes as soon as the server answers again), at most QUICK_MS; if the server has not
// answered by then the call fails at once with STORE.UNAVAILABLE, never having started (fail closed).
import { MongoNetworkTimeoutError, MongoServerSelectionError } from 'mongodb';
import { isHelpdeskError } from '../../domain/errors';
import { mongoUnavailable } from './mongo-errors';

/** How long a call waits for the shared ping while the server is held unreachable. */
export const QUICK_MS = 500;

/** A failure that already cost its caller the full wait for a server. */
function waitedForNoServer(e: unknown): boolean {
  const cause = isHelpdeskError(e) && e.code === 'STORE.UNAVAILABLE' ? e.cause : undefined;
  return cause instanceof MongoServerSelectionError || cause instanceof MongoNetworkTimeoutError;
}

/** `store` with every repository method (and ping) refused quickly while the server is held unreachable. */
export function failingFastWhileUnreachable<S extends object>(store: S, ping: () => Promise<unknown>): S {
  let unreachable = false;
  let pinging: Promise<boolean> | undefined;

  /** The shared ping's verdict, or false once QUICK_MS have passed without one. */
  function answersAgain(): Promise<boolean> {
    pinging ??= ping().then(() => {
      unreachable = false;
      return true;
    }, () => false).finally(() => {
      pinging = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), QUICK_MS)));
    return Promise.race([pinging, late]).finally(() => clearTimeout(timer));
  }

  function guarded(what: string, fn: (...args: unknown[]) => unknown, self: unknown) {
    return async (...args: unknown[]) => {
      if (unreachable && !(await answersAgain())) {
        throw mongoUnavailable(what, new Error('the server has not answered since a call waited its full timeout'));
      }
      try {
        return await fn.apply(self, args);
      } catch (e) {
        if (waitedForNoServer(e)) unreachable = true;
        throw e;
      }
    };
  }
  function wrap<R extends object>(prefix: string, target: R): R {
    const wrapped: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(target)) {
      if (name === 'close') wrapped[name] = member; // closing waits for no server
      else if (typeof member === 'function') wrapped[name] = guarded(`${prefix}${name}`, member as (...args: unknown[]) => unknown, target);
      else wrapped[name] = typeof member === 'object' && member !== null ? wrap(`${name} `, member) : member;
    }
    return wrapped as R;
  }
  return wrap('', store);
}
