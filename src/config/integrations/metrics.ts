// /metrics (issue 19): on its own port (METRICS_PORT), or on the main port behind a bearer token
// (METRICS_TOKEN). Neither: not served. Never on the main port — the portal's public one — without a token.
import { z } from 'zod';
import { integration, optional } from '../integration';

export const metrics = integration({
  variables: {
    METRICS_PORT: optional.transform((v, ctx) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (Number.isInteger(n) && n >= 1 && n <= 65535) return n;
      ctx.addIssue({ code: 'custom', message: 'must be a whole number from 1 to 65535' });
      return z.NEVER;
    }),
    METRICS_TOKEN: optional.refine((v) => v === undefined || v.length >= 24, 'must be at least 24 characters'),
  },
  rules(env, facts) {
    const port = env.value('METRICS_PORT');
    if (port && Number(port) === facts.port && !env.given('METRICS_TOKEN')) {
      return ['METRICS_PORT: is the main port (PORT), where /metrics is served only behind METRICS_TOKEN; set METRICS_TOKEN, or another port'];
    }
    return [];
  },
  // Its own port when METRICS_PORT is set and is not the main port (the token asked there too, if set); else the main port, token only.
  build: (env, facts) =>
    env.METRICS_PORT !== undefined || env.METRICS_TOKEN
      ? {
          metrics: {
            ...(env.METRICS_PORT !== undefined && env.METRICS_PORT !== facts.port ? { port: env.METRICS_PORT } : {}),
            ...(env.METRICS_TOKEN ? { token: env.METRICS_TOKEN } : {}),
          },
        }
      : {},
});
