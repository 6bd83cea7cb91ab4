// Watching the audit chain: verified once at start-up (and on the first readiness check of a process that
// skipped it), its head logged periodically so a copy outside the store (the log pipeline) anchors it —
// restoring an older copy of the whole store, chain and head together, shows as a head going backwards.
import type { AuditStatus } from '../../domain/health';
import type { AuditVerification, HelpdeskAuditTrail } from '../../ports/audit-trail.port';
import type { Logger } from '../../ports/logger.port';

export const VERIFY_COMMAND = 'npm run audit:verify';

export class AuditIntegrity {
  private verified?: Promise<AuditStatus>;
  /** The last verification's result, for /metrics (which never starts one). */
  private last?: AuditStatus;

  constructor(
    private readonly trail: HelpdeskAuditTrail,
    private readonly logger: Logger,
  ) {}

  /** Walks the whole chain (yielding as it goes); a broken chain is logged as an error. */
  verify(): Promise<AuditStatus> {
    const run = this.walk();
    this.verified = run;
    return run;
  }

  /** The result of the last verification, verifying first if none ran yet. */
  status(): Promise<AuditStatus> {
    return this.verified ?? this.verify();
  }

  /** The last finished verification's result; 'unverified' before the first one ends. */
  latest(): AuditStatus | 'unverified' {
    return this.last ?? 'unverified';
  }

  /** One info line with the head's seq and hash (never an entry's content). */
  async logHead(): Promise<void> {
    try {
      const head = await this.trail.head();
      this.logger.info({ auditHead: head ?? { seq: 0, hash: null } }, 'audit chain head');
    } catch (err) {
      this.logger.warn({ err }, 'audit chain head could not be read');
    }
  }

  /** Logs the head every `intervalMs` (0: never); returns the function that stops it. */
  startHeadLog(intervalMs: number): () => void {
    if (intervalMs <= 0) return () => undefined;
    const timer = setInterval(() => void this.logHead(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async walk(): Promise<AuditStatus> {
    const status = await this.walkOnce();
    this.last = status;
    return status;
  }

  private async walkOnce(): Promise<AuditStatus> {
    const started = Date.now();
    let result: AuditVerification;
    try {
      result = await this.trail.verify();
    } catch (err) {
      this.verified = undefined; // the store could not be read: the next status() tries again
      this.logger.error({ err }, `audit chain could not be verified; run \`${VERIFY_COMMAND}\` once the store is back`);
      return 'broken';
    }
    if (result.ok) {
      this.logger.info({ records: result.count, ms: Date.now() - started }, 'audit chain verified');
      return 'ok';
    }
    this.logger.error({ brokenAt: result.brokenAt, reason: result.reason },
      `audit chain is broken at seq ${result.brokenAt}: ${result.reason}; run \`${VERIFY_COMMAND}\` and investigate`);
    return 'broken';
  }
}
