// Account changes counted against the per-agent and per-target limits (DESIGN "Roles and rules"), and
// issued secrets (PINs, passes, verification codes) counted against their own per-target limit: each kind
// is counted apart. Durable, so a restart does not reset the count.

export interface AccountChange {
  readonly id: string;
  readonly at: Date;
  /** Lower-cased directory logins. */
  readonly actor: string;
  readonly target: string;
  readonly action: string;
  /** A real change (unlock, reset) or an issued secret: each kind has its own limits. */
  readonly kind: ChangeKind;
  /**
   * A reservation's lease: if it is neither completed nor released by then (its process died mid-action),
   * sweepExpired() gives the place back. Absent: it counts until it leaves the window (an override).
   */
  readonly leaseUntil?: Date;
}

export type ChangeKind = 'change' | 'secret';

export interface ChangeLimitsWindow {
  /** At most this many changes by one actor, and on one target, within `windowMs` before `at`. */
  readonly perActor: number;
  readonly perTarget: number;
  readonly windowMs: number;
}

export type LimitCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly over: 'actor' | 'target';
      /** Changes counted in the window (at least the limit). */
      readonly count: number;
      /** When enough of them have aged out of the window for one more change. */
      readonly freeAt: Date;
    };

export interface ChangeLimitRepository {
  /** Whether `change` would stay within the limits; records nothing. */
  check(change: AccountChange, limits: ChangeLimitsWindow): Promise<LimitCheck>;
  /**
   * Checks and, if within the limits, records `change` — in one atomic step, so concurrent reservations
   * (two tabs, two processes) can never together exceed a limit. Also forgets rows that left the window
   * (a bounded number per call). Only changes of the same kind count. (SQLite counts and inserts in one
   * transaction; a store without transactions claims one of the `limit` slots of the actor and of the
   * target with a unique-key insert, freeing a slot that left the window by a delete whose count it checks.)
   */
  reserve(change: AccountChange, limits: ChangeLimitsWindow): Promise<LimitCheck>;
  /**
   * Records `change` whatever the limits say: a supervisor's override (audited with its reason). A plain
   * insert of a new id, so a store without transactions (MongoDB) does it as one document insert.
   */
  record(change: AccountChange): Promise<void>;
  /** Forgets a reserved change that did not happen (the directory refused it). */
  release(id: string): Promise<void>;
  /**
   * Marks a reserved change done, so no sweep releases it: a claim (a unique-key insert keyed by the change
   * id, at `at`). False when a sweep claimed it first (its lease ran out): the place was given back, and the
   * caller records the change again so it counts.
   */
  complete(id: string, at: Date): Promise<boolean>;
  /**
   * Gives back the places of reservations whose lease ended before `now` and that were never completed (a
   * process killed mid-action), at most `max`; how many. Each one exactly once across processes: its
   * outcome claimed with a unique-key insert, then its row deleted (the count checked).
   */
  sweepExpired(now: Date, max: number): Promise<number>;
  /**
   * The changes made to `target` (lower-cased login) since `since`, newest first, at most `limit`: what the
   * vishing indicators call "the helpdesk already acted on this user". Rows older than the limits' window
   * are forgotten, so `since` must lie within it.
   */
  recent(target: string, since: Date, limit: number): Promise<AccountChange[]>;
}
