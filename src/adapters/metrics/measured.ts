// A measuring decorator for any port: every method call (nested repositories too, `store.approvals.decide`)
// is timed and its failures counted, under the peer's name and the method's path. Labels are method names
// and coded errors only: a call's arguments and results are never looked at here, so nothing a user typed,
// no login, address or secret can become a label.

/** What a call came to, for the recorder: its duration and, when it failed, the error's code. */
export interface MeasuredCall {
  readonly peer: string;
  readonly operation: string;
  readonly seconds: number;
  /** Absent on success. */
  readonly error?: string;
}

/** Extra bookkeeping after a call succeeded (e.g. texts sent), by operation; it must not throw. */
export type AfterCall = (operation: string, args: readonly unknown[], result: unknown) => void;

/** An error's code when it is one of ours (`DIR.UNAVAILABLE`) or a system one (`ECONNRESET`); else `error`. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,30}(\.[A-Z][A-Z0-9_]{1,30})?$/.test(code) ? code : 'error';
}

export function measured<T extends object>(peer: string, target: T, record: (call: MeasuredCall) => void, after?: AfterCall, path = ''): T {
  const nested = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver);
      if (typeof key !== 'string') return value;
      const operation = path + key;
      if (typeof value === 'function') {
        // Called on the target itself: classes with private fields refuse a proxy as `this`.
        return (...args: unknown[]) => timed(operation, () => (value as (...a: unknown[]) => unknown).apply(obj, args), args);
      }
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !Buffer.isBuffer(value)) {
        if (!nested.has(key)) nested.set(key, measured(peer, value, record, after, `${operation}.`));
        return nested.get(key);
      }
      return value;
    },
  });

  function timed(operation: string, call: () => unknown, args: readonly unknown[]): unknown {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const done = (result: unknown) => {
      record({ peer, operation, seconds: seconds() });
      after?.(operation, args, result);
      return result;
    };
    const failed = (err: unknown): never => {
      record({ peer, operation, seconds: seconds(), error: errorCode(err) });
      throw err;
    };
    let result: unknown;
    try {
      result = call();
    } catch (err) {
      return failed(err);
    }
    return isThenable(result) ? Promise.resolve(result).then(done, failed) : done(result);
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}
