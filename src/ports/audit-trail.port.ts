// The helpdesk's own trail: what agents did. Append-only and hash-chained (src/domain/audit-chain.ts).
import type { AuditEntry, AuditEntryInput } from '../domain/audit-entry';

export type { AuditEntry, AuditEntryInput, AuditOutcome } from '../domain/audit-entry';

export type AuditVerification =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly brokenAt: number; readonly reason: string };

export interface AuditQuery {
  readonly limit: number;
  readonly actor?: string;
  readonly target?: string;
}

export interface HelpdeskAuditTrail {
  /** Appends one entry atomically after the current head. Throws when it cannot be written. */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /** Walks the whole chain: a changed, inserted or removed entry breaks it. */
  verify(): Promise<AuditVerification>;
}
