// What every use case gets: the ports, the rules' settings and the shared helpers — of the store, only the
// repositories it names.
import type { Actor } from '../../domain/roles';
import type { AuditRecorder } from './audit-recorder';
import type { Confirmations } from './confirmation-tokens';
import type { OneTimeCodes } from './one-time-codes';
import type { RequestContext } from './request-context';
import type { Store } from '../../ports/store.port';
import type { ServiceDeps } from './service-deps';
import type { TicketDesk } from '../tickets';

/** The store's repositories by name; a use case names the ones it reads or writes (`UseCaseCall<'approvals'>`). */
export type StoreKey = Exclude<keyof Store, 'ping' | 'close'>;

/**
 * What every use case gets. `K` narrows the store to the repositories a use case declares it uses, so the
 * compiler keeps it to them (`UseCaseCall<never>`: none at all); a caller holding the whole store can pass its
 * call to any narrower use case.
 */
export interface UseCaseEnv<K extends StoreKey = StoreKey> extends Omit<ServiceDeps, 'store'> {
  readonly store: Pick<Store, K>;
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

export interface UseCaseCall<K extends StoreKey = StoreKey> {
  readonly env: UseCaseEnv<K>;
  readonly ctx: RequestContext;
  readonly actor: Actor;
  readonly subject: AuditSubject;
}

export function loginOfActor(actor: Actor): string {
  return actor.user.sAMAccountName.toLowerCase();
}
