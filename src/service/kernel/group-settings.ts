// Start-up step: the configured group names (or DNs) → the groups themselves, by DN, once. From then on
// roles and protection compare memberships by DN (GroupRef.id), never by a group's short name, which
// anyone allowed to create a group can copy. A configured name that finds no group, or several, stops
// start-up; AD's own privileged groups a domain does not have are skipped.
import type { GroupRef } from '../../domain/directory-user';
import { DEFAULT_PROTECTED_GROUPS } from '../../domain/policy';
import type { Protection } from '../../domain/protection';
import type { RoleGroups } from '../../domain/roles';
import type { Directory, GroupMatches } from '../../ports/directory.port';

/** The group settings as configured: names or DNs. */
export interface GroupNames {
  readonly agentGroups: readonly string[];
  readonly supervisorGroups: readonly string[];
  /** PROTECTED_GROUPS: added to AD's privileged groups and the role groups, never replacing them. */
  readonly protectedGroups: readonly string[];
}

export interface GroupSettings {
  readonly roles: RoleGroups;
  readonly protection: Protection;
}

const SETTING: Record<keyof GroupNames, string> = {
  agentGroups: 'ROLE_AGENT_GROUPS',
  supervisorGroups: 'ROLE_SUPERVISOR_GROUPS',
  protectedGroups: 'PROTECTED_GROUPS',
};

/** Thrown when a configured group cannot be resolved: its message is the one line start-up prints. */
export class GroupSettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'GroupSettingsError';
  }
}

export async function resolveGroupSettings(directory: Directory, names: GroupNames): Promise<GroupSettings> {
  const configured = (Object.keys(SETTING) as (keyof GroupNames)[]).flatMap((setting) =>
    names[setting].map((name) => ({ setting, name: name.trim() })).filter((c) => c.name !== ''),
  );
  const wanted = unique([...configured.map((c) => c.name), ...DEFAULT_PROTECTED_GROUPS]);
  const found = new Map<string, GroupMatches>();
  for (const m of await directory.resolveGroups(wanted)) found.set(m.name.toLowerCase(), m);
  const matchesOf = (name: string): readonly GroupRef[] => found.get(name.toLowerCase())?.groups ?? [];

  const problems: string[] = [];
  const resolved = (setting: keyof GroupNames): GroupRef[] =>
    configured
      .filter((c) => c.setting === setting)
      .flatMap(({ name }) => {
        const groups = matchesOf(name);
        if (groups.length === 0) problems.push(`${SETTING[setting]}: no group "${name}" in the directory`);
        return groups;
      });
  const roles: RoleGroups = { agentGroups: resolved('agentGroups'), supervisorGroups: resolved('supervisorGroups') };
  const extra = resolved('protectedGroups');
  // Defaults missing from this domain are skipped; any name (configured or default) that several
  // groups answer to is refused: guessing could pick the copy someone else made.
  for (const name of wanted) {
    const groups = matchesOf(name);
    if (groups.length > 1) {
      const setting = configured.find((c) => c.name.toLowerCase() === name.toLowerCase())?.setting;
      problems.push(
        `${setting ? `${SETTING[setting]}: ` : ''}the group name "${name}" is ambiguous, ${groups.length} groups have it ` +
          `(${groups.map((g) => g.id).join(' | ')}): configure the group's DN instead`,
      );
    }
  }
  let account: string | undefined;
  try {
    account = await directory.serviceAccount();
  } catch (e) {
    problems.push(`LDAP_BIND_DN: the bot's own account was not found in the directory (${e instanceof Error ? e.message : String(e)})`);
  }
  if (problems.length > 0) throw new GroupSettingsError(problems);

  const defaults = DEFAULT_PROTECTED_GROUPS.flatMap((name) => matchesOf(name));
  return {
    roles,
    protection: {
      groups: uniqueGroups([...defaults, ...roles.agentGroups, ...roles.supervisorGroups, ...extra]),
      accounts: account ? [account] : [],
    },
  };
}

function unique(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(v.toLowerCase()) && seen.add(v.toLowerCase()));
}

function uniqueGroups(groups: readonly GroupRef[]): GroupRef[] {
  const seen = new Set<string>();
  return groups.filter((g) => !seen.has(g.id.toLowerCase()) && seen.add(g.id.toLowerCase()));
}
