// The typed configuration the composition root hands to adapters. Built by loadConfig (load-config.ts)
// from environment variables, each integration's part by its schema module (integrations/*.ts); see the
// table in README.md.
import type { MaskPolicy } from '../domain/masking';
import type { TextBudgetSettings } from '../domain/text-budget';
import type { IndicatorThresholds } from '../domain/vishing-thresholds';

export interface LdapConfig {
  readonly url: string;
  readonly bindDN: string;
  readonly bindPassword: string;
  readonly baseDN: string;
  readonly caFile?: string;
  readonly timeoutMs: number;
}

/** Microsoft Graph (Entra ID), app-only. */
export interface GraphConfig {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** GRAPH_BASE_URL: Graph's origin (tests: a loopback https server). */
  readonly baseUrl?: string;
  /** GRAPH_AUTHORITY_URL: the Entra authority host. */
  readonly authorityUrl?: string;
  readonly timeoutMs: number;
  /** Temporary Access Pass: lifetime and one-time use (TAP_LIFETIME_MINUTES, TAP_ONE_TIME). */
  readonly tap: { readonly lifetimeMinutes: number; readonly oneTime: boolean };
}

export interface BotFrameworkConfig {
  /** botbuilder's own names; an empty MicrosoftAppId means no auth (local only). */
  readonly MicrosoftAppId: string;
  readonly MicrosoftAppPassword: string;
  readonly MicrosoftAppType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  readonly MicrosoftAppTenantId: string;
}

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret: string;
  /** Web API base URL override (tests point it at loopback), e.g. http://127.0.0.1:9000/api/ */
  readonly apiUrl?: string;
}

/**
 * How POST /api/messages is served: 'authenticated' (MicrosoftAppId set: botbuilder checks every JWT),
 * 'loopback' (no auth: local mode or a workstation trial; loopback peer, localhost Host and a loopback
 * serviceUrl only), 'off' (production without MicrosoftAppId: the route does not exist).
 */
export type BotEndpointMode = 'authenticated' | 'loopback' | 'off';

/** The portal's data (issue 8): answer masking, the portal API's rate, the vishing indicators' thresholds. */
export interface PortalDataConfig {
  readonly enrollmentMask: MaskPolicy;
  readonly apiRatePerMinute: number;
  /** Events stored per user per hour from the portal API and the portal's anonymous requests. */
  readonly eventsPerUserHour: number;
  readonly indicators: IndicatorThresholds;
}

/** Twilio (all three credentials set); absent → the dev outbox, or no SMS at all in production. */
export interface TwilioConfig {
  readonly accountSid: string;
  readonly authToken: string;
  readonly from: string;
  readonly apiUrl?: string;
  readonly timeoutMs: number;
}

/** The helpdesk's own rules (src/config/integrations/helpdesk-policy.ts): texts' sender, PINs, approvals, caller verification, notices, reset options. */
export interface HelpdeskPolicyConfig {
  readonly orgName: string;
  readonly pinLength: number;
  readonly pinTtlMs: number;
  readonly approvalTtlMs: number;
  /** SECRET_HIDE_SECONDS: how long a shown password stays on screen before it hides itself. */
  readonly secretHideAfterMs: number;
  /** A Teams conversation id (a channel) where approval requests are also posted. */
  readonly approvalsTeamsConversation?: string;
  /** A Slack channel id where approval requests are also posted. */
  readonly approvalsSlackChannel?: string;
  readonly verifyRequired: boolean;
  readonly verifiedForMs: number;
  readonly notifyAfterReset: boolean;
  readonly notifyAfterPin: boolean;
  readonly notifyContact?: string;
  readonly resetMayKeepPassword: boolean;
  /** PORTAL_PUBLIC_URL: the portal's address as users reach it, named in password-expiry reminders. */
  readonly portalPublicUrl?: string;
  /** EXPIRY_REMINDER_DAYS: days before a password expires at which the user is texted by themselves (empty: off). */
  readonly expiryReminderDays: readonly number[];
}

/** Alerts to the supervisors (ALERTS_*, ALERT_*): posted nowhere when neither place is set. */
export interface AlertsConfig {
  readonly teamsConversation?: string;
  readonly slackChannel?: string;
  /** ALERT_LOCKOUTS: lockouts (AD or portal) within the window that make a storm. */
  readonly lockouts: number;
  /** ALERT_WINDOW_MINUTES, in ms. */
  readonly windowMs: number;
  /** ALERT_VIP_GROUPS: group names or DNs whose members' lockouts alert at once. */
  readonly vipGroups: readonly string[];
  /** ALERT_POLL_SECONDS, in ms: how often the directory is asked who is locked. */
  readonly pollMs: number;
}

/** The ticket system escalations go to (TICKETS_*). */
export interface TicketsConfig {
  readonly kind: 'rt' | 'servicenow' | 'jira' | 'webhook';
  readonly url: string;
  /** RT: a REST2 auth token; ServiceNow/Jira: the password or API token (with `user`) or a bearer token; webhook: the signing secret. */
  readonly token: string;
  readonly user?: string;
  /** RT: the queue (default General); ServiceNow: the assignment group. */
  readonly queue?: string;
  readonly project?: string;
  readonly issueType?: string;
  readonly serviceDeskId?: string;
  readonly requestTypeId?: string;
  readonly timeoutMs: number;
}

