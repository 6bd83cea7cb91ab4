// Part of the composition root: the service's settings from the configuration. What an operator sets
// comes from the Config, whose schema modules (src/config/integrations/) hold each default once; the
// rest are the service's fixed values. Tests take the settings of an empty configuration from here, so
// they run with the defaults a deployment gets.
import type { Config } from './config/config';
import { DEFAULT_TAP } from './config/integrations/graph';
import { loadConfig } from './config/load-config';
import { PIN_POLICY } from './domain/one-time-code';
import type { AlertSettings } from './service/desk';
import { CHANGE_LIMITS_WINDOW_MS, FIXED_SETTINGS, type ServiceSettings } from './service/kernel';

export type ConfiguredSettings = Omit<ServiceSettings, 'roles' | 'protection'>;

export function serviceSettings(config: Config): ConfiguredSettings {
  const policy = config.helpdeskPolicy;
  return {
    ...FIXED_SETTINGS,
    changeLimits: {
      perActor: config.changeLimits.perAgentPerHour, perTarget: config.changeLimits.perTargetPerHour,
      secretsPerTarget: config.changeLimits.secretsPerTargetPerHour, windowMs: CHANGE_LIMITS_WINDOW_MS,
    },
    changeLeaseMs: config.changeLeaseMs,
    enrollmentMask: config.portalData.enrollmentMask,
    indicators: config.portalData.indicators,
    // Without Graph there are no passes; the setting is then never read.
    tap: config.graph?.tap ?? DEFAULT_TAP,
    pinPolicy: { ...PIN_POLICY, length: policy.pinLength, ttlMs: policy.pinTtlMs },
    approvalTtlMs: policy.approvalTtlMs,
    secretHideAfterMs: policy.secretHideAfterMs,
    verifyRequired: policy.verifyRequired,
    verifiedForMs: policy.verifiedForMs,
    orgName: policy.orgName,
    notifyAfterReset: policy.notifyAfterReset,
    notifyAfterPin: policy.notifyAfterPin,
    ...(policy.notifyContact ? { notifyContact: policy.notifyContact } : {}),
    resetMayKeepPassword: policy.resetMayKeepPassword,
    ...(policy.portalPublicUrl ? { portalUrl: policy.portalPublicUrl } : {}),
    expiryReminderDays: policy.expiryReminderDays,
    auditVerifyWindowMs: config.auditVerifyWindowMs,
  };
}

/** The alerts' rules (ALERT_*); where they are posted is the surfaces' (ALERTS_TEAMS_CONVERSATION, ALERTS_SLACK_CHANNEL). */
export function alertSettings(config: Config): AlertSettings {
  const { lockouts, windowMs, vipGroups, pollMs } = config.alerts;
  return { lockouts, windowMs, vipGroups, pollMs };
}

function emptyConfig(): Config {
  const loaded = loadConfig({});
  if (!loaded.ok) throw new Error(`the configuration with no variables set is refused: ${loaded.problems.join('; ')}`);
  return loaded.config;
}

/** The settings of a configuration with no variables set (tests add roles and protection). */
export const DEFAULT_SETTINGS: ConfiguredSettings = serviceSettings(emptyConfig());
