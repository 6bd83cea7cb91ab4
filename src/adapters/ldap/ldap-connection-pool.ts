// A few long-lived, bound LDAPS connections, shared by all operations (LDAP multiplexes requests
// on one connection by message id). A connection is opened when every open one is busy, up to
// `size`; one that fails at the transport level is dropped and replaced on next use. Every
// operation, connecting and binding included, is bounded by `timeoutMs`.
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import { HelpdeskError } from '../../domain/errors';
import type { Logger } from '../../ports/logger.port';
import { DeadlineExceeded, isConnectionFailure, type LdapAction, toDirectoryError } from './ldap-errors';

export interface PoolOptions {
  readonly url: string;
  readonly bindDN: string;
  readonly bindPassword: string;
  readonly tlsOptions?: ConnectionOptions;
  readonly timeoutMs: number;
  readonly size: number;
  readonly logger: Logger;
}

interface Slot {
  readonly client: Client;
  /** Resolves once connected and bound. */
  readonly ready: Promise<Client>;
  /** Set when the bind succeeded: an operation failing on a slot that was already up may retry. */
  bound: boolean;
  inflight: number;
}

export class LdapConnectionPool {
  private slots: Slot[] = [];
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  /**
   * Runs `op` on a bound connection within the deadline. `retry`: on a transport failure of a
   * connection that had been working (e.g. the DC restarted, or closed an idle connection), run
   * once more on a new connection. Only for operations that are safe to repeat.
   */
  async run<T>(action: LdapAction, op: (client: Client) => Promise<T>, retry: boolean): Promise<T> {
    if (this.closed) throw new HelpdeskError('DIR.UNAVAILABLE', 'the directory adapter is closed');
    const deadline = Date.now() + this.options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineExceeded(this.options.timeoutMs)), this.options.timeoutMs);
    });
    try {
      // ldapts' own timeouts (same length) destroy a hung socket, so the losing promise settles too.
      return await Promise.race([this.attempt(op, retry, deadline), expired]);
    } catch (e) {
      const error = toDirectoryError(e, action, this.options.url);
      if (error.code === 'DIR.UNAVAILABLE') {
        this.options.logger.warn({ url: this.options.url, action, code: error.code }, error.message);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    // A connection still binding is closed once its bind settles (else it would stay open).
    await Promise.all(slots.map((s) => s.ready.then(() => this.unbindQuietly(s.client), () => undefined)));
  }

  private async attempt<T>(op: (client: Client) => Promise<T>, retry: boolean, deadline: number): Promise<T> {
    for (let tries = 0; ; tries++) {
      const slot = this.pick();
      const wasUp = slot.bound;
      slot.inflight++;
      try {
        // A bound connection is used at once: awaiting its settled `ready` would let the caller's next
        // synchronous work run before this operation is even sent (the walk ahead waited on the entry's mapping).
        const client = slot.bound ? slot.client : await slot.ready;
        if (!client.isBound) {
          // The connection closed while idle: nothing was sent yet, so taking another is always safe. After
          // a DC restart every idle one is closed: each is dropped in turn, and the last try opens a new one.
          this.drop(slot);
          if (tries <= this.options.size) continue;
          throw new Error('Socket connection not established');
        }
        return await op(client);
      } catch (e) {
        if (!isConnectionFailure(e)) throw e;
        this.drop(slot);
        if (!(retry && wasUp && tries === 0 && Date.now() < deadline)) throw e;
        this.options.logger.info({ url: this.options.url }, 'directory connection lost; retrying on a new connection');
      } finally {
        slot.inflight--;
      }
    }
  }

  /** An idle connection if there is one, else a new one while under `size`, else the least busy. */
  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (best === undefined || s.inflight < best.inflight) best = s;
    if (best !== undefined && (best.inflight === 0 || this.slots.length >= this.options.size)) return best;
    return this.open();
  }

  private open(): Slot {
    const { url, timeoutMs, tlsOptions, bindDN, bindPassword } = this.options;
    const client = new Client({
      url,
      timeout: timeoutMs,
      connectTimeout: timeoutMs,
      tlsOptions,
      // Should the socket drop between our isBound check and an operation, ldapts reconnects by
      // itself; replaying the bind keeps that operation from running unauthenticated.
      autoRebind: true,
    });
    const slot: Slot = {
      client,
      ready: client.bind(bindDN, bindPassword).then(() => {
        slot.bound = true;
        return client;
      }),
      bound: false,
      inflight: 0,
    };
    slot.ready.catch(() => this.drop(slot)); // the waiting operation reports the error
    this.slots.push(slot);
    return slot;
  }

  private drop(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    void this.unbindQuietly(slot.client);
  }

  private async unbindQuietly(client: Client): Promise<void> {
    try {
      await client.unbind();
    } catch {
      // already gone: nothing to release
    }
  }
}
