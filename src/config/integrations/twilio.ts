// Twilio, the SMS sender (all three credentials, or the dev outbox in local mode and no SMS in production).
import { httpUrl, integer, integration, optional } from '../integration';
import type { Config } from '../config';

export const twilio = integration({
  variables: {
    TWILIO_ACCOUNT_SID: optional.refine((v) => v === undefined || /^AC[0-9a-f]{32}$/i.test(v), 'must be AC followed by 32 hex digits'),
    TWILIO_AUTH_TOKEN: optional,
    TWILIO_FROM: optional,
    TWILIO_API_URL: httpUrl,
    TWILIO_TIMEOUT_MS: integer(500, 60_000, 10_000),
  },
  allOrNone: [['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']],
  productionSignals: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'],
  build: (env): Pick<Config, 'twilio'> =>
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
      ? {
          twilio: {
            accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.TWILIO_FROM, timeoutMs: env.TWILIO_TIMEOUT_MS,
            ...(env.TWILIO_API_URL ? { apiUrl: env.TWILIO_API_URL } : {}),
          },
        }
      : {},
});
