// The portal's data as the helpdesk sees it: self-service events and sync transactions (one stream,
// told apart by category), portal accounts and security-question enrollments. Plain data.

export type EventOutcome = 'success' | 'failure';
export type EventCategory = 'self-service' | 'sync';
export type SyncStatus = 'succeeded' | 'failed' | 'pending';

/** Types the portal and the helpdesk write (others are accepted and shown as given). */
export const KNOWN_EVENT_TYPES = [
  'sign-in', 'challenge', 'code-sent', 'notice-sent', 'password-reset', 'account-unlock', 'enrollment-change', 'portal-lock', 'portal-unlock',
  'pin-verify', 'helpdesk-unlock', 'helpdesk-pin-issued', 'helpdesk-password-reset', 'helpdesk-verify',
] as const;

export interface PortalEventInput {
  /** The sender's id for the event: a retried batch stores each id once. */
  readonly eventId?: string;
  /** Lower-cased sAMAccountName when the directory knows the user; the login as given otherwise. */
  readonly user: string;
  readonly type: string;
  readonly outcome: EventOutcome;
  readonly at: Date;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly detail?: string;
  readonly category: EventCategory;
  readonly system?: string;
  readonly operation?: string;
  readonly status?: SyncStatus;
  readonly error?: string;
  /** The directory did not know the user when the event arrived. */
  readonly unknownUser: boolean;
  /** When the store received it, where that is not `at` (events the portal API delivers). */
  readonly arrivedAt?: Date;
  /** `at` lies far from `arrivedAt` (see isSkewed): the event is kept and shown, but vouches for nothing. */
  readonly skewed?: boolean;
}

export interface PortalEvent extends PortalEventInput {
  /** The store's own id: increasing, and what a "More" button carries as its cursor. */
  readonly seq: number;
}

export interface PortalAccount {
  readonly user: string;
  readonly enrolled: boolean;
  /** Enrolled methods: 'questions', 'mobile', … */
  readonly methods: readonly string[];
  readonly locked: boolean;
  readonly lockedAt?: Date;
  readonly failedAttempts: number;
  readonly updatedAt: Date;
}

/** An answer as stored: AES-256-GCM ciphertext, its 12-byte nonce and 16-byte tag. */
export interface SealedAnswer {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
}

export interface EnrolledQuestion {
  readonly position: number;
  readonly question: string;
  readonly answer: SealedAnswer;
}

export interface Enrollment {
  readonly user: string;
  readonly questions: readonly EnrolledQuestion[];
  readonly updatedAt: Date;
}

/**
 * How far an event's own time may lie from its arrival. A portal delivers late after an outage, but an
 * event dated long before it arrived (or ahead of it) is one nobody can vouch for: it must not make an
 * address "seen before" (src/service/portal-data/vishing-facts.ts).
 */
export const EVENT_SKEW = { futureMs: 15 * 60_000, pastMs: 60 * 60_000 } as const;

export function isSkewed(at: Date, arrivedAt: Date): boolean {
  const ahead = at.getTime() - arrivedAt.getTime();
  return ahead > EVENT_SKEW.futureMs || -ahead > EVENT_SKEW.pastMs;
}

/** The key events are filed under: logins are compared case-insensitively. */
export function portalUserKey(login: string): string {
  return login.trim().toLowerCase();
}

/** PORTAL_LOGIN_RATE_PER_MINUTE's default: challenges and SMS sign-ins per account (or unknown login) per minute. */
export const DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE = 10;
