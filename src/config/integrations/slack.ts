// The Slack app: its bot token and signing secret (both or neither).
import { httpUrl, integration, optional } from '../integration';
import type { Config } from '../config';

export const slack = integration({
  variables: {
    SLACK_BOT_TOKEN: optional.refine((v) => v === undefined || v.startsWith('xoxb-'), 'must be a bot token (xoxb-…)'),
    SLACK_SIGNING_SECRET: optional,
    SLACK_API_URL: httpUrl,
  },
  allOrNone: [['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']],
  productionSignals: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
  build: (env): Pick<Config, 'slack'> =>
    env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET
      ? { slack: { botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}) } }
      : {},
});
