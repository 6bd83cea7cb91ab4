// Requests typed in a shared conversation (a Teams channel or group chat): the card everyone sees carries
// only the request's id; the details are drawn for each staff member who asks for them.
import type { Command } from '../domain/command';

export interface SharedRequest {
  /** Random, unguessable: the only thing the shared card carries. */
  readonly id: string;
  readonly command: Command;
  /** The asker's directory login and their chat user id (the Teams member id, for refresh.userIds). */
  readonly askerLogin: string;
  readonly askerChatUserId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export type SharedRequestLookup =
  | { readonly ok: true; readonly request: SharedRequest }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' };

export interface SharedRequestRepository {
  /** Stores the request and purges the ones expired at its createdAt. */
  save(request: SharedRequest): Promise<void>;
  /** The request if it exists and has not expired at `now`; expired rows are purged on the way. */
  find(id: string, now: Date): Promise<SharedRequestLookup>;
}
