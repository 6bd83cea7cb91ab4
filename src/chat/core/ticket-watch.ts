// "I'll update this message with the ticket": when an escalation's ticket could not be created at once,
// the surface that showed "ticket to follow" registers here how to update that message. When the
// background retry creates the ticket, the asker's own `ticket.show` answer (role re-checked) replaces
// the message.
//
// Across replicas: with the store's pending work, a message the surface can describe (its `address`:
// where the message is and whom it is for) is kept there, grouped by the ticket's reference. Whichever
// replica's retry creates the ticket finds every such message, whoever showed it, and updates each once:
// it leases the work (a unique-key insert) and removes it when done (a checked delete). A message without
// an address (the local console: its conversations live in this one process), every message when no
// store is given or the store fails, stays in this process only (bounded): after a restart the ticket is
// still created, but such a message is not updated.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../ports/logger.port';
import type { TicketListener } from '../../service/tickets';
import type { View } from '../../service/kernel';
import { doEachLeased, inGroups, type WorkStore } from './stored-work';

export interface PendingTicketMessage {
  /** The asker's `ticket.show` answer. */
  readonly press: () => Promise<View>;
  /** Puts the answer in place of (or after) the "ticket to follow" message. */
  readonly replace: (view: View) => Promise<void>;
}

/** The store's side: where the messages are kept, and how a surface rebuilds one from its address. */
export interface StoredTicketMessages extends WorkStore {
  /** The surface's name ('teams', 'slack'): its messages are grouped under it, and it lists only them. */
  readonly surface: string;
  /** The message an address describes; undefined when this process cannot update it. */
  readonly revive: (ref: string, address: unknown) => PendingTicketMessage | undefined;
}

export const MAX_WATCHED = 1000;
/** An update in progress holds its lease this long; when the store cannot say who updates a message, none does. */
const UPDATE_LEASE = { leaseMs: 30_000 };
/** A message whose ticket never came is forgotten after this (the escalation's retries stop well before). */
const WATCH_KEPT_MS = 7 * 24 * 3600_000;

const group = (surface: string, ref: string) => `${surface}:ticket:${ref}`;
/**
 * The release before grouped every surface's messages alike (`ticket:<ref>`): still looked up, by every
 * surface, each reviving only its own addresses, until they are forgotten (WATCH_KEPT_MS); then drop it.
 */
const groupBeforeSurfaces = (ref: string) => `ticket:${ref}`;

export class TicketWatch {
  private readonly pending = new Map<string, PendingTicketMessage[]>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly logger: Logger,
    tickets: { onCreated(listener: TicketListener): () => void } | undefined,
    private readonly max = MAX_WATCHED,
    private readonly stored?: StoredTicketMessages,
  ) {
    this.unsubscribe = tickets?.onCreated((ref) => this.fire(ref));
  }

  /** `address`: how another replica finds the message (JSON, no secret); without it the message is this process's only. */
  watch(ref: string, message: PendingTicketMessage, address?: unknown): void {
    const store = address !== undefined ? this.stored : undefined;
    if (!store) return this.keep(ref, message);
    const now = store.clock.now();
    const work = { key: `${group(store.surface, ref)}:${randomUUID()}`, group: group(store.surface, ref), payload: JSON.stringify(address), expiresAt: new Date(now.getTime() + WATCH_KEPT_MS) };
    this.track(store.work.add(work, now).catch((err: unknown) => {
      this.logger.warn({ err }, 'an escalation message is kept in this process only');
      this.keep(ref, message);
    }));
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

  private keep(ref: string, message: PendingTicketMessage): void {
    for (const oldest of this.pending.keys()) {
      if (this.pending.size < this.max) break;
      this.pending.delete(oldest);
    }
    this.pending.set(ref, [...(this.pending.get(ref) ?? []), message].slice(-10));
  }

  private fire(ref: string): void {
    const messages = this.pending.get(ref) ?? [];
    this.pending.delete(ref);
    for (const m of messages) this.track(this.update(m));
    if (this.stored) this.track(this.fireStored(ref, this.stored));
  }

  /** The ticket's messages kept in the store, each updated by the replica that leases it. */
  private async fireStored(ref: string, store: StoredTicketMessages): Promise<void> {
    try {
      const now = store.clock.now();
      const listed = await inGroups(store.work, [group(store.surface, ref), groupBeforeSurfaces(ref)], now);
      await doEachLeased(store, listed, (work) => store.revive(ref, JSON.parse(work.payload)), UPDATE_LEASE, (message) => this.update(message));
    } catch (err) {
      this.logger.warn({ err }, 'could not look up the escalation messages to update');
    }
  }

  private async update(m: PendingTicketMessage): Promise<boolean> {
    try {
      await m.replace(await m.press());
      return true;
    } catch (err) {
      this.logger.error({ err }, 'could not update an escalation message');
      return false;
    }
  }

  private track(p: Promise<unknown>): void {
    const run = p.finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
