// Shown secrets hide themselves. When a surface shows a one-time secret it schedules, under the secret's
// reference, how to hide it: ask the service for the viewer's own `secret.hide` answer, and put that
// card in place of the message that shows the secret.
//
// Across replicas: with the store's pending work, a hide the surface can describe (where the message is,
// whom it is for: its `address`, never the secret) is also a due time in the store. This process's timer
// does it on time; should this process be gone by then, any replica's poll finds it due (after a grace,
// so the owner's own timer normally wins), rebuilds it from the address (`revive`), and does it — once:
// the doer leases the work in the store and removes it when done; a doer that dies mid-way leaves the
// lease to expire and another takes over. A hide without an address (the local console: its
// conversations live in this one process, on this machine) stays in this process only (bounded, cleared
// on shutdown), as does every hide when no store is given.
import type { Logger } from '../../ports/logger.port';
import type { PendingWork } from '../../ports/pending-work.port';
import type { View } from '../../service/kernel';
import { doEachLeased, doLeased, type Leasing, type WorkStore } from './stored-work';

export interface PendingHide {
  /** The card that replaces the secret: the service's answer to the viewer's `secret.hide`. */
  readonly press: () => Promise<View>;
  /** Puts `view` in place of the message that shows the secret. */
  readonly replace: (view: View) => Promise<void>;
}

/** The store's side: where hides are kept, and how a surface rebuilds one from its address. */
export interface StoredHides extends WorkStore {
  /** The surface's name ('teams', 'slack'): its hides are grouped under it, and its poll lists only them. */
  readonly surface: string;
  /** The hide an address describes; undefined when this process cannot do it. */
  readonly revive: (ref: string, address: unknown) => PendingHide | undefined;
  /** How often every replica looks for hides left undone (default 2 s), and how late they must be (default 2 s). */
  readonly pollMs?: number;
  readonly graceMs?: number;
}

export const MAX_PENDING_HIDES = 1000;
/** A hide in progress holds its lease this long; past it, another replica may do it. */
const HIDE_LEASE_MS = 30_000;
/** A hide nobody could do is forgotten this long after it was due. */
const HIDE_KEPT_MS = 10 * 60_000;

// The key stays `hide:<ref>` (one secret, one hide): replicas of the release before, still running during a
// rolling deploy, read the ref from it. The group carries the surface.
const workKey = (ref: string) => `hide:${ref}`;
const refOf = (key: string) => key.slice('hide:'.length);
const ownGroups = (surface: string) => `${surface}:hide:`;
/**
 * The release before grouped every surface's hides alike, by the key (`hide:<ref>`); such a hide left to
 * another replica (its own was stopped by the deploy) is still looked for, by every surface, each reviving
 * only its own addresses. Drop after the next release: they are forgotten HIDE_KEPT_MS after their due time,
 * at most SECRET_HIDE_SECONDS (30 min) after they were shown.
 */
const BEFORE_SURFACE_GROUPS = 'hide:';

export class AutoHide {
  private readonly pending = new Map<string, { readonly timer: NodeJS.Timeout; readonly hide: PendingHide; readonly stored: boolean }>();
  private readonly running = new Set<Promise<unknown>>();
  private poller: NodeJS.Timeout | undefined;

  /** A secret left shown is worse than one hidden twice: when the store cannot say who hides it, this process does. */
  private readonly leasing: Leasing = {
    leaseMs: HIDE_LEASE_MS,
    whenUnsure: (err) => {
      this.logger.warn({ err }, 'the store could not say who hides a shown secret; this process does');
      return true;
    },
  };

  constructor(
    private readonly logger: Logger,
    private readonly max = MAX_PENDING_HIDES,
    private readonly stored?: StoredHides,
  ) {}

