// The directory's account lockout policy (AD: the domain's lockoutThreshold, lockOutObservationWindow and
// lockoutDuration, or those of the fine-grained policy, a PSO, that applies to the user), and how many
// password checks (real binds) the portal may make for one account without ever locking it.

export interface LockoutPolicy {
  /** Wrong passwords that lock the account; 0: it never locks. */
  readonly threshold: number;
  /** How long after the last wrong password the directory forgets the earlier ones. */
  readonly observationWindowMs: number;
  /** How long a lock lasts; undefined: until an administrator unlocks it. */
  readonly durationMs: number | undefined;
  /** Where the numbers come from. */
  readonly source: 'domain' | 'pso';
}

export interface BindBudget {
  /** Password binds allowed for one account within `windowMs`; 0: none at all. */
  readonly max: number;
  readonly windowMs: number;
}

const MINUTE = 60_000;
/** Binds per window where the directory never locks: it still bounds guessing through the portal. */
const NO_LOCKOUT_BINDS = 3;
const NO_LOCKOUT_WINDOW_MS = 30 * MINUTE;
/** Added to the window: the DC's clock and ours may differ, and a bind takes time to arrive. */
const CLOCK_MARGIN_MS = MINUTE;

/**
 * At most a third of the threshold (threshold 3 → 1, 6 → 2; ≤ 2 → none): the user's own typos on their
 * workstation keep two thirds of it. The window is that many observation windows (plus a margin), because
 * the directory keeps counting as long as each wrong password comes within one window of the previous:
 * a chain of max + 1 binds each less than a window apart spans at most max windows, so it always finds max
 * binds in the window and is refused. A fixed slot per window would let such a chain run on without end.
 * No policy known (unreadable, or a directory without password binds): no bind.
 */
export function passwordBindBudget(policy: LockoutPolicy | undefined): BindBudget {
  if (!policy) return { max: 0, windowMs: 0 };
  if (policy.threshold <= 0) return { max: NO_LOCKOUT_BINDS, windowMs: NO_LOCKOUT_WINDOW_MS };
  const max = Math.floor(policy.threshold / 3);
  return { max, windowMs: max * Math.max(policy.observationWindowMs, MINUTE) + CLOCK_MARGIN_MS };
}
