// Every variable (README's table), owned by its integration's schema module (integrations/*.ts): its
// variables and defaults, its cross-field rules, its part of the Config. loadConfig is pure: it reads the
// given env object and reports every problem of every integration at once, one line per variable, so a
// bad deployment is fixed in one round.
import { z } from 'zod';
import type { Config } from './config';
import { type Facts, type IntegrationChecks, type LoadOptions, type RawEnv } from './integration';
import { alerts } from './integrations/alerts';
import { directory, directoryOf } from './integrations/directory';
import { graph } from './integrations/graph';
import { helpdeskPolicy } from './integrations/helpdesk-policy';
import { metrics } from './integrations/metrics';
import { portal } from './integrations/portal';
import { portalData } from './integrations/portal-data';
import { secrets } from './integrations/secrets';
import { bindOf, server } from './integrations/server';
import { slack } from './integrations/slack';
import { store } from './integrations/store';
import { teams } from './integrations/teams';
import { tickets } from './integrations/tickets';
import { twilio } from './integrations/twilio';

export type { LoadOptions } from './integration';
export { DEMO_ROLE_GROUPS } from './integrations/directory';
export { DEFAULT_PORTAL_QUESTIONS } from './integrations/portal';

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Each integration by name; each variable belongs to exactly one (a test checks it). */
export const INTEGRATIONS = { server, store, secrets, directory, graph, teams, slack, twilio, tickets, portal, portalData, helpdeskPolicy, metrics, alerts } as const;

const schema = z.object({
  ...server.variables, ...store.variables, ...secrets.variables, ...directory.variables, ...graph.variables, ...teams.variables,
  ...slack.variables, ...twilio.variables, ...tickets.variables, ...portal.variables, ...portalData.variables, ...helpdeskPolicy.variables,
  ...metrics.variables, ...alerts.variables,
});

/** Every variable the configuration reads (README.md's configuration table lists each; a test checks it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** Each variable's default as README's table shows it (variables without one are left out), read from the schema itself. */
export const CONFIG_DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(schema.shape).flatMap(([name, type]) => {
    const unset = type.safeParse(undefined);
    return unset.success && unset.data !== undefined ? [[name, String(unset.data)]] : [];
  }),
);

export function loadConfig(rawEnv: Readonly<Record<string, string | undefined>>, options: LoadOptions = {}): ConfigResult {
  const parsed = schema.safeParse(rawEnv);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${String(issue.path[0] ?? '?')}: ${issue.message}`);
  }
  // Cross-field rules read the raw values, so they run (and report) even when a value failed to parse.
  const raw: RawEnv = {
    value: (name) => rawEnv[name]?.trim() || undefined,
    given: (name) => raw.value(name) !== undefined,
  };
  const checks: readonly IntegrationChecks[] = Object.values(INTEGRATIONS);
  const production = raw.value('NODE_ENV') === 'production' || checks.some((i) => (i.productionSignals ?? []).some(raw.given));
  const directoryKind = directoryOf(raw);
  const adBaseDN = directoryKind === 'ldap' ? raw.value('LDAP_BASE_DN') : undefined;
  const facts: Facts = { production, port: Number(raw.value('PORT') ?? 3978), ...bindOf(raw, production), directory: directoryKind, ...(adBaseDN ? { adBaseDN } : {}) };

  for (const integration of checks) {
    for (const group of integration.allOrNone ?? []) problems.push(...missingFrom(group, raw));
    problems.push(...(integration.rules?.(raw, facts, options) ?? []));
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };

  const env = parsed.data;
  const config: Config = {
    production,
    ...server.build(env, facts),
    ...store.build(env, facts),
    ...secrets.build(env, facts),
    ...directory.build(env, facts),
    ...graph.build(env, facts),
    ...teams.build(env, facts),
    ...slack.build(env, facts),
    ...twilio.build(env, facts),
    ...tickets.build(env, facts),
    ...portal.build(env, facts),
    ...portalData.build(env, facts),
    ...helpdeskPolicy.build(env, facts),
    ...metrics.build(env, facts),
    ...alerts.build(env, facts),
  };
  return { ok: true, config };
}

/** A group of variables that only make sense together: each one missing while others are set. */
function missingFrom(group: readonly string[], env: RawEnv): string[] {
  const set = group.filter(env.given);
  if (set.length === 0 || set.length === group.length) return [];
  return group.filter((k) => !env.given(k)).map((missing) => `${missing}: required when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set`);
}
