// What every use case gets: the ports, the rules' settings and the shared helpers.
import type { Actor } from '../../domain/roles';
import type { AuditRecorder } from './audit-recorder';
import type { Confirmations } from './confirmation-tokens';
import type { OneTimeCodes } from './one-time-codes';
import type { RequestContext } from './request-context';
import type { ServiceDeps } from './service-deps';
import type { TicketDesk } from '../tickets';

export interface UseCaseEnv extends ServiceDeps {
  readonly audit: AuditRecorder;
  readonly confirmations: Confirmations;
  /** Helpdesk PINs and caller verification codes (HMACs in the store). */
  readonly pins: OneTimeCodes;
  readonly callerCodes: OneTimeCodes;
  /** Escalations into the ticket system; absent when no ticket system (not even the dev outbox) is configured. */
  readonly tickets?: TicketDesk;
}

/**
 * What the service writes to the audit trail for one request. A use case fills in the target (and, for a
 * confirmation, the action it turned out to be) as soon as it knows them, so that a refusal or failure
 * half-way is recorded against the right action and target.
 */
export interface AuditSubject {
  action: string;
  target?: string;
  detail?: string;
}

export interface UseCaseCall {
  readonly env: UseCaseEnv;
  readonly ctx: RequestContext;
  readonly actor: Actor;
  readonly subject: AuditSubject;
}

export function loginOfActor(actor: Actor): string {
  return actor.user.sAMAccountName.toLowerCase();
}
