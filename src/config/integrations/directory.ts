// Where users come from: Active Directory over LDAPS, Entra through Graph (DIRECTORY=graph), or the demo
// file; and the role and protected groups, which only the directory can resolve.
import { z } from 'zod';
import { integer, integration, list, optional, unique, type Facts, type RawEnv } from '../integration';
import type { Config } from '../config';

export const DEMO_ROLE_GROUPS = { agent: ['Helpdesk Agents'], supervisor: ['Helpdesk Supervisors'] } as const;

export function directoryOf(env: RawEnv): Facts['directory'] {
  return env.value('DIRECTORY') === 'graph' ? 'graph' : env.given('LDAP_URL') ? 'ldap' : 'demo';
}

export const directory = integration({
  variables: {
    LDAP_URL: optional.refine((v) => v === undefined || /^ldaps:\/\/[^\s]+$/i.test(v), 'must be an ldaps:// URL (passwords are only set over LDAPS)'),
    LDAP_BIND_DN: optional,
    LDAP_BIND_PASSWORD: optional,
    LDAP_BASE_DN: optional,
    LDAP_CA_FILE: optional,
    LDAP_TIMEOUT_MS: integer(100, 120_000, 5000),
    DIRECTORY: z.enum(['ldap', 'graph']).optional(),
    ROLE_AGENT_GROUPS: list,
    ROLE_SUPERVISOR_GROUPS: list,
    PROTECTED_GROUPS: list,
  },
  allOrNone: [['LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN']],
  productionSignals: ['LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD'],
  rules(env, facts, options) {
    const problems: string[] = [];
    const ldap = env.given('LDAP_URL');
    if (facts.directory === 'graph') {
      if (!env.given('GRAPH_TENANT_ID')) problems.push('DIRECTORY: graph needs GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET');
      if (ldap) problems.push('DIRECTORY: graph serves Entra users only; unset LDAP_URL, or unset DIRECTORY for AD with Entra linked accounts');
    }
    if (env.value('DIRECTORY') === 'ldap' && !ldap) problems.push('DIRECTORY: ldap needs LDAP_URL');
    if (facts.production && facts.directory === 'demo') problems.push('LDAP_URL: required in production (the demo directory is for development only)');
    // A real directory has no demo groups to fall back on.
    const where = facts.directory === 'graph' ? 'DIRECTORY=graph (Entra group object ids or names' : ldap ? 'LDAP_URL (group names or DNs' : undefined;
    if (where) {
      for (const k of ['ROLE_AGENT_GROUPS', 'ROLE_SUPERVISOR_GROUPS']) if (!env.given(k)) problems.push(`${k}: required with ${where}, ;-separated)`);
    }
    const caFile = env.value('LDAP_CA_FILE');
    if (caFile && !(options.fileExists ?? (() => true))(caFile)) problems.push(`LDAP_CA_FILE: no readable file at ${caFile}`);
    return problems;
  },
  build: (env, facts): Pick<Config, 'ldap' | 'directory' | 'roles'> => {
    const demo = facts.directory === 'demo';
    return {
      ...(facts.directory === 'ldap' && env.LDAP_URL && env.LDAP_BIND_DN && env.LDAP_BIND_PASSWORD && env.LDAP_BASE_DN
        ? {
            ldap: {
              url: env.LDAP_URL,
              bindDN: env.LDAP_BIND_DN,
              bindPassword: env.LDAP_BIND_PASSWORD,
              baseDN: env.LDAP_BASE_DN,
              ...(env.LDAP_CA_FILE ? { caFile: env.LDAP_CA_FILE } : {}),
              timeoutMs: env.LDAP_TIMEOUT_MS,
            },
          }
        : {}),
      directory: facts.directory,
      roles: {
        agentGroups: env.ROLE_AGENT_GROUPS ?? (demo ? [...DEMO_ROLE_GROUPS.agent] : []),
        supervisorGroups: env.ROLE_SUPERVISOR_GROUPS ?? (demo ? [...DEMO_ROLE_GROUPS.supervisor] : []),
        // Added to AD's privileged groups (DEFAULT_PROTECTED_GROUPS) and the role groups at start-up
        // (src/service/kernel/group-settings.ts), never replacing them.
        protectedGroups: unique(env.PROTECTED_GROUPS ?? []),
      },
    };
  },
});
