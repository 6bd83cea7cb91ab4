// One record of the helpdesk's own audit trail (what agents did).
import type { Role, Surface } from './roles';

export type AuditOutcome = 'requested' | 'success' | 'failure' | 'refused';

export interface AuditEntryInput {
  readonly at: Date;
  readonly correlationId: string;
  readonly surface: Surface;
  /** The directory login of the actor, or the raw chat identity when it maps to no directory user. */
  readonly actor: string;
  readonly role: Role;
  /** The command or action: e.g. 'user.find', 'account.unlock'. */
  readonly action: string;
  /** The target's login, when there is one. */
  readonly target?: string;
  readonly outcome: AuditOutcome;
  /** A coded error when the outcome is refused or failure. */
  readonly code?: string;
  /** Short free text; never a secret. */
  readonly detail?: string;
}

export interface AuditEntry extends AuditEntryInput {
  /** 1, 2, 3, … without gaps. */
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