/** The self-service portal (issue 10): PORTAL=on|off|only and its policy. */
export interface PortalConfig {
  readonly mode: 'on' | 'off' | 'only';
  /** Failed challenges before the portal account locks (PORTAL_LOCK_AFTER). */
  readonly lockAfter: number;
  readonly questionsAsked: number;
  /** The questions offered at enrollment. */
  readonly questions: readonly string[];
  readonly minQuestions: number;
  readonly minAnswerLength: number;
  readonly sessionIdleMs: number;
  readonly sessionMaxMs: number;
  /** Form posts per minute per IP address, and challenge attempts per minute per login. */
  readonly ratePerMinute: number;
  readonly loginRatePerMinute: number;
  /** Page and asset requests (GET) per minute per IP address. */
  readonly pageRatePerMinute: number;
  /** The portal's texts (SMS_*): per account, per number and in total per hour; the country codes a registered mobile may have (empty: any). */
  readonly texts: TextBudgetSettings;
  /** Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client (PORTAL_TRUSTED_PROXIES). */
  readonly trustedProxies: readonly string[];
  /**
   * The directory's UPN and mail suffixes (PORTAL_LOGIN_SUFFIXES, plus the AD domain named by LDAP_BASE_DN):
   * a login nobody has counts its failures under its local part when it ends in one.
   */
  readonly loginSuffixes: readonly string[];
}

export interface Config {
  /** Any real credential or peer configured, or NODE_ENV=production (DESIGN.md "Production mode and surfaces"). */
  readonly production: boolean;
  /** Production with LOCAL_CONSOLE=on on a loopback HOST: the local surfaces against the real peers. */
  readonly workstationTrial: boolean;
  readonly port: number;
  /** Bind address (HOST): 127.0.0.1 in local mode, 0.0.0.0 in production by default. */
  readonly host: string;
  readonly botEndpoint: BotEndpointMode;
  /** Microsoft 365 tenants whose Teams activities are accepted (lower case); empty = no check (no MicrosoftAppId). */
  readonly teamsTenants: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where dev-generated files live (the SQLite file's folder; the generated SECRETS_KEY). */
  readonly dataDir: string;
  readonly store: { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'mongodb'; readonly url: string };
  /** Absent → the demo directory (unless Graph is the directory). */
  readonly ldap?: LdapConfig;
  /** Which directory users come from: AD (LDAP_URL), Entra through Graph (DIRECTORY=graph), or the demo file. */
  readonly directory: 'ldap' | 'graph' | 'demo';
  /** Graph configured: Teams roles from Entra, linked accounts; with directory 'graph' also the users. */
  readonly graph?: GraphConfig;
  readonly roles: {
    readonly agentGroups: readonly string[];
    readonly supervisorGroups: readonly string[];
    /** PROTECTED_GROUPS only: the privileged defaults and the role groups are added at start-up. */
    readonly protectedGroups: readonly string[];
  };
  readonly botFramework: BotFrameworkConfig;
  readonly slack?: SlackConfig;
  /** 32 bytes; absent in dev → generated into dataDir by the composition root. */
  readonly secretsKey?: Buffer;
  readonly portalApiToken?: string;
  /**
   * /metrics (METRICS_PORT, METRICS_TOKEN): on its own port when `port` is set, else on the main port, where
   * the config guarantees a token. Absent → not served.
   */
  readonly metrics?: { readonly port?: number; readonly token?: string };
  /** The local console and its Direct Line endpoint (self-asserted identity: dev only). */
  readonly localConsole: boolean;
  /**
   * Account changes allowed per agent and per target in any hour (LIMIT_AGENT_PER_HOUR, LIMIT_TARGET_PER_HOUR),
   * and issued secrets (PINs, passes, verification codes) per target (LIMIT_SECRETS_PER_TARGET_PER_HOUR).
   */
  readonly changeLimits: { readonly perAgentPerHour: number; readonly perTargetPerHour: number; readonly secretsPerTargetPerHour: number };
  /** CHANGE_LEASE_SECONDS: a reserved change not finished by then (its process died) is given back. */
  readonly changeLeaseMs: number;
  /** How often the audit chain's head is logged (AUDIT_HEAD_LOG_MINUTES); 0 = never. */
  readonly auditHeadLogMs: number;
  /** Start-up verification of the audit chain: one process per this window (AUDIT_VERIFY_WINDOW_MINUTES); 0 = every process. */
  readonly auditVerifyWindowMs: number;
  readonly portalData: PortalDataConfig;
  readonly twilio?: TwilioConfig;
  readonly helpdeskPolicy: HelpdeskPolicyConfig;
  readonly alerts: AlertsConfig;
  readonly portal: PortalConfig;
  /** Absent → the dev outbox in local mode (`ticketOutbox`), no escalations in production. */
  readonly tickets?: TicketsConfig;
  readonly ticketOutbox: boolean;
  /** The first pause before a failed ticket is retried (doubling, up to 10 minutes). */
  readonly ticketRetryMs: number;
}
