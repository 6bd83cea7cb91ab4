// A reference to a one-time secret that was shown (a generated password): who saw it, for whom, when.
// Never the secret itself. The "Hide" button carries only the reference.
export interface ShownSecret {
  readonly ref: string;
  /** The viewer's directory login: the only one who may hide it. */
  readonly viewer: string;
  /** The target's login and display name (for "Password for <name> shown to <viewer> at <time>"). */
  readonly target: string;
  readonly targetName: string;
  readonly label: string;
  readonly shownAt: Date;
  /** When the record itself is purged (long after the card hid itself). */
  readonly expiresAt: Date;
}

export interface ShownSecretRepository {
  /** Stores the reference and purges the ones expired at its shownAt. */
  save(secret: ShownSecret): Promise<void>;
  /** The reference if it exists and has not expired at `now`; expired rows are purged on the way. */
  find(ref: string, now: Date): Promise<ShownSecret | undefined>;
}
