// Alerts to the supervisors (issue 20): where they are posted (a Teams conversation and/or a Slack channel;
// neither: no alerts), what makes a lockout storm, whose lockout alerts at once, and how often the
// directory is polled for lockouts (config.alerts).
import { integer, integration, list, optional } from '../integration';
import type { Config } from '../config';

export const alerts = integration({
  variables: {
    ALERTS_TEAMS_CONVERSATION: optional,
    ALERTS_SLACK_CHANNEL: optional.refine((v) => v === undefined || /^[CG][A-Z0-9]{2,}$/.test(v), 'must be a Slack channel id (C… or G…)'),
    ALERT_LOCKOUTS: integer(2, 10_000, 5),
    ALERT_WINDOW_MINUTES: integer(1, 1440, 10),
    ALERT_VIP_GROUPS: list,
    ALERT_POLL_SECONDS: integer(5, 3600, 30),
  },
  rules(env) {
    // Posting to Slack needs the Slack app (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET).
    return env.given('ALERTS_SLACK_CHANNEL') && !env.given('SLACK_BOT_TOKEN') ? ['ALERTS_SLACK_CHANNEL: needs the Slack app (SLACK_BOT_TOKEN)'] : [];
  },
  build: (env): Pick<Config, 'alerts'> => ({
    alerts: {
      ...(env.ALERTS_TEAMS_CONVERSATION ? { teamsConversation: env.ALERTS_TEAMS_CONVERSATION } : {}),
      ...(env.ALERTS_SLACK_CHANNEL ? { slackChannel: env.ALERTS_SLACK_CHANNEL } : {}),
      lockouts: env.ALERT_LOCKOUTS,
      windowMs: env.ALERT_WINDOW_MINUTES * 60_000,
      vipGroups: env.ALERT_VIP_GROUPS ?? [],
      pollMs: env.ALERT_POLL_SECONDS * 1000,
    },
  }),
});
