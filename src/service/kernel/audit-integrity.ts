// Watching the audit chain: verified once at start-up (and on the first readiness check of a process that
// skipped it), its head logged periodically so a copy outside the store (the log pipeline) anchors it —
// restoring an older copy of the whole store, chain and head together, shows as a head going backwards.
// With several replicas on one store, the start-up walk is claimed in the store once per window (a quota
// place, a unique-key claim): replicas starting together (a rollout, a scale-up) do not all read the whole
// chain at once; the others skip it and say so. A walk that could not read the store, or found the chain
// broken, gives its place back, so the next replica walks too (a broken chain is never hidden behind a skip).
import type { AuditStatus } from '../../domain/health';
import type { AuditVerification, HelpdeskAuditTrail } from '../../ports/audit-trail.port';
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import type { QuotaPlace, QuotaRepository } from '../../ports/quotas.port';

export const VERIFY_COMMAND = 'npm run audit:verify';
/** The quota key of the start-up verification: one place per window, for every replica of the store. */
export const VERIFY_CLAIM_KEY = 'audit-verify';

/** The start-up walk claimed once per `windowMs` across the processes sharing `quotas`. */
export interface VerifyOncePerWindow {
  readonly quotas: QuotaRepository;
  readonly clock: Clock;
  readonly windowMs: number;
}

export class AuditIntegrity {
  private verified?: Promise<AuditStatus>;
  /** The last verification's result, for /metrics (which never starts one); a skipped walk leaves none. */
  private last?: Exclude<AuditStatus, 'skipped'>;

  constructor(
    private readonly trail: HelpdeskAuditTrail,
    private readonly logger: Logger,
    private readonly once?: VerifyOncePerWindow,
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

  /** The last finished verification's result; 'unverified' before the first one ends (or when it was skipped). */
  latest(): Exclude<AuditStatus, 'skipped'> | 'unverified' {
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
    const claim = await this.claim();
    if (claim === 'taken') return 'skipped';
    const status = await this.walkOnce();
    this.last = status;
    // Only a chain found intact keeps the place: after a failed read or a broken chain, the next replica walks too.
    if (claim && status !== 'ok') await this.once?.quotas.giveBack(claim).catch(() => undefined);
    return status;
  }

  /** This process's place for the walk; 'taken' when another one walked within the window; undefined: no claim (walk anyway). */
  private async claim(): Promise<QuotaPlace | 'taken' | undefined> {
    if (!this.once) return undefined;
    // A store that cannot be written: no claim; the walk itself says what is wrong (and is retried).
    const take = await this.once.quotas.take(VERIFY_CLAIM_KEY, 1, this.once.windowMs, this.once.clock.now()).catch(() => undefined);
    if (!take) return undefined;
    if (take.ok) return take.place;
    this.logger.info({ until: take.freeAt.toISOString() },
      `audit chain verification skipped: another process verified it within the last ${Math.round(this.once.windowMs / 60_000)} minutes`);
    return 'taken';
  }

  private async walkOnce(): Promise<'ok' | 'broken'> {
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
