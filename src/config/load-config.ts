// One schema for every variable (README's table). loadConfig is pure: it reads the given env object and
// reports every problem at once, one line per variable, so a bad deployment is fixed in one round.
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { MASK_POLICIES } from '../domain/masking';
import { DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE } from '../domain/portal';
import { DEFAULT_TEXT_BUDGET } from '../domain/text-budget';
import { DEFAULT_EVENTS_PER_USER_HOUR, DEFAULT_INDICATOR_THRESHOLDS } from '../domain/vishing-thresholds';
import { isAddressOrRange } from './address-or-range';
import type { Config } from './config';

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export const DEMO_ROLE_GROUPS = { agent: ['Helpdesk Agents'], supervisor: ['Helpdesk Supervisors'] } as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const optional = z.string().trim().optional().transform((v) => (v === '' ? undefined : v));
const list = optional.transform((v) => (v ? v.split(';').map((s) => s.trim()).filter(Boolean) : undefined));
const httpUrl = optional.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), 'must be an http(s) URL');
const integer = (min: number, max: number, fallback: number) =>
  optional.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });

const schema = z.object({
  NODE_ENV: optional,
  PORT: integer(1, 65535, 3978),
  HOST: optional.refine((v) => v === undefined || isIP(v) !== 0, 'must be an IP address to bind to (e.g. 127.0.0.1 or 0.0.0.0)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STORE_URL: optional
    .default('sqlite:./data/helpdesk.db')
    .refine((v) => /^sqlite:.+/.test(v ?? '') || /^mongodb(\+srv)?:\/\/.+/.test(v ?? ''), 'must be sqlite:<path> or mongodb://…'),
  LDAP_URL: optional.refine((v) => v === undefined || /^ldaps:\/\/[^\s]+$/i.test(v), 'must be an ldaps:// URL (passwords are only set over LDAPS)'),
  LDAP_BIND_DN: optional,
  LDAP_BIND_PASSWORD: optional,
  LDAP_BASE_DN: optional,
  LDAP_CA_FILE: optional,
  LDAP_TIMEOUT_MS: integer(100, 120_000, 5000),
  ROLE_AGENT_GROUPS: list,
  ROLE_SUPERVISOR_GROUPS: list,
  PROTECTED_GROUPS: list,
  MicrosoftAppId: optional,
  MicrosoftAppPassword: optional,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: optional,
  TEAMS_ALLOWED_TENANTS: list.refine((v) => v === undefined || v.every((t) => GUID.test(t)), 'must be tenant ids (GUIDs), ;-separated'),
  SLACK_BOT_TOKEN: optional.refine((v) => v === undefined || v.startsWith('xoxb-'), 'must be a bot token (xoxb-…)'),
  SLACK_SIGNING_SECRET: optional,
  SLACK_API_URL: httpUrl,
  GRAPH_TENANT_ID: optional,
  GRAPH_CLIENT_ID: optional,
  GRAPH_CLIENT_SECRET: optional,
  GRAPH_BASE_URL: httpUrl,
  GRAPH_AUTHORITY_URL: httpUrl,
  GRAPH_TIMEOUT_MS: integer(500, 120_000, 10_000),
  DIRECTORY: z.enum(['ldap', 'graph']).optional(),
  // Graph allows 10 minutes to 30 days.
  TAP_LIFETIME_MINUTES: integer(10, 43_200, 60),
  TAP_ONE_TIME: z.enum(['on', 'off']).default('on'),
  TWILIO_ACCOUNT_SID: optional.refine((v) => v === undefined || /^AC[0-9a-f]{32}$/i.test(v), 'must be AC followed by 32 hex digits'),
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_FROM: optional,
  TWILIO_API_URL: httpUrl,
  TICKETS_KIND: z.enum(['rt', 'servicenow', 'jira', 'webhook']).optional(),
  TICKETS_URL: httpUrl,
  TICKETS_TOKEN: optional,
  TICKETS_USER: optional,
  TICKETS_QUEUE: optional,
  TICKETS_PROJECT: optional.refine((v) => v === undefined || /^[A-Z][A-Z0-9_]{0,31}$/.test(v), 'must be a Jira project key (e.g. HD)'),
  TICKETS_ISSUE_TYPE: optional,
  TICKETS_SERVICE_DESK_ID: optional.refine((v) => v === undefined || /^\d{1,12}$/.test(v), 'must be a service desk id (digits)'),
  TICKETS_REQUEST_TYPE_ID: optional.refine((v) => v === undefined || /^\d{1,12}$/.test(v), 'must be a request type id (digits)'),
  TICKETS_TIMEOUT_MS: integer(100, 120_000, 10_000),
  TICKETS_RETRY_SECONDS: integer(1, 3600, 5),
  SECRETS_KEY: optional.refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  PORTAL_API_TOKEN: optional.refine((v) => v === undefined || v.length >= 24, 'must be at least 24 characters'),
  LOCAL_CONSOLE: z.enum(['on', 'off']).optional(),
  LIMIT_AGENT_PER_HOUR: integer(1, 10_000, 20),
  LIMIT_TARGET_PER_HOUR: integer(1, 1000, 3),
  LIMIT_SECRETS_PER_TARGET_PER_HOUR: integer(1, 1000, 5),
  // Far beyond any one action (a few directory calls bounded by LDAP_TIMEOUT_MS), short beside the hour.
  CHANGE_LEASE_SECONDS: integer(2, 3600, 300),
  AUDIT_HEAD_LOG_MINUTES: integer(0, 1440, 10),
  ENROLLMENT_MASK: z.enum(MASK_POLICIES).default('first-last'),
  PORTAL_API_RATE_PER_MINUTE: integer(1, 100_000, 600),
  PORTAL: z.enum(['on', 'off', 'only']).default('on'),
  PORTAL_LOCK_AFTER: integer(1, 100, 5),
  PORTAL_QUESTIONS_ASKED: integer(1, 10, 3),
  PORTAL_QUESTIONS: list,
  PORTAL_MIN_QUESTIONS: integer(1, 10, 3),
  PORTAL_MIN_ANSWER_LENGTH: integer(1, 100, 3),
  PORTAL_SESSION_IDLE_MINUTES: integer(1, 120, 10),
  PORTAL_SESSION_MAX_MINUTES: integer(1, 1440, 30),
  PORTAL_RATE_PER_MINUTE: integer(1, 100_000, 60),
  PORTAL_LOGIN_RATE_PER_MINUTE: integer(1, 1000, DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE),
  PORTAL_PAGE_RATE_PER_MINUTE: integer(1, 100_000, 300),
  // The portal's texts (issue 16): bounded per account, per number and in total, in any hour.
  SMS_PER_ACCOUNT_PER_HOUR: integer(1, 100, DEFAULT_TEXT_BUDGET.perAccount),
  SMS_PER_NUMBER_PER_HOUR: integer(1, 100, DEFAULT_TEXT_BUDGET.perNumber),
  SMS_PER_HOUR: integer(1, 100_000, DEFAULT_TEXT_BUDGET.total),
  SMS_ALLOWED_COUNTRIES: optional
    .transform((v) => (v ? v.split(/[,;]/).map((s) => s.trim()).filter(Boolean) : undefined))
    .refine((v) => (v ?? []).every((code) => /^\+[1-9]\d{0,2}$/.test(code)), 'must be country calling codes, a + and 1 to 3 digits, comma-separated (e.g. +1,+44)'),
  PORTAL_LOGIN_SUFFIXES: list.refine((v) => (v ?? []).every((s) => /^@?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(s)), 'must be domain names (corp.example.com), ;-separated'),
  PORTAL_TRUSTED_PROXIES: list.refine((v) => (v ?? []).every(isAddressOrRange), 'must be IP addresses or CIDR ranges (10.0.0.0/8), ;-separated'),
  VISHING_FAILED_ANSWERS: integer(2, 100, DEFAULT_INDICATOR_THRESHOLDS.failedAnswersPerHour),
  VISHING_PIN_FAILURES: integer(1, 100, DEFAULT_INDICATOR_THRESHOLDS.pinFailuresPerDay),
  VISHING_LOCKS_PER_IP: integer(2, 1000, DEFAULT_INDICATOR_THRESHOLDS.lockedUsersPerIp),
  VISHING_EVENTS_PER_HOUR: integer(10, 100_000, DEFAULT_INDICATOR_THRESHOLDS.eventsPerHour),
  PORTAL_EVENTS_PER_USER_HOUR: integer(20, 1_000_000, DEFAULT_EVENTS_PER_USER_HOUR),
  TWILIO_TIMEOUT_MS: integer(500, 60_000, 10_000),
  ORG_NAME: optional.default('the IT helpdesk').refine((v) => (v ?? '').length <= 60, 'must be at most 60 characters (it goes into every SMS)'),
  PIN_LENGTH: integer(6, 12, 8),
  PIN_TTL_MINUTES: integer(1, 1440, 15),
  APPROVAL_TTL_MINUTES: integer(1, 1440, 15),
  APPROVALS_TEAMS_CONVERSATION: optional,
  APPROVALS_SLACK_CHANNEL: optional.refine((v) => v === undefined || /^[CG][A-Z0-9]{2,}$/.test(v), 'must be a Slack channel id (C… or G…)'),
  VERIFY_REQUIRED: z.enum(['on', 'off']).default('off'),
  VERIFY_VALID_MINUTES: integer(1, 240, 15),
  NOTIFY_AFTER_RESET: z.enum(['on', 'off']).default('on'),
  NOTIFY_AFTER_PIN: z.enum(['on', 'off']).default('off'),
  NOTIFY_CONTACT: optional.refine((v) => (v ?? '').length <= 80, 'must be at most 80 characters'),
  RESET_ALLOW_KEEP: z.enum(['on', 'off']).default('off'),
});

type Env = z.infer<typeof schema>;

/** Every variable the configuration reads (README.md's configuration table lists each; a test checks it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** Groups of variables that only make sense together. */
const ALL_OR_NONE: readonly (readonly (keyof Env)[])[] = [
  ['LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_BASE_DN'],
  ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
  ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET'],
  ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'],
  ['TICKETS_KIND', 'TICKETS_URL'],
];

/** Any of these set means a real credential or peer: production mode (DESIGN.md). Base-URL overrides are not. */
const PRODUCTION_SIGNALS: readonly (keyof Env)[] = [
  'MicrosoftAppId', 'MicrosoftAppPassword',
  'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET',
  'LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD',
  'GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET',
  'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN',
  'TICKETS_KIND', 'TICKETS_URL', 'TICKETS_TOKEN', 'TICKETS_USER',
];

const LOOPBACK_IP = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1)$/;

