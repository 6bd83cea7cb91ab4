// The ticket system escalations go to (RT, ServiceNow, Jira or a signed webhook), or the dev outbox.
import { z } from 'zod';
import { httpUrl, integer, integration, optional } from '../integration';
import type { Config } from '../config';

const digits = (what: string) => optional.refine((v) => v === undefined || /^\d{1,12}$/.test(v), `must be a ${what} (digits)`);

export const tickets = integration({
  variables: {
    TICKETS_KIND: z.enum(['rt', 'servicenow', 'jira', 'webhook']).optional(),
    TICKETS_URL: httpUrl,
    TICKETS_TOKEN: optional,
    TICKETS_USER: optional,
    TICKETS_QUEUE: optional,
    TICKETS_PROJECT: optional.refine((v) => v === undefined || /^[A-Z][A-Z0-9_]{0,31}$/.test(v), 'must be a Jira project key (e.g. HD)'),
    TICKETS_ISSUE_TYPE: optional,
    TICKETS_SERVICE_DESK_ID: digits('service desk id'),
    TICKETS_REQUEST_TYPE_ID: digits('request type id'),
    TICKETS_TIMEOUT_MS: integer(100, 120_000, 10_000),
    TICKETS_RETRY_SECONDS: integer(1, 3600, 5),
  },
  allOrNone: [['TICKETS_KIND', 'TICKETS_URL']],
  productionSignals: ['TICKETS_KIND', 'TICKETS_URL', 'TICKETS_TOKEN', 'TICKETS_USER'],
  rules(env) {
    const problems: string[] = [];
    const kind = env.value('TICKETS_KIND');
    const token = env.value('TICKETS_TOKEN');
    if (kind && !token) problems.push(`TICKETS_TOKEN: required when TICKETS_KIND is set (${kind === 'webhook' ? 'the shared signing secret' : 'the API token or password'})`);
    if (kind === 'webhook' && token && token.length < 24) problems.push('TICKETS_TOKEN: the webhook signing secret must be at least 24 characters');
    if (kind === 'jira' && !env.given('TICKETS_PROJECT') && !env.given('TICKETS_SERVICE_DESK_ID')) problems.push('TICKETS_PROJECT: required for Jira (a project key), unless TICKETS_SERVICE_DESK_ID is set');
    if (env.given('TICKETS_SERVICE_DESK_ID') !== env.given('TICKETS_REQUEST_TYPE_ID')) problems.push('TICKETS_REQUEST_TYPE_ID: TICKETS_SERVICE_DESK_ID and TICKETS_REQUEST_TYPE_ID go together (Jira Service Management)');
    return problems;
  },
  build: (env, facts): Pick<Config, 'tickets' | 'ticketOutbox' | 'ticketRetryMs'> => ({
    ...(env.TICKETS_KIND && env.TICKETS_URL && env.TICKETS_TOKEN
      ? {
          tickets: {
            kind: env.TICKETS_KIND,
            url: env.TICKETS_URL,
            token: env.TICKETS_TOKEN,
            ...(env.TICKETS_USER ? { user: env.TICKETS_USER } : {}),
            ...(env.TICKETS_QUEUE ? { queue: env.TICKETS_QUEUE } : {}),
            ...(env.TICKETS_PROJECT ? { project: env.TICKETS_PROJECT } : {}),
            ...(env.TICKETS_ISSUE_TYPE ? { issueType: env.TICKETS_ISSUE_TYPE } : {}),
            ...(env.TICKETS_SERVICE_DESK_ID ? { serviceDeskId: env.TICKETS_SERVICE_DESK_ID } : {}),
            ...(env.TICKETS_REQUEST_TYPE_ID ? { requestTypeId: env.TICKETS_REQUEST_TYPE_ID } : {}),
            timeoutMs: env.TICKETS_TIMEOUT_MS,
          },
        }
      : {}),
    // The dev outbox only where no real ticket system is configured, and never in production.
    ticketOutbox: !facts.production && !env.TICKETS_KIND,
    ticketRetryMs: env.TICKETS_RETRY_SECONDS * 1000,
  }),
});
