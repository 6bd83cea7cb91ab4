// SECRETS_KEY: the one key the audit chain's, the answers' and the codes' keys are derived from.
import { integration, optional } from '../integration';

export const secrets = integration({
  variables: {
    SECRETS_KEY: optional.refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  },
  rules: (env, facts) => (facts.production && !env.given('SECRETS_KEY') ? ['SECRETS_KEY: required in production (32 random bytes, base64)'] : []),
  build: (env) => (env.SECRETS_KEY ? { secretsKey: Buffer.from(env.SECRETS_KEY, 'base64') } : {}),
});
