// "I'll update this message with the ticket": when an escalation's ticket could not be created at once,
// the surface that showed "ticket to follow" registers here how to update that message. When the
// background retry creates the ticket, the asker's own `ticket.show` answer (role re-checked) replaces
// the message. Like the auto-hide timers this lives in the process only (bounded): after a restart the
// ticket is still created, but the old message is not updated.
import type { Logger } from '../../ports/logger.port';
import type { TicketListener } from '../../service/tickets';
import type { View } from '../../service/kernel';

export interface PendingTicketMessage {
  /** The asker's `ticket.show` answer. */
  readonly press: () => Promise<View>;
  /** Puts the answer in place of (or after) the "ticket to follow" message. */
  readonly replace: (view: View) => Promise<void>;
}

export const MAX_WATCHED = 1000;

export class TicketWatch {
  private readonly pending = new Map<string, PendingTicketMessage[]>();
  private readonly running = new Set<Promise<void>>();
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly logger: Logger,
    tickets: { onCreated(listener: TicketListener): () => void } | undefined,
    private readonly max = MAX_WATCHED,
  ) {
    this.unsubscribe = tickets?.onCreated((ref) => this.fire(ref));
  }

  watch(ref: string, message: PendingTicketMessage): void {
    for (const oldest of this.pending.keys()) {
      if (this.pending.size < this.max) break;
      this.pending.delete(oldest);
    }
    this.pending.set(ref, [...(this.pending.get(ref) ?? []), message].slice(-10));
  }

  get size(): number {
    return this.pending.size;
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  close(): void {
    this.pending.clear();
    this.unsubscribe?.();
  }

  private fire(ref: string): void {
    const messages = this.pending.get(ref);
    if (!messages) return;
    this.pending.delete(ref);
    for (const m of messages) {
      const run = (async () => m.replace(await m.press()))()
        .catch((err: unknown) => this.logger.error({ err }, 'could not update an escalation message'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }
}
