// Roles come from transitive group membership. A supervisor is also an agent.
import type { DirectoryUser, GroupRef } from './directory-user';

export type Role = 'supervisor' | 'agent' | 'none';

export type Surface = 'teams' | 'slack' | 'local' | 'directline' | 'api';

/** The role groups as resolved once at start-up (src/service/kernel/group-settings.ts): compared by DN / id. */
export interface RoleGroups {
  readonly agentGroups: readonly GroupRef[];
  readonly supervisorGroups: readonly GroupRef[];
}

/** Who is asking: the directory user behind a chat identity, with the role they hold now. */
export interface Actor {
  readonly user: DirectoryUser;
  readonly role: Role;
}

/**
 * Membership by DN (AD) or object id (Entra), case-insensitively, never by name: anyone allowed to create
 * a group somewhere can give it the name of a helpdesk group, but not its DN.
 */
export function inAnyGroup(groups: readonly GroupRef[], wanted: readonly GroupRef[]): boolean {
  if (wanted.length === 0) return false;
  const ids = new Set(wanted.map((w) => w.id.toLowerCase()));
  return groups.some((g) => ids.has(g.id.toLowerCase()));
}

export function roleOf(groups: readonly GroupRef[], config: RoleGroups): Role {
  if (inAnyGroup(groups, config.supervisorGroups)) return 'supervisor';
  if (inAnyGroup(groups, config.agentGroups)) return 'agent';
  return 'none';
}

const RANK: Record<Role, number> = { none: 0, agent: 1, supervisor: 2 };

export function hasRole(actual: Role, needed: Role): boolean {
  return RANK[actual] >= RANK[needed];
}
