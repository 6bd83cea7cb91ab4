// Microsoft Graph (Entra ID), app-only: Teams roles and linked accounts beside AD, or the directory itself;
// Temporary Access Passes.
import { httpUrl, integer, integration, onOff, optional } from '../integration';
import type { Config, GraphConfig } from '../config';

/** TAP_LIFETIME_MINUTES and TAP_ONE_TIME unset (also what the service holds when Graph is off). */
export const DEFAULT_TAP: GraphConfig['tap'] = { lifetimeMinutes: 60, oneTime: true };

export const graph = integration({
  variables: {
    GRAPH_TENANT_ID: optional,
    GRAPH_CLIENT_ID: optional,
    GRAPH_CLIENT_SECRET: optional,
    GRAPH_BASE_URL: httpUrl,
    GRAPH_AUTHORITY_URL: httpUrl,
    GRAPH_TIMEOUT_MS: integer(500, 120_000, 10_000),
    // Graph allows 10 minutes to 30 days.
    TAP_LIFETIME_MINUTES: integer(10, 43_200, DEFAULT_TAP.lifetimeMinutes),
    TAP_ONE_TIME: onOff(DEFAULT_TAP.oneTime ? 'on' : 'off'),
  },
  allOrNone: [['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET']],
  productionSignals: ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET'],
  rules: (env) =>
    (['GRAPH_BASE_URL', 'GRAPH_AUTHORITY_URL'] as const)
      .filter((k) => env.given(k) && !/^https:\/\//i.test(env.value(k) ?? ''))
      .map((k) => `${k}: must be an https:// URL (the Graph token is only sent over https)`),
  build: (env): Pick<Config, 'graph'> =>
    env.GRAPH_TENANT_ID && env.GRAPH_CLIENT_ID && env.GRAPH_CLIENT_SECRET
      ? {
          graph: {
            tenantId: env.GRAPH_TENANT_ID,
            clientId: env.GRAPH_CLIENT_ID,
            clientSecret: env.GRAPH_CLIENT_SECRET,
            ...(env.GRAPH_BASE_URL ? { baseUrl: env.GRAPH_BASE_URL } : {}),
            ...(env.GRAPH_AUTHORITY_URL ? { authorityUrl: env.GRAPH_AUTHORITY_URL } : {}),
            timeoutMs: env.GRAPH_TIMEOUT_MS,
            tap: { lifetimeMinutes: env.TAP_LIFETIME_MINUTES, oneTime: env.TAP_ONE_TIME === 'on' },
          },
        }
      : {},
});
