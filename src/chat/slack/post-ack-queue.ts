// The work Slack requests cause after their ack (identity, the service, posting the answer) runs through
// a small FIFO queue with a concurrency limit. Under a burst, the acks of newly arrived requests go out
// first and the answers wait their turn here, instead of every request's work piling onto the event loop
// between Slack's request and our ack.
//
// Work starts only in a turn of the event loop in which the server accepted no new connection (at most
// MAX_HOLD_MS later). Node 20 (libuv 1.46) accepts one connection per turn of the loop (strace: one
// accept4 per epoll_wait, with the kernel's queue still full), so under a burst of simultaneous requests
// the last of them waits in the kernel's queue for as many turns as came before it, and every turn spent
// on an answer's directory or store work was a turn it waited (the bench measured the 50th of a burst
// accepted ~100 ms after it connected, 2–3 ms a turn). A turn without an accept: the queue is empty.
//
// Two at a time: in `npm run bench` (50 concurrent senders, Samba AD) it kept the ack p99 lower than 4 and
// 8 did, at no loss of throughput (the work is mostly waiting on the directory; a few hundred commands per
// second either way, far above what 50 agents type).
//
// Safe per process (several replicas): it holds only this process's own requests, already acked, for a
// moment; nothing in it is a rule. What must hold once (a token, a decision, a limit) is decided in the
// store by the service, whichever replica runs the work; a replica that dies with work waiting loses those
// answers, and the agent types the command again.
export const DEFAULT_POST_ACK_CONCURRENCY = 2;
/**
 * Work waiting for a slot, at most. Each waiting request holds its parsed body and a Bolt context; past
 * this, a burst would grow memory without end and answer minutes late, so the asker is told to retry.
 */
export const DEFAULT_POST_ACK_MAX_PENDING = 200;
/** Work waits at most this long for a turn without a new connection (a steady stream of them never stops it). */
export const MAX_HOLD_MS = 100;

export class PostAckQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Connections accepted since the gate last looked, and since when it holds the works in `starting`. */
  private arrivals = 0;
  private holdingSince: number | undefined;
  /** Works given a slot, to start at the gate's next open turn. */
  private starting: (() => void)[] = [];

  constructor(
    private readonly concurrency = DEFAULT_POST_ACK_CONCURRENCY,
    private readonly maxPending = DEFAULT_POST_ACK_MAX_PENDING,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a positive integer');
    if (!Number.isInteger(maxPending) || maxPending < 0) throw new RangeError('maxPending must be a whole number');
  }

  /**
   * Runs `work` when a slot is free, at the earliest on the next turn of the event loop. When `maxPending`
   * works are already waiting, `work` is dropped and `whenFull` runs instead, at once and outside the
   * queue (a single short answer: "busy, try again").
   */
  async run<T>(work: () => Promise<T>, whenFull?: () => Promise<T>): Promise<T> {
    if (this.waiting.length >= this.maxPending) {
      if (whenFull) return whenFull();
      throw new Error('the post-ack queue is full');
    }
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.pump();
    });
    try {
      return await work();
    } finally {
      this.running--;
      this.pump();
    }
  }

  get pending(): number {
    return this.waiting.length;
  }

  /** The HTTP server accepted a connection (its 'connection' event): a request may be on its way to an ack. */
  noteConnection(): void {
    this.arrivals++;
  }

  private pump(): void {
    const idle = this.starting.length === 0;
    while (this.running < this.concurrency && this.waiting.length > 0) {
      this.running++;
      this.starting.push(this.waiting.shift()!);
    }
    // setImmediate: after the poll phase, so requests already waiting are read and acked first.
    if (idle && this.starting.length > 0) setImmediate(() => this.open());
  }

  /** In the check phase: starts the works given a slot, unless this turn accepted a connection (up to MAX_HOLD_MS). */
  private open(): void {
    const now = Date.now();
    const arrived = this.arrivals > 0;
    this.arrivals = 0;
    if (arrived && now - (this.holdingSince ??= now) < MAX_HOLD_MS) {
      setImmediate(() => this.open());
      return;
    }
    this.holdingSince = undefined;
    const starts = this.starting;
    this.starting = [];
    for (const start of starts) start();
  }
}