export interface LoadOptions {
  /** Checks files named by the config (LDAP_CA_FILE); injected so loadConfig stays pure in tests. */
  readonly fileExists?: (file: string) => boolean;
}

export function loadConfig(rawEnv: Readonly<Record<string, string | undefined>>, options: LoadOptions = {}): ConfigResult {
  const parsed = schema.safeParse(rawEnv);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${String(issue.path[0] ?? '?')}: ${issue.message}`);
  }
  // Cross-field checks read the raw values, so they run (and report) even when a value failed to parse.
  const given = (k: keyof Env) => rawEnv[k] !== undefined && String(rawEnv[k]).trim() !== '';

  for (const group of ALL_OR_NONE) {
    const set = group.filter(given);
    if (set.length > 0 && set.length < group.length) {
      for (const missing of group.filter((k) => !given(k))) problems.push(`${missing}: required when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set`);
    }
  }
  const production = rawEnv.NODE_ENV === 'production' || PRODUCTION_SIGNALS.some(given);
  const host = rawEnv.HOST?.trim() || (production ? '0.0.0.0' : '127.0.0.1');
  const consoleAsked = rawEnv.LOCAL_CONSOLE?.trim();
  // A workstation trial: the self-asserted console against the real peers, on this machine only.
  const workstationTrial = production && consoleAsked === 'on' && LOOPBACK_IP.test(host);
  if (production && consoleAsked === 'on' && !workstationTrial) {
    problems.push(`LOCAL_CONSOLE: on in production only with HOST=127.0.0.1 (a workstation trial); HOST is ${host}`);
  }
  const tenants = unique([rawEnv.MicrosoftAppTenantId?.trim() ?? '', ...(rawEnv.TEAMS_ALLOWED_TENANTS ?? '').split(';').map((t) => t.trim())].filter(Boolean)).map((t) =>
    t.toLowerCase(),
  );
  if (given('MicrosoftAppId') && tenants.length === 0) {
    problems.push('TEAMS_ALLOWED_TENANTS: required when MicrosoftAppId is set (or MicrosoftAppTenantId): the Microsoft 365 tenant ids allowed to reach the bot');
  }
  const ldap = given('LDAP_URL');
  const graphDirectory = rawEnv.DIRECTORY?.trim() === 'graph';
  const graph = given('GRAPH_TENANT_ID');
  for (const k of ['GRAPH_BASE_URL', 'GRAPH_AUTHORITY_URL'] as const) {
    if (given(k) && !/^https:\/\//i.test(String(rawEnv[k]).trim())) problems.push(`${k}: must be an https:// URL (the Graph token is only sent over https)`);
  }
  if (graphDirectory && !graph) problems.push('DIRECTORY: graph needs GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET');
  if (graphDirectory && ldap) problems.push('DIRECTORY: graph serves Entra users only; unset LDAP_URL, or unset DIRECTORY for AD with Entra linked accounts');
  if (rawEnv.DIRECTORY?.trim() === 'ldap' && !ldap) problems.push('DIRECTORY: ldap needs LDAP_URL');
  if (production && !ldap && !graphDirectory) problems.push('LDAP_URL: required in production (the demo directory is for development only)');
  if (graphDirectory) {
    if (!given('ROLE_AGENT_GROUPS')) problems.push('ROLE_AGENT_GROUPS: required with DIRECTORY=graph (Entra group object ids or names, ;-separated)');
    if (!given('ROLE_SUPERVISOR_GROUPS')) problems.push('ROLE_SUPERVISOR_GROUPS: required with DIRECTORY=graph (Entra group object ids or names, ;-separated)');
  }
  if (production && !given('SECRETS_KEY')) problems.push('SECRETS_KEY: required in production (32 random bytes, base64)');
  if (given('MicrosoftAppId') && !given('MicrosoftAppPassword') && rawEnv.MicrosoftAppType !== 'UserAssignedMSI') {
    problems.push('MicrosoftAppPassword: required when MicrosoftAppId is set');
  }
  if (ldap) {
    if (!given('ROLE_AGENT_GROUPS')) problems.push('ROLE_AGENT_GROUPS: required with LDAP_URL (group names or DNs, ;-separated)');
    if (!given('ROLE_SUPERVISOR_GROUPS')) problems.push('ROLE_SUPERVISOR_GROUPS: required with LDAP_URL (group names or DNs, ;-separated)');
  }
  const caFile = rawEnv.LDAP_CA_FILE?.trim();
  if (caFile && !(options.fileExists ?? (() => true))(caFile)) problems.push(`LDAP_CA_FILE: no readable file at ${caFile}`);
  const ticketsKind = rawEnv.TICKETS_KIND?.trim();
  if (ticketsKind && !given('TICKETS_TOKEN')) problems.push(`TICKETS_TOKEN: required when TICKETS_KIND is set (${ticketsKind === 'webhook' ? 'the shared signing secret' : 'the API token or password'})`);
  if (ticketsKind === 'webhook' && given('TICKETS_TOKEN') && String(rawEnv.TICKETS_TOKEN).trim().length < 24) problems.push('TICKETS_TOKEN: the webhook signing secret must be at least 24 characters');
  if (ticketsKind === 'jira' && !given('TICKETS_PROJECT') && !given('TICKETS_SERVICE_DESK_ID')) problems.push('TICKETS_PROJECT: required for Jira (a project key), unless TICKETS_SERVICE_DESK_ID is set');
  if (given('TICKETS_SERVICE_DESK_ID') !== given('TICKETS_REQUEST_TYPE_ID')) problems.push('TICKETS_REQUEST_TYPE_ID: TICKETS_SERVICE_DESK_ID and TICKETS_REQUEST_TYPE_ID go together (Jira Service Management)');
  if (rawEnv.STORE_URL?.trim().startsWith('mongodb')) problems.push('STORE_URL: the MongoDB store is not in this release yet; use sqlite:<path>');

  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  const env: Env = parsed.data;

  const sqlitePath = env.STORE_URL.replace(/^sqlite:/, '');
  const agentGroups = env.ROLE_AGENT_GROUPS ?? (ldap || graphDirectory ? [] : [...DEMO_ROLE_GROUPS.agent]);
  const supervisorGroups = env.ROLE_SUPERVISOR_GROUPS ?? (ldap || graphDirectory ? [] : [...DEMO_ROLE_GROUPS.supervisor]);
  const localConsole = production ? workstationTrial : env.LOCAL_CONSOLE !== 'off';
  // SMS, PINs, approvals, caller verification and notices (issue 9).
  const helpdeskSecrets: Pick<Config, 'twilio' | 'helpdeskSecrets'> = {
    ...(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
      ? { twilio: { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.TWILIO_FROM, timeoutMs: env.TWILIO_TIMEOUT_MS, ...(env.TWILIO_API_URL ? { apiUrl: env.TWILIO_API_URL } : {}) } }
      : {}),
    helpdeskSecrets: {
      orgName: env.ORG_NAME ?? 'the IT helpdesk',
      pinLength: env.PIN_LENGTH,
      pinTtlMs: env.PIN_TTL_MINUTES * 60_000,
      approvalTtlMs: env.APPROVAL_TTL_MINUTES * 60_000,
      ...(env.APPROVALS_TEAMS_CONVERSATION ? { approvalsTeamsConversation: env.APPROVALS_TEAMS_CONVERSATION } : {}),
      ...(env.APPROVALS_SLACK_CHANNEL ? { approvalsSlackChannel: env.APPROVALS_SLACK_CHANNEL } : {}),
      verifyRequired: env.VERIFY_REQUIRED === 'on',
      verifiedForMs: env.VERIFY_VALID_MINUTES * 60_000,
      notifyAfterReset: env.NOTIFY_AFTER_RESET === 'on',
      notifyAfterPin: env.NOTIFY_AFTER_PIN === 'on',
      ...(env.NOTIFY_CONTACT ? { notifyContact: env.NOTIFY_CONTACT } : {}),
      resetMayKeepPassword: env.RESET_ALLOW_KEEP === 'on',
    },
  };
  const config: Config = {
    production,
    workstationTrial,
    port: env.PORT,
    host,
    botEndpoint: env.MicrosoftAppId ? 'authenticated' : !production || workstationTrial ? 'loopback' : 'off',
    teamsTenants: env.MicrosoftAppId ? tenants : [],
    logLevel: env.LOG_LEVEL,
    dataDir: path.dirname(sqlitePath),
    store: { kind: 'sqlite', path: sqlitePath },
    ...(ldap && env.LDAP_URL && env.LDAP_BIND_DN && env.LDAP_BIND_PASSWORD && env.LDAP_BASE_DN
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
    directory: graphDirectory ? 'graph' : ldap ? 'ldap' : 'demo',
    ...(env.GRAPH_TENANT_ID && env.GRAPH_CLIENT_ID && env.GRAPH_CLIENT_SECRET
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
      : {}),
    roles: {
      agentGroups,
      supervisorGroups,
      // Added to AD's privileged groups (DEFAULT_PROTECTED_GROUPS) and the role groups at start-up
      // (src/service/kernel/group-settings.ts), never replacing them.
      protectedGroups: unique(env.PROTECTED_GROUPS ?? []),
    },
    botFramework: {
      MicrosoftAppId: env.MicrosoftAppId ?? '',
      MicrosoftAppPassword: env.MicrosoftAppPassword ?? '',
      MicrosoftAppType: env.MicrosoftAppType,
      MicrosoftAppTenantId: env.MicrosoftAppTenantId ?? '',
    },
    ...(env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET
      ? { slack: { botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}) } }
      : {}),
    ...(env.SECRETS_KEY ? { secretsKey: Buffer.from(env.SECRETS_KEY, 'base64') } : {}),
    ...(env.PORTAL_API_TOKEN ? { portalApiToken: env.PORTAL_API_TOKEN } : {}),
    localConsole,
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
    ticketOutbox: !production && !env.TICKETS_KIND,
    ticketRetryMs: env.TICKETS_RETRY_SECONDS * 1000,
    confirmationTtlMs: 5 * 60_000,
    changeLimits: {
      perAgentPerHour: env.LIMIT_AGENT_PER_HOUR, perTargetPerHour: env.LIMIT_TARGET_PER_HOUR,
      secretsPerTargetPerHour: env.LIMIT_SECRETS_PER_TARGET_PER_HOUR,
    },
    changeLeaseMs: env.CHANGE_LEASE_SECONDS * 1000,
    auditHeadLogMs: env.AUDIT_HEAD_LOG_MINUTES * 60_000,
    portalData: {
      enrollmentMask: env.ENROLLMENT_MASK,
      apiRatePerMinute: env.PORTAL_API_RATE_PER_MINUTE,
      eventsPerUserHour: env.PORTAL_EVENTS_PER_USER_HOUR,
      indicators: {
        failedAnswersPerHour: env.VISHING_FAILED_ANSWERS,
        pinFailuresPerDay: env.VISHING_PIN_FAILURES,
        lockedUsersPerIp: env.VISHING_LOCKS_PER_IP,
        eventsPerHour: env.VISHING_EVENTS_PER_HOUR,
      },
    },
    portal: {
      mode: env.PORTAL,
      lockAfter: env.PORTAL_LOCK_AFTER,
      questionsAsked: env.PORTAL_QUESTIONS_ASKED,
      questions: env.PORTAL_QUESTIONS?.length ? env.PORTAL_QUESTIONS : DEFAULT_PORTAL_QUESTIONS,
      minQuestions: env.PORTAL_MIN_QUESTIONS,
      minAnswerLength: env.PORTAL_MIN_ANSWER_LENGTH,
      sessionIdleMs: env.PORTAL_SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: env.PORTAL_SESSION_MAX_MINUTES * 60_000,
      ratePerMinute: env.PORTAL_RATE_PER_MINUTE,
      loginRatePerMinute: env.PORTAL_LOGIN_RATE_PER_MINUTE,
      pageRatePerMinute: env.PORTAL_PAGE_RATE_PER_MINUTE,
      texts: { perAccount: env.SMS_PER_ACCOUNT_PER_HOUR, perNumber: env.SMS_PER_NUMBER_PER_HOUR, total: env.SMS_PER_HOUR, allowedCountries: env.SMS_ALLOWED_COUNTRIES ?? [] },
      trustedProxies: env.PORTAL_TRUSTED_PROXIES ?? [],
      loginSuffixes: loginSuffixes(env.PORTAL_LOGIN_SUFFIXES ?? [], env.LDAP_URL ? env.LDAP_BASE_DN : undefined),
    },
    ...helpdeskSecrets,
  };
  return { ok: true, config };
}

/** PORTAL_LOGIN_SUFFIXES (lower case, without @) and the AD domain's DNS name, from LDAP_BASE_DN's DC= parts. */
function loginSuffixes(configured: readonly string[], baseDN: string | undefined): string[] {
  const dc = [...(baseDN ?? '').matchAll(/(?:^|,)\s*DC=([^,]+)/gi)].map((m) => (m[1] ?? '').trim());
  const domain = dc.length > 0 ? [dc.join('.')] : [];
  return [...new Set([...configured.map((s) => s.replace(/^@/, '')), ...domain].map((s) => s.toLowerCase()))];
}

/** PORTAL_QUESTIONS' default: the questions a user picks from when enrolling. */
export const DEFAULT_PORTAL_QUESTIONS: readonly string[] = [
  'What was the name of your first pet?',
  'In which city were you born?',
  'What was the first book you loved?',
  'What was the name of your first school?',
  'What is your favourite dish?',
  'What was the make of your first car or bicycle?',
  'What is the middle name of your oldest sibling?',
  'What was your childhood nickname?',
];

function unique(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(v.toLowerCase()) && seen.add(v.toLowerCase()));
}
