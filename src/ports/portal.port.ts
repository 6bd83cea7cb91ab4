// The portal's repositories (part of the Store): events and sync transactions, portal accounts,
// enrollments. Every adapter passes test/contract/store.contract.ts.
import type { Enrollment, EventCategory, EventOutcome, PortalAccount, PortalEvent, PortalEventInput, SealedAnswer } from '../domain/portal';

export interface PortalEventQuery {
  readonly user: string;
  readonly limit: number;
  /** Only events at or after this time. */
  readonly since?: Date;
  readonly type?: string;
  readonly outcome?: EventOutcome;
  readonly category?: EventCategory;
  /** Sync transactions: only status 'failed' (true) or only the others (false). */
  readonly failed?: boolean;
  /** A cursor: only events older than the event with this seq (of the same user). */
  readonly beforeSeq?: number;
}

export interface SeenQuery {
  readonly user: string;
  readonly field: 'ip' | 'userAgent';
  readonly value: string;
  readonly types: readonly string[];
  readonly from: Date;
  readonly to: Date;
}

export interface PortalEventRepository {
  /**
   * Stores a batch in one transaction; an event whose eventId is already stored is skipped.
   * Resolves with how many were stored.
   */
  append(events: readonly PortalEventInput[]): Promise<number>;
  /** Newest first (by time, then seq). */
  list(query: PortalEventQuery): Promise<PortalEvent[]>;
  /**
   * Whether the user had a successful event of one of these types from this IP address (or client) that
   * arrived in [from, to); skewed events (PortalEventInput.skewed) never count.
   */
  seenFrom(q: SeenQuery): Promise<boolean>;
  /** How many of the user's events arrived at or after `since` (whatever their own time says). */
  countArrived(user: string, since: Date): Promise<number>;
  /** The users with a portal-lock event from this IP address since `since`, sorted. */
  usersLockedFrom(ip: string, since: Date): Promise<string[]>;
  /** How many failed challenges were recorded for this login while no directory user had it (unknownUser). */
  unknownLoginFailures(login: string): Promise<number>;
}

export interface PortalAccountRepository {
  get(user: string): Promise<PortalAccount | null>;
  put(account: PortalAccount): Promise<void>;
  /** Clears the lock and the failed-attempt count atomically; null when there is no such account. */
  unlock(user: string, at: Date): Promise<{ readonly wasLocked: boolean; readonly account: PortalAccount } | null>;
}

export interface EnrollmentRepository {
  /** Replaces the user's questions (positions 1..n) in one transaction. */
  replace(user: string, questions: readonly { readonly question: string; readonly answer: SealedAnswer }[], at: Date): Promise<void>;
  get(user: string): Promise<Enrollment | null>;
}

/** The mobile a user registered on the portal (proven by a code sent to it), sealed: it is personal data. */
export interface RegisteredMobile {
  readonly number: SealedAnswer;
  readonly registeredAt: Date;
}

export interface PortalMobileRepository {
  /** Replaces the user's registered mobile. */
  put(user: string, mobile: RegisteredMobile): Promise<void>;
  get(user: string): Promise<RegisteredMobile | null>;
}
