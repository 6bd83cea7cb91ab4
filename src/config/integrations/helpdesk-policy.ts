// The helpdesk's own rules for agents and the people they help: who the texts are from, PINs, approvals
// and where they are also posted, caller verification, notices after a change, the reset's options and
// the change limits. None of it is a secret (config.helpdeskPolicy, config.changeLimits).
import { PIN_LENGTH_RANGE, PIN_POLICY } from '../../domain/one-time-code';
import { httpUrl, integer, integration, onOff, optional } from '../integration';
import type { Config } from '../config';

export const helpdeskPolicy = integration({
  variables: {
    ORG_NAME: optional
      .transform((v) => v ?? 'the IT helpdesk')
      .refine((v) => v.length <= 60, 'must be at most 60 characters (it goes into every SMS)'),
    PIN_LENGTH: integer(PIN_LENGTH_RANGE.min, PIN_LENGTH_RANGE.max, PIN_POLICY.length),
    PIN_TTL_MINUTES: integer(1, 1440, PIN_POLICY.ttlMs / 60_000),
    APPROVAL_TTL_MINUTES: integer(1, 1440, 15),
    // At most 30 minutes: on Slack a hide is posted to the request's response_url, which Slack honours that long.
    SECRET_HIDE_SECONDS: integer(1, 1800, 120),
    APPROVALS_TEAMS_CONVERSATION: optional,
    APPROVALS_SLACK_CHANNEL: optional.refine((v) => v === undefined || /^[CG][A-Z0-9]{2,}$/.test(v), 'must be a Slack channel id (C… or G…)'),
    VERIFY_REQUIRED: onOff('off'),
    VERIFY_VALID_MINUTES: integer(1, 240, 15),
    NOTIFY_AFTER_RESET: onOff('on'),
    NOTIFY_AFTER_PIN: onOff('off'),
    NOTIFY_CONTACT: optional.refine((v) => (v ?? '').length <= 80, 'must be at most 80 characters'),
    RESET_ALLOW_KEEP: onOff('off'),
    LIMIT_AGENT_PER_HOUR: integer(1, 10_000, 20),
    LIMIT_TARGET_PER_HOUR: integer(1, 1000, 3),
    LIMIT_SECRETS_PER_TARGET_PER_HOUR: integer(1, 1000, 5),
    // Far beyond any one action (a few directory calls bounded by LDAP_TIMEOUT_MS), short beside the hour.
    CHANGE_LEASE_SECONDS: integer(2, 3600, 300),
    PORTAL_PUBLIC_URL: httpUrl,
    EXPIRY_REMINDER_DAYS: optional.refine((v) => v === undefined || /^\s*\d{1,3}(\s*[,;]\s*\d{1,3})*\s*$/.test(v), 'must be days before expiry, comma-separated (e.g. 14,7,1)'),
  },
  build: (env): Pick<Config, 'helpdeskPolicy' | 'changeLimits' | 'changeLeaseMs'> => ({
    helpdeskPolicy: {
      orgName: env.ORG_NAME,
      pinLength: env.PIN_LENGTH,
      pinTtlMs: env.PIN_TTL_MINUTES * 60_000,
      approvalTtlMs: env.APPROVAL_TTL_MINUTES * 60_000,
      secretHideAfterMs: env.SECRET_HIDE_SECONDS * 1000,
      ...(env.APPROVALS_TEAMS_CONVERSATION ? { approvalsTeamsConversation: env.APPROVALS_TEAMS_CONVERSATION } : {}),
      ...(env.APPROVALS_SLACK_CHANNEL ? { approvalsSlackChannel: env.APPROVALS_SLACK_CHANNEL } : {}),
      verifyRequired: env.VERIFY_REQUIRED === 'on',
      verifiedForMs: env.VERIFY_VALID_MINUTES * 60_000,
      notifyAfterReset: env.NOTIFY_AFTER_RESET === 'on',
      notifyAfterPin: env.NOTIFY_AFTER_PIN === 'on',
      ...(env.NOTIFY_CONTACT ? { notifyContact: env.NOTIFY_CONTACT } : {}),
      resetMayKeepPassword: env.RESET_ALLOW_KEEP === 'on',
      ...(env.PORTAL_PUBLIC_URL ? { portalPublicUrl: env.PORTAL_PUBLIC_URL } : {}),
      expiryReminderDays: [...new Set((env.EXPIRY_REMINDER_DAYS ?? '').split(/[,;]/).map((d) => Number(d.trim())).filter((d) => d >= 1 && d <= 365))],
    },
    changeLimits: {
      perAgentPerHour: env.LIMIT_AGENT_PER_HOUR, perTargetPerHour: env.LIMIT_TARGET_PER_HOUR,
      secretsPerTargetPerHour: env.LIMIT_SECRETS_PER_TARGET_PER_HOUR,
    },
    changeLeaseMs: env.CHANGE_LEASE_SECONDS * 1000,
  }),
});
