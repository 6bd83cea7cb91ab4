// Work a surface owes later, kept in the store's pending work (a shown secret's hide, a "ticket to follow"
// message), done once across replicas: the replica that leases it (a unique-key insert, expiring) does
// it and removes it when done (a checked delete); when doing it fails, the lease lapses and another
// replica, or a later look, may try again.
import type { Clock } from '../../ports/clock.port';
import type { PendingWork, PendingWorkRepository } from '../../ports/pending-work.port';

export interface WorkStore {
  readonly work: PendingWorkRepository;
  readonly clock: Clock;
}

export interface Leasing {
  /** How long the doer holds the work; past it, another replica may take it. */
  readonly leaseMs: number;
  /** The store could not say who does the work: true, this process does it anyway; without it the error is thrown. */
  readonly whenUnsure?: (err: unknown) => boolean;
}

/**
 * The work kept under each of `groups`, listed in their order: a surface's own group, then the one the
 * release before kept for every surface alike (read until what it kept there has expired).
 */
export async function inGroups(work: Pick<PendingWorkRepository, 'inGroup'>, groups: readonly string[], now: Date): Promise<PendingWork[]> {
  return (await Promise.all(groups.map((g) => work.inGroup(g, now)))).flat();
}

/** Does the work under `key` when this replica gets its lease; `run` says whether it was done. */
export async function doLeased(store: WorkStore, key: string, leasing: Leasing, run: () => Promise<boolean>): Promise<void> {
  const now = store.clock.now();
  let leased: boolean;
  try {
    leased = await store.work.lease(key, now, new Date(now.getTime() + leasing.leaseMs));
  } catch (err) {
    if (!leasing.whenUnsure?.(err)) throw err;
    leased = true;
  }
  if (!leased) return; // another replica has it
  // Done but not removed (the store failed): the lease lapses and the same card may be put in place again.
  if (await run()) await store.work.remove(key).catch(() => undefined);
}

/** Each listed piece of work this process can rebuild (`revive`), one after another, by the replica that leases it. */
export async function doEachLeased<T>(
  store: WorkStore,
  listed: readonly PendingWork[],
  revive: (work: PendingWork) => T | undefined,
  leasing: Leasing,
  run: (item: T) => Promise<boolean>,
): Promise<void> {
  for (const work of listed) {
    const item = revive(work);
    if (item !== undefined) await doLeased(store, work.key, leasing, () => run(item));
  }
}
