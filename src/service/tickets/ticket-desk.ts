// Escalations into the ticket system (the TicketSink port), with the rules that hold whatever the system:
//
// - One active ticket per user: a later escalation, or a follow-up after a helpdesk action, becomes a
//   comment on the open ticket (found by our reference, kept in our store and in the ticket). A ticket the
//   system reports closed is marked so, and the next escalation opens a new one.
// - Nothing is lost when the system is down: the ticket is kept as pending (with its full text) and retried
//   in the background with exponential backoff; comments wait in the store until they are posted. A retry
//   first looks the reference up in the system (a create whose answer was lost is found, not repeated);
//   a webhook gets the same delivery id instead. A refusal (credentials, rights) is not retried.
// - Listeners (the chat surfaces) are told when a retried ticket exists.
// - Several replicas share the store: a ticket's create and the posting of its comments are each done by
//   one replica at a time, the one holding the work's lease (a unique-key insert in the store, released
//   when done; a replica that dies mid-way leaves it to expire and another takes over). The holder reads
//   the record again after leasing, so work another replica finished meanwhile is not done twice.
// A ticket text never holds a secret (ticket-text.ts builds it).
import { randomBytes } from 'node:crypto';
import { isHelpdeskError } from '../../domain/errors';
import type { Clock } from '../../ports/clock.port';
import type { EscalationRecord, EscalationRepository } from '../../ports/escalations.port';
import type { Logger } from '../../ports/logger.port';
import type { PendingWorkRepository } from '../../ports/pending-work.port';
import type { TicketHandle, TicketSink, TicketSinkKind } from '../../ports/ticket-sink.port';

export interface TicketDraftInput {
  readonly subject: string;
  readonly body: string;
  readonly requestor?: string;
}

export type EscalationOutcome =
  | { readonly kind: 'created'; readonly ref: string; readonly ticket: TicketHandle }
  | { readonly kind: 'commented'; readonly ref: string; readonly ticket: TicketHandle; readonly posted: boolean }
  | { readonly kind: 'pending'; readonly ref: string; readonly queued: boolean }
  | { readonly kind: 'already'; readonly ref: string; readonly ticket?: TicketHandle }
  | { readonly kind: 'refused'; readonly ref: string };

export interface RetryPolicy {
  /** The first pause after a failed create (doubling up to maxMs). */
  readonly firstMs: number;
  readonly maxMs: number;
  /** How often the background loop looks for due work (after a restart too). */
  readonly pollMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { firstMs: 5_000, maxMs: 10 * 60_000, pollMs: 5_000 };
/** The same reason for the same user within this time is one escalation (a double click, "Show details" pressed twice). */
export const SAME_REASON_MS = 10 * 60_000;

/** A create or a round of comments outlives no lease: longer than the ticket system's own timeouts. */
export const TICKET_LEASE_MS = 2 * 60_000;

/** The leases that make one replica do a ticket's work at a time. */
export type WorkLeases = Pick<PendingWorkRepository, 'lease' | 'remove'>;

export type TicketListener = (ref: string, ticket: TicketHandle) => void;

export class TicketDesk {
  private readonly listeners = new Set<TicketListener>();
  private readonly busy = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly sink: TicketSink,
    private readonly repo: EscalationRepository,
    private readonly leases: WorkLeases,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  get kind(): TicketSinkKind {
    return this.sink.kind;
  }

