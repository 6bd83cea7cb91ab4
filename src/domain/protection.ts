// Which accounts the bot never changes (DESIGN "Roles and rules"), decided from data the directory already
// returned: the target's groups, its entry's privilege marks, and the groups and accounts resolved at start-up.
import type { DirectoryEntry, GroupRef } from './directory-user';
import { inAnyGroup } from './roles';

export interface Protection {
  /** AD's privileged groups, the role groups and PROTECTED_GROUPS, resolved to DNs (with their RIDs). */
  readonly groups: readonly GroupRef[];
  /** Accounts protected by DN: the bot's own bind account. */
  readonly accounts: readonly string[];
}

export type ProtectionReason = 'protected-group' | 'admin-count' | 'primary-group' | 'service-account' | 'directory-role';

/** Why the entry is protected, or undefined when it is not. */
export function protectionReason(entry: DirectoryEntry, groups: readonly GroupRef[], protection: Protection): ProtectionReason | undefined {
  const dn = entry.dn.toLowerCase();
  if (protection.accounts.some((a) => a.toLowerCase() === dn)) return 'service-account';
  if (inAnyGroup(groups, protection.groups)) return 'protected-group';
  if (groups.some((g) => g.directoryRole)) return 'directory-role';
  if (entry.privilege?.adminCount) return 'admin-count';
  const primary = entry.privilege?.primaryGroupId;
  if (primary !== undefined && protection.groups.some((g) => g.primaryGroupToken === primary)) return 'primary-group';
  return undefined;
}
