// Escalation tickets as the helpdesk keeps them: one active (pending or open) ticket per user and ticket
// system, its reference (also kept in the ticket system), the draft a background retry sends, and the
// comments still to be posted. Texts hold no secret (src/service/tickets/ticket-text.ts).
import type { TicketHandle, TicketSinkKind } from './ticket-sink.port';

/** pending: not created yet (retried); open: created; closed: closed in the system; failed: refused, not retried. */
export type EscalationState = 'pending' | 'open' | 'closed' | 'failed';

export interface EscalationRecord {
  readonly ref: string;
  /** The target's login, lower case. */
  readonly user: string;
  readonly sink: TicketSinkKind;
  readonly state: EscalationState;
  readonly ticket?: TicketHandle;
  readonly subject: string;
  readonly body: string;
  readonly requestor?: string;
  /** Identifies the reason (a hash): the same escalation pressed twice is filed once. */
  readonly reasonKey: string;
  readonly createdAt: Date;
  readonly attempts: number;
  readonly nextAttemptAt?: Date;
  readonly lastError?: string;
}

export interface PendingComment {
  readonly id: number;
  readonly ref: string;
  readonly text: string;
}

export interface EscalationRepository {
  /** The user's pending or open ticket in this system. */
  active(user: string, sink: TicketSinkKind): Promise<EscalationRecord | undefined>;
  get(ref: string): Promise<EscalationRecord | undefined>;
  /** Adds a pending ticket; false (nothing written) when the user already has an active one in this system. */
  insert(record: EscalationRecord): Promise<boolean>;
  created(ref: string, ticket: TicketHandle, at: Date): Promise<void>;
  attemptFailed(ref: string, error: string, nextAttemptAt: Date, at: Date): Promise<void>;
  setState(ref: string, state: 'closed' | 'failed', at: Date, error?: string): Promise<void>;
  /** Pending tickets whose next attempt is due at `now`, oldest first. */
  due(now: Date, limit: number): Promise<EscalationRecord[]>;
  addComment(ref: string, text: string, at: Date, reasonKey?: string): Promise<void>;
  /** Comments not posted yet, oldest first. */
  unsentComments(ref: string): Promise<PendingComment[]>;
  commentSent(id: number, at: Date): Promise<void>;
  /** Open tickets with comments still to post (a post failed earlier). */
  openWithUnsentComments(limit: number): Promise<string[]>;
  /** The ticket or one of its comments already carries this reason since `since`. */
  hasReason(ref: string, reasonKey: string, since: Date): Promise<boolean>;
}