  /** Called with every ticket created by a background retry. Returns the unsubscribe. */
  onCreated(listener: TicketListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(ref: string): Promise<EscalationRecord | undefined> {
    return this.repo.get(ref);
  }

  /** A new ticket for `user`, or `comment` on their open one. */
  async escalate(user: string, draft: TicketDraftInput, comment: string, reasonKey: string): Promise<EscalationOutcome> {
    const login = user.toLowerCase();
    for (let round = 0; round < 5; round++) {
      const now = this.clock.now();
      const active = await this.stillActive(await this.repo.active(login, this.sink.kind));
      // Being created right now (a concurrent escalation): wait for that attempt, then look again.
      const creating = active?.state === 'pending' ? this.busy.get(active.ref) : undefined;
      if (creating) {
        await creating.catch(() => undefined);
        continue;
      }
      if (active) {
        if (await this.repo.hasReason(active.ref, reasonKey, new Date(now.getTime() - SAME_REASON_MS))) {
          return { kind: 'already', ref: active.ref, ...(active.ticket ? { ticket: active.ticket } : {}) };
        }
        await this.repo.addComment(active.ref, comment, now, reasonKey);
        if (active.state === 'open' && active.ticket) {
          return { kind: 'commented', ref: active.ref, ticket: active.ticket, posted: await this.flush(active.ref) };
        }
        return { kind: 'pending', ref: active.ref, queued: true };
      }
      const record: EscalationRecord = {
        ref: `mypass-${randomBytes(12).toString('hex')}`,
        user: login,
        sink: this.sink.kind,
        state: 'pending',
        subject: draft.subject,
        body: draft.body,
        ...(draft.requestor ? { requestor: draft.requestor } : {}),
        reasonKey,
        createdAt: now,
        attempts: 0,
      };
      // Lost a race with another escalation of the same user: go round and comment on theirs.
      if (!(await this.repo.insert(record))) continue;
      return this.once(record.ref, () => this.leased(record.ref));
    }
    throw new Error('escalation: the active ticket kept changing');
  }

  /** A comment on the user's active ticket, if they have one (posted now, or kept until it can be). Never throws. */
  async followUp(user: string, text: string): Promise<boolean> {
    try {
      const active = await this.repo.active(user.toLowerCase(), this.sink.kind);
      if (!active) return false;
      await this.repo.addComment(active.ref, text, this.clock.now());
      if (active.state === 'open') void this.flush(active.ref);
      return true;
    } catch (err) {
      this.logger.warn({ err }, 'ticket follow-up not recorded');
      return false;
    }
  }

  /** Starts the background retries (src/main.ts). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.retry.pollMs);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves when the work in progress is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.ticking || this.busy.size > 0) await Promise.allSettled([this.ticking, ...this.busy.values()]);
  }

  /** One round of background work: due creates, then comments still to post. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        for (const record of await this.repo.due(this.clock.now(), 20)) {
          if (!this.busy.has(record.ref)) await this.once(record.ref, () => this.leased(record.ref));
        }
        for (const ref of await this.repo.openWithUnsentComments(20)) await this.flush(ref);
      } catch (err) {
        this.logger.warn({ err }, 'ticket retry round failed');
      } finally {
        this.ticking = undefined;
      }
    })();
    return this.ticking;
  }

  /** An open ticket the system closed meanwhile is marked closed (and no longer active). */
  private async stillActive(active: EscalationRecord | undefined): Promise<EscalationRecord | undefined> {
    if (active?.state !== 'open' || !active.ticket) return active;
    try {
      if ((await this.sink.state(active.ticket)) === 'open') return active;
    } catch (err) {
      if (!isHelpdeskError(err)) throw err;
      return active; // cannot tell: the comment waits for it
    }
    await this.repo.setState(active.ref, 'closed', this.clock.now());
    return undefined;
  }

  /** `work` under the store's lease of `key`; undefined when another replica holds it. */
  private async underLease<T>(key: string, work: () => Promise<T>): Promise<T | undefined> {
    const now = this.clock.now();
    if (!(await this.leases.lease(key, now, new Date(now.getTime() + TICKET_LEASE_MS)))) return undefined;
    try {
      return await work();
    } finally {
      await this.leases.remove(key).catch((err: unknown) => this.logger.warn({ err }, 'ticket lease not released; it expires by itself'));
    }
  }

  /** The create of a pending ticket, by the one replica leasing it, on the record as it is now (another may have created it). */
  private async leased(ref: string): Promise<EscalationOutcome> {
    const done = await this.underLease(`ticket-create:${ref}`, async (): Promise<EscalationOutcome> => {
      const record = await this.repo.get(ref);
      if (record?.state !== 'pending') return { kind: 'already', ref, ...(record?.ticket ? { ticket: record.ticket } : {}) };
      if (record.nextAttemptAt && record.nextAttemptAt > this.clock.now()) return { kind: 'pending', ref, queued: false };
      return this.attempt(record);
    });
    return done ?? { kind: 'pending', ref, queued: false };
  }

  private async attempt(record: EscalationRecord): Promise<EscalationOutcome> {
    const ref = record.ref;
    try {
      // A retry looks first: the previous create may have reached the system with its answer lost.
      const found = record.attempts > 0 ? await this.sink.findByRef(ref) : undefined;
      const ticket = found ?? (await this.sink.create({ ref, subject: record.subject, body: record.body, ...(record.requestor ? { requestor: record.requestor } : {}) }));
      await this.repo.created(ref, ticket, this.clock.now());
      this.logger.info({ ref, ticket: ticket.label, retried: record.attempts > 0 }, 'escalation ticket created');
      if (record.attempts > 0) for (const listener of this.listeners) listener(ref, ticket);
      await this.flush(ref);
      return { kind: 'created', ref, ticket };
    } catch (err) {
      if (!isHelpdeskError(err)) throw err;
      const now = this.clock.now();
      if (err.code === 'TICKETS.REJECTED') {
        this.logger.error({ ref, err }, 'the ticket system refused an escalation; not retried');
        await this.repo.setState(ref, 'failed', now, err.message);
        return { kind: 'refused', ref };
      }
      const pause = Math.min(this.retry.maxMs, this.retry.firstMs * 2 ** record.attempts);
      this.logger.warn({ ref, err, retryInMs: pause }, 'escalation ticket not created yet; will retry');
      await this.repo.attemptFailed(ref, err.message, new Date(now.getTime() + pause), now);
      return { kind: 'pending', ref, queued: false };
    }
  }

  /** Posts the ticket's waiting comments in order; false when one could not be posted (it stays for later). */
  private flush(ref: string): Promise<boolean> {
    return this.once(`${ref}:comments`, async () => (await this.underLease(`ticket-comments:${ref}`, async () => {
      const record = await this.repo.get(ref);
      if (record?.state !== 'open' || !record.ticket) return false;
      for (const c of await this.repo.unsentComments(ref)) {
        try {
          await this.sink.comment(record.ticket, c.text);
        } catch (err) {
          if (!isHelpdeskError(err)) throw err;
          this.logger.warn({ ref, err }, 'ticket comment not posted yet; will retry');
          return false;
        }
        await this.repo.commentSent(c.id, this.clock.now());
      }
      return true;
    })) ?? false);
  }

  /** One piece of work per key at a time: a second caller waits for the first and then runs. */
  private async once<T>(key: string, work: () => Promise<T>): Promise<T> {
    while (this.busy.has(key)) await this.busy.get(key)?.catch(() => undefined);
    const p = work();
    this.busy.set(key, p);
    try {
      return await p;
    } finally {
      this.busy.delete(key);
    }
  }
}
