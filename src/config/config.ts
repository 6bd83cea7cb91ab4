// The typed configuration the composition root hands to adapters. Built by loadConfig (load-config.ts)
// from environment variables; see the table in README.md.
import type { MaskPolicy } from '../domain/masking';
import type { IndicatorThresholds } from '../domain/vishing-thresholds';

export interface LdapConfig {
  readonly url: string;
  readonly bindDN: string;
  readonly bindPassword: string;
  readonly baseDN: string;
  readonly caFile?: string;
  readonly timeoutMs: number;
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

/** The portal's data (issue 8): answer masking, the portal API's rate, the vishing indicators' thresholds. */
export interface PortalDataConfig {
  readonly enrollmentMask: MaskPolicy;
  readonly apiRatePerMinute: number;
  readonly indicators: IndicatorThresholds;
}

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where dev-generated files live (the SQLite file's folder; the generated SECRETS_KEY). */
  readonly dataDir: string;
  readonly store: { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'mongodb'; readonly url: string };
  /** Absent → the demo directory. */
  readonly ldap?: LdapConfig;
  readonly roles: {
    readonly agentGroups: readonly string[];
    readonly supervisorGroups: readonly string[];
    readonly protectedGroups: readonly string[];
  };
  readonly botFramework: BotFrameworkConfig;
  readonly slack?: SlackConfig;
  /** 32 bytes; absent in dev → generated into dataDir by the composition root. */
  readonly secretsKey?: Buffer;
  readonly portalApiToken?: string;
  /** The local console and its Direct Line endpoint (self-asserted identity: dev only). */
  readonly localConsole: boolean;
  readonly confirmationTtlMs: number;
  readonly portalData: PortalDataConfig;
}
