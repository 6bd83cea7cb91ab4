// Writes the helpdesk's own trail. A failed write surfaces as AUDIT.UNAVAILABLE so that callers fail
// closed: an action whose record cannot be written does not run, and data is not shown.
import type { AuditEntryInput } from '../../domain/audit-entry';
import { HelpdeskError } from '../../domain/errors';
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import type { AuditDurability } from '../../ports/audit-trail.port';
import type { Store } from '../../ports/store.port';
import type { RequestContext } from './request-context';

/** What a use case states; the recorder adds when, the correlation id and the surface. */
export type AuditFact = Omit<AuditEntryInput, 'at' | 'correlationId' | 'surface'>;

export class AuditRecorder {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async record(ctx: RequestContext, fact: AuditFact, durability: AuditDurability = 'on-disk'): Promise<void> {
    const entry: AuditEntryInput = {
      at: this.clock.now(),
      correlationId: ctx.correlationId,
      surface: ctx.surface,
      ...fact,
    };
    try {
      await this.store.audit.append(entry, durability);
    } catch (err) {
      this.logger.error({ err, correlationId: ctx.correlationId, action: fact.action }, 'audit trail write failed');
      throw new HelpdeskError('AUDIT.UNAVAILABLE', 'audit trail write failed', {}, { cause: err });
    }
    this.logger.info({ correlationId: ctx.correlationId, surface: ctx.surface, ...fact }, 'helpdesk action');
  }
}