  /** `address`: how another replica finds the message (JSON, no secret); without it the hide is this process's only. */
  schedule(ref: string, afterMs: number, hide: PendingHide, address?: unknown): void {
    this.forget(ref);
    // Bounded: past the limit the oldest secret is hidden early rather than never.
    for (const oldest of this.pending.keys()) {
      if (this.pending.size < this.max) break;
      this.fire(oldest);
    }
    const store = this.stored && address !== undefined ? this.stored : undefined;
    const timer = setTimeout(() => this.fire(ref), Math.max(0, afterMs));
    timer.unref();
    this.pending.set(ref, { timer, hide, stored: store !== undefined });
    if (store) {
      const now = store.clock.now();
      const dueAt = new Date(now.getTime() + Math.max(0, afterMs));
      const work: PendingWork = { key: workKey(ref), group: `${ownGroups(store.surface)}${ref}`, dueAt, payload: JSON.stringify(address), expiresAt: new Date(dueAt.getTime() + HIDE_KEPT_MS) };
      this.track(store.work.add(work, now).catch((err: unknown) => this.logger.warn({ err }, 'a shown secret\'s hide is kept in this process only')));
    }
  }

  /**
   * The viewer pressed Hide: the hide is dropped here and in the store; returns how to replace the
   * message, if still pending (this process's own, or rebuilt from the store when another replica showed it).
   */
  async take(ref: string): Promise<PendingHide | undefined> {
    const local = this.forget(ref);
    const store = this.stored;
    if (!store || (local && !local.stored)) return local?.hide;
    try {
      const [work] = local ? [] : await this.storedHide(ref, store);
      const removed = await store.work.remove(workKey(ref));
      if (local) return local.hide;
      return removed && work ? store.revive(ref, JSON.parse(work.payload)) : undefined;
    } catch (err) {
      this.logger.warn({ err }, 'could not drop a shown secret\'s hide from the store');
      return local?.hide;
    }
  }

  get size(): number {
    return this.pending.size;
  }

  /** Every replica looks for hides another left undone (src/main.ts; with a store only). */
  start(): void {
    if (!this.stored || this.poller) return;
    this.poller = setInterval(() => this.track(this.pollOnce()), this.stored.pollMs ?? 2_000);
    this.poller.unref();
  }

  /** Resolves when the hides already firing have finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Shutdown: forget this process's timers; the hides kept in the store are done by another replica. */
  close(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    for (const ref of [...this.pending.keys()]) this.forget(ref);
  }

  /** One look for stored hides overdue by more than the grace: each is done by the replica that leases it. */
  async pollOnce(): Promise<void> {
    const store = this.stored;
    if (!store) return;
    try {
      const now = store.clock.now();
      const revive = (work: PendingWork) => {
        const ref = refOf(work.key);
        const hide = this.pending.get(ref)?.hide ?? store.revive(ref, JSON.parse(work.payload));
        return hide && { ref, hide };
      };
      for (const groups of [ownGroups(store.surface), BEFORE_SURFACE_GROUPS]) {
        const overdue = await store.work.due(new Date(now.getTime() - (store.graceMs ?? 2_000)), now, 20, groups);
        await doEachLeased(store, overdue, revive, this.leasing, ({ ref, hide }) => this.runLeased(ref, hide));
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not look for shown secrets to hide');
    }
  }

  /** The hide of `ref` kept in the store: under this surface's group, else under the release before's. */
  private async storedHide(ref: string, store: StoredHides): Promise<PendingWork[]> {
    const now = store.clock.now();
    const own = await store.work.inGroup(`${ownGroups(store.surface)}${ref}`, now);
    return own.length > 0 ? own : store.work.inGroup(`${BEFORE_SURFACE_GROUPS}${ref}`, now);
  }

  private forget(ref: string) {
    const entry = this.pending.get(ref);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(ref);
    return entry;
  }

  private fire(ref: string): void {
    const entry = this.forget(ref);
    if (!entry) return;
    this.track(entry.stored ? this.runStored(ref, entry.hide) : this.run(entry.hide));
  }

  /** A stored hide, by the replica holding its lease; removed from the store once done. */
  private async runStored(ref: string, hide: PendingHide): Promise<void> {
    await doLeased(this.stored!, workKey(ref), this.leasing, () => this.runLeased(ref, hide));
  }

  /** Leased here: this process's own timer no longer fires it. */
  private runLeased(ref: string, hide: PendingHide): Promise<boolean> {
    this.forget(ref);
    return this.run(hide);
  }

  private async run(hide: PendingHide): Promise<boolean> {
    try {
      await hide.replace(await hide.press());
      return true;
    } catch (err) {
      this.logger.error({ err }, 'could not hide a shown secret');
      return false;
    }
  }

  private track(p: Promise<unknown>): void {
    const run = p.finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
