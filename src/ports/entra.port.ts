// What the helpdesk asks Entra ID (through Microsoft Graph) besides the Directory port: the Teams user behind
// an aadObjectId, the Entra account linked to a directory user, and the cloud-only actions.
import type { DirectoryEntry, GroupRef } from '../domain/directory-user';
import type { EntraAccount, TemporaryAccessPass } from '../domain/entra-account';

export interface EntraUser {
  /** As a Directory entry (source 'graph'; dn = object id, login = UPN). */
  readonly entry: DirectoryEntry;
  /** Transitive groups and directory roles, by object id. */
  readonly groups: readonly GroupRef[];
  /** Synced users: their AD login (onPremisesSamAccountName), to find the AD account. */
  readonly onPremisesSamAccountName?: string;
}

export interface Entra {
  /** The user with this object id (Teams' aadObjectId), or null. */
  userById(objectId: string): Promise<EntraUser | null>;
  /** The Entra account matching a directory user (itself for a Graph entry), or null when there is none. */
  linkedAccount(entry: DirectoryEntry): Promise<EntraAccount | null>;
  /** The linked account's transitive groups and roles (hybrid protection); [] when there is none. */
  linkedGroups(entry: DirectoryEntry): Promise<GroupRef[]>;
  createTemporaryAccessPass(objectId: string, options: { lifetimeMinutes: number; oneTime: boolean }): Promise<TemporaryAccessPass>;
  /** Deletes a Temporary Access Pass method (one that could not be delivered). */
  deleteTemporaryAccessPass(objectId: string, methodId: string): Promise<void>;
  /** Invalidates refresh tokens and session cookies (revokeSignInSessions). */
  revokeSessions(objectId: string): Promise<void>;
}
