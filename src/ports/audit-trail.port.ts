// The helpdesk's own trail: what agents did. Append-only and hash-chained (src/domain/audit-chain.ts).
import type { AuditEntry, AuditEntryInput } from '../domain/audit-entry';

export type { AuditEntry, AuditEntryInput } from '../domain/audit-entry';

export type AuditVerification =
  | { readonly ok: true; readonly count: number }
  | { readonly ok: false; readonly brokenAt: number; readonly reason: string };

/** The chain's last seq and its hash: what the periodic head log line anchors outside the store. */
export interface AuditChainHead {
  readonly seq: number;
  readonly hash: string;
}

export interface AuditQuery {
  readonly limit: number;
  readonly actor?: string;
  readonly target?: string;
  /** A cursor: only entries older than the one with this seq (`history`'s "More"). */
  readonly beforeSeq?: number;
  /** Only entries at or after this time (`audit:export --since`). */
  readonly since?: Date;
}

/**
 * When an append settles: 'on-disk' (the default) once the record is durable; 'committed' once it is
 * written (a write that fails still throws), the disk following a moment later — enough for the record of
 * a lookup, which changes nothing. A store whose writes are durable when acknowledged treats both alike.
 */
export type AuditDurability = 'on-disk' | 'committed';

export interface HelpdeskAuditTrail {
  /** Appends one entry atomically after the current head. Throws when it cannot be written. */
  append(entry: AuditEntryInput, durability?: AuditDurability): Promise<AuditEntry>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Walks the whole chain: a changed, inserted or removed entry breaks it. Works in batches and yields to
   * the event loop between them, so a long trail does not stall the process.
   */
  verify(): Promise<AuditVerification>;
  /** The current head, or null for an empty trail. */
  head(): Promise<AuditChainHead | null>;
}
