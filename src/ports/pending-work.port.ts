// Work the chat surfaces owe later, kept in the store so that any replica can do it (DESIGN "Production
// store and replicas": nothing that matters lives in one process's memory). A shown secret's hide is
// due at a time; an approval request's copies and a "ticket to follow" message wait for their event (a
// decision, the ticket) and are found by their group. The payload says where the message is and whom it
// is for — never a secret. Done once across replicas: a replica leases the work (a unique-key insert,
// expiring, so a replica that dies mid-way leaves it to another) and removes it when done (a delete whose
// count is checked); nothing rests on a conditional update.

export interface PendingWork {
  /** Unique: a second add of the same key is refused. */
  readonly key: string;
  /** What the work belongs to ('teams:hide:<ref>', 'slack:approval:<id>', 'teams:ticket:<ref>': each surface's own): found together. */
  readonly group: string;
  /** A timer's due time; none: the work waits for its group's event. */
  readonly dueAt?: Date;
  /** JSON the surface reads back: where the message is and whom it is for (never a secret). */
  readonly payload: string;
  /** Purged after this, done or not. */
  readonly expiresAt: Date;
}

export interface PendingWorkRepository {
  /** Stores the work; false (nothing written) when its key exists. Expired work is purged on the way. */
  add(work: PendingWork, now: Date): Promise<boolean>;
  /** Timed work due by `dueBy`, not expired at `now`, soonest first; with `groupPrefix`, only work whose group starts with it (a surface's own). */
  due(dueBy: Date, now: Date, limit: number, groupPrefix?: string): Promise<PendingWork[]>;
  /** The group's work, not expired at `now`, in the order it was added. */
  inGroup(group: string, now: Date): Promise<PendingWork[]>;
  /**
   * The work's lease until `until`: true for exactly one caller across processes (a unique-key insert,
   * after purging leases expired at `now`), so an expired lease (its holder died) can be taken again.
   */
  lease(key: string, now: Date, until: Date): Promise<boolean>;
  /** Removes the work and its lease: true for the one caller whose delete removed it. */
  remove(key: string): Promise<boolean>;
}
