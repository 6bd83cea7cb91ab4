// Microsoft Teams through the Bot Framework: the app's credentials (botbuilder's own names) and the
// Microsoft 365 tenants whose activities are served.
import { z } from 'zod';
import { integration, list, optional, unique, type RawEnv } from '../integration';
import type { Config } from '../config';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** MicrosoftAppTenantId and TEAMS_ALLOWED_TENANTS, lower case, each once. */
const tenantsOf = (tenantId: string | undefined, allowed: readonly string[]) => unique([tenantId ?? '', ...allowed].filter(Boolean)).map((t) => t.toLowerCase());
const rawList = (env: RawEnv, name: string) => (env.value(name) ?? '').split(';').map((t) => t.trim());

export const teams = integration({
  variables: {
    MicrosoftAppId: optional,
    MicrosoftAppPassword: optional,
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MicrosoftAppTenantId: optional,
    TEAMS_ALLOWED_TENANTS: list.refine((v) => v === undefined || v.every((t) => GUID.test(t)), 'must be tenant ids (GUIDs), ;-separated'),
  },
  productionSignals: ['MicrosoftAppId', 'MicrosoftAppPassword'],
  rules(env) {
    if (!env.given('MicrosoftAppId')) return [];
    const problems: string[] = [];
    if (tenantsOf(env.value('MicrosoftAppTenantId'), rawList(env, 'TEAMS_ALLOWED_TENANTS')).length === 0) {
      problems.push('TEAMS_ALLOWED_TENANTS: required when MicrosoftAppId is set (or MicrosoftAppTenantId): the Microsoft 365 tenant ids allowed to reach the bot');
    }
    // A user-assigned managed identity has no password.
    if (!env.given('MicrosoftAppPassword') && env.value('MicrosoftAppType') !== 'UserAssignedMSI') problems.push('MicrosoftAppPassword: required when MicrosoftAppId is set');
    return problems;
  },
  build: (env, facts): Pick<Config, 'botEndpoint' | 'teamsTenants' | 'botFramework'> => ({
    botEndpoint: env.MicrosoftAppId ? 'authenticated' : !facts.production || facts.workstationTrial ? 'loopback' : 'off',
    teamsTenants: env.MicrosoftAppId ? tenantsOf(env.MicrosoftAppTenantId, env.TEAMS_ALLOWED_TENANTS ?? []) : [],
    botFramework: {
      MicrosoftAppId: env.MicrosoftAppId ?? '',
      MicrosoftAppPassword: env.MicrosoftAppPassword ?? '',
      MicrosoftAppType: env.MicrosoftAppType,
      MicrosoftAppTenantId: env.MicrosoftAppTenantId ?? '',
    },
  }),
});
