// Alerts to the supervisors are sent once across replicas: the replica whose claim of the alert's key (its
// kind, subject and window) is inserted sends it; the others are refused by the unique key. The same claim
// makes one replica at a time poll the directory for lockouts (a key per poll interval).

export interface AlertClaimRepository {
  /**
   * Inserts `key` unless it is already claimed and not yet expired: true for exactly one caller across
   * processes (a unique-key insert; never a conditional update). Expired claims are purged first, so the
   * same key can be claimed again after `expiresAt`.
   */
  claim(key: string, at: Date, expiresAt: Date): Promise<boolean>;
}
