// The self-service portal's server-side sessions (the cookie holds only a random token; the store keeps
// its SHA-256, so a copy of the store cannot be replayed as a cookie).

/** What a session knows between pages. Never a password, PIN or answer. */
export interface PortalSessionState {
  /** The login as typed on the sign-in page (known or not: the pages are the same). */
  readonly login?: string;
  readonly method?: 'pin' | 'questions' | 'sms' | 'password';
  /** The enrolled question positions asked, in the order shown. */
  readonly asked?: readonly number[];
  /** After a passed challenge: the user's key; 'enroll' when proven by the AD password only. */
  readonly user?: string;
  readonly access?: 'full' | 'enroll';
  /** A mobile being registered: the number its code was sent to, sealed (SelfService.sealPendingMobile), until the code proves it. */
  readonly pendingMobile?: string;
  /** A one-time notice or error for the next page. */
  readonly notice?: string;
  readonly error?: string;
}

export interface PortalSession {
  readonly idHash: string;
  readonly csrf: string;
  readonly state: PortalSessionState;
  readonly createdAt: Date;
  readonly seenAt: Date;
}

export interface PortalSessionRepository {
  create(session: PortalSession): Promise<void>;
  get(idHash: string): Promise<PortalSession | null>;
  /** Replaces the state and the last-seen time. */
  save(idHash: string, state: PortalSessionState, seenAt: Date): Promise<void>;
  delete(idHash: string): Promise<void>;
  /**
   * A passed challenge's new session in place of the one it was passed in (a new id: no fixation): the old
   * is gone, the new one made, in one write where the store has one (SQLite), else the delete first.
   */
  rotate(oldIdHash: string, session: PortalSession): Promise<void>;
  /** Drops sessions last seen before `before`; resolves with how many. */
  purge(before: Date): Promise<number>;
}
