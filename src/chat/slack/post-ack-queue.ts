// The work Slack requests cause after their ack (identity, the service, posting the answer) runs through
// a small FIFO queue with a concurrency limit, one start per turn of the event loop. Under a burst, the
// acks of newly arrived requests go out first and the answers wait their turn here, instead of every
// request's work piling onto the event loop between Slack's request and our ack.
//
// Two at a time: in `npm run bench` (50 concurrent senders, Samba AD) it kept the ack p99 well under the
// 100 ms budget where 4 and 8 did not, at no loss of throughput (the work is mostly waiting on the
// directory; a few hundred commands per second either way, far above what 50 agents type).
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

export class PostAckQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

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

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const start = this.waiting.shift()!;
      this.running++;
      // setImmediate: after the poll phase, so requests already waiting are read and acked first.
      setImmediate(start);
    }
  }
}
