// The directory the helpdesk acts on: Active Directory over LDAPS, Entra ID, or the demo file.
// Adapters throw HelpdeskError with a DIR.* code for every expected failure; they never hang
// (every call is bounded by the adapter's timeout).
import type { DirectoryEntry, DirectorySource, GroupRef } from '../domain/directory-user';

export interface Directory {
  readonly source: DirectorySource;
  /**
   * Users matching a free-text query: exact sAMAccountName, UPN or mail; display name, given name or
   * surname by prefix; telephone number or mobile. At most `limit` entries (the caller asks for one more
   * than it shows to know the list was cut). The query is a value, never a filter: adapters escape it.
   */
  search(query: string, limit: number): Promise<DirectoryEntry[]>;
  /** The one user whose sAMAccountName, UPN or mail equals `login` (case-insensitive), or null. */
  findByLogin(login: string): Promise<DirectoryEntry | null>;
  /** Transitive group membership of the entry with this dn. */
  groupsOf(dn: string): Promise<GroupRef[]>;
  /** Clear the lockout (AD: lockoutTime = 0). */
  unlock(dn: string): Promise<void>;
  /** Set a new password; with mustChange the user must change it at next logon (pwdLastSet = 0). */
  setPassword(dn: string, password: string, options: { mustChange: boolean }): Promise<void>;
  /** Throws DIR.UNAVAILABLE (or another DIR.* code) when the directory cannot be used. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
