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
}

/** What put() writes: the lock and the failure count are the attempts' (PortalAttemptRepository) and setLock's. */
export type PortalAccountData = Omit<PortalAccount, 'locked' | 'lockedAt' | 'failedAttempts'>;

export interface PortalAccountRepository {
  /** The account with its lock and failure count as the challenge attempts left them (PortalAttemptRepository). */
  get(user: string): Promise<PortalAccount | null>;
  /** Creates or replaces the account's enrollment data; leaves its lock and failure count alone. */
  put(account: PortalAccountData): Promise<void>;
  /** Creates an empty, unenrolled account unless there is one (a first failed challenge of a known user). */
  ensure(user: string, at: Date): Promise<void>;
  /**
   * Sets the lock and the failure count as another portal reports them (PUT /api/portal/accounts/{user});
   * attempts still being judged no longer count.
   */
  setLock(user: string, lock: { readonly locked: boolean; readonly lockedAt?: Date; readonly failedAttempts: number }, at: Date): Promise<void>;
  /** Clears the lock and the failed-attempt count atomically; null when there is no such account. */
  unlock(user: string, at: Date): Promise<{ readonly wasLocked: boolean; readonly account: PortalAccount } | null>;
  /** Portal accounts locked now, newest lock first (then by user), at most `limit` (a read: `locked`). */
  locked(limit: number): Promise<{ readonly user: string; readonly lockedAt: Date }[]>;
}

/** A place taken among one key's challenge attempts, held while its answer is judged. */
export interface AttemptPlace {
  readonly key: string;
  /** Which count the place belongs to: a pass, an unlock or setLock starts a new one. */
  readonly epoch: number;
  /** 1..limit: the n-th attempt of this count. */
  readonly n: number;
}

/**
 * The portal lock, one atomic step per attempt, alike for every key (a known account's sAMAccountName, or a
 * login nobody has, canonicalised): a place is taken BEFORE the answer is judged, so concurrent answers can
 * never have more than `limit` judged failures, and exactly one failure (the one at place `limit`) locks.
 * A place whose answer is never settled (a crash) keeps counting as a failure until a pass or an unlock.
 *
 * Shape for MongoDB (no conditional updates): one document per place, _id (key, epoch, n), inserted as a
 * claim (a duplicate key means another attempt took n: try n + 1; n > limit is refused); the epoch is a claim
 * of its own, (key, epoch + 1), inserted by a pass, an unlock or setLock; the lock is the claim (key, epoch,
 * 'lock') inserted by the failure at n = limit; release deletes the place, checking the count.
 */
export interface PortalAttemptRepository {
  /** Takes the next place; null when the key is locked or every place up to `limit` is taken (failed or being judged). */
  reserve(key: string, limit: number, at: Date): Promise<AttemptPlace | null>;
  /** The answer was wrong: the place stays taken as a failure; `locks` is true for the one failure that locked the key. */
  fail(place: AttemptPlace, limit: number, at: Date): Promise<{ readonly locks: boolean }>;
  /** The answer was right: the count starts again (a new epoch); attempts still being judged no longer count. */
  pass(place: AttemptPlace, at: Date): Promise<void>;
  /** The attempt is neither a pass nor a failure (e.g. refused before judging): frees its place. */
  release(place: AttemptPlace, at: Date): Promise<void>;
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

/** What a user's details card reads of the store (src/service/lookup/portal-section.ts), all in one round trip. */
export interface PortalCardQuery {
  /** The portal's key of the user (portalUserKey). */
  readonly user: string;
  /** The vishing facts: each (type, outcome) pair's events at or after `since`, newest first, at most `limit` of each. */
  readonly since: Date;
  readonly recent: readonly { readonly type: string; readonly outcome: EventOutcome; readonly limit: number }[];
  /** Count the user's events that arrived at or after this (whatever their own time says). */
  readonly arrivedSince: Date;
  /** The caller verification: when a verification code of this user (lower case) was last used, if at or after `since`. */
  readonly callerVerified: { readonly user: string; readonly since: Date };
}

export interface PortalCardState {
  /** As PortalAccountRepository.get gives it. */
  readonly account: PortalAccount | null;
  /** The user's newest self-service event. */
  readonly lastSelfService: PortalEvent | undefined;
  /** One list per PortalCardQuery.recent entry, in its order: as PortalEventRepository.list gives them. */
  readonly recent: readonly (readonly PortalEvent[])[];
  /** As PortalEventRepository.countArrived gives it. */
  readonly arrived: number;
  /** As OneTimeCodeRepository.usedSince (verification codes) gives it. */
  readonly callerVerifiedAt: Date | undefined;
}

/** The details card's state in one read, rather than one per fact (the card is the bot's most frequent answer). */
export interface PortalCardRepository {
  read(q: PortalCardQuery): Promise<PortalCardState>;
}
