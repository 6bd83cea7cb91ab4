// Roles come from transitive group membership. A supervisor is also an agent.
import type { DirectoryUser, GroupRef } from './directory-user';

export type Role = 'supervisor' | 'agent' | 'none';

export type Surface = 'teams' | 'slack' | 'local' | 'directline' | 'api';

export interface RoleGroups {
  /** Group names (cn) or DNs, compared case-insensitively. */
  readonly agentGroups: readonly string[];
  readonly supervisorGroups: readonly string[];
}

/** Who is asking: the directory user behind a chat identity, with the role they hold now. */
export interface Actor {
  readonly user: DirectoryUser;
  readonly role: Role;
}

export function inAnyGroup(groups: readonly GroupRef[], wanted: readonly string[]): boolean {
  if (wanted.length === 0) return false;
  const names = new Set(wanted.map((w) => w.trim().toLowerCase()));
  return groups.some((g) => names.has(g.name.toLowerCase()) || names.has(g.id.toLowerCase()));
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
