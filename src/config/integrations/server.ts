// The process itself: where it listens, what it logs, the local console, the audit head log.
import { isIP } from 'node:net';
import { z } from 'zod';
import { integer, integration, optional, type RawEnv } from '../integration';

const LOOPBACK_IP = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1)$/;

/** HOST, or loopback in local mode and every address in production; a workstation trial: the console on loopback in production. */
export function bindOf(env: RawEnv, production: boolean): { host: string; workstationTrial: boolean } {
  const host = env.value('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1');
  return { host, workstationTrial: production && env.value('LOCAL_CONSOLE') === 'on' && LOOPBACK_IP.test(host) };
}

export const server = integration({
  variables: {
    NODE_ENV: optional,
    PORT: integer(1, 65535, 3978),
    HOST: optional.refine((v) => v === undefined || isIP(v) !== 0, 'must be an IP address to bind to (e.g. 127.0.0.1 or 0.0.0.0)'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOCAL_CONSOLE: z.enum(['on', 'off']).optional(),
    AUDIT_HEAD_LOG_MINUTES: integer(0, 1440, 10),
    AUDIT_VERIFY_WINDOW_MINUTES: integer(0, 1440, 10),
  },
  rules(env, facts) {
    // The self-asserted console against the real peers only on this machine.
    if (facts.production && env.value('LOCAL_CONSOLE') === 'on' && !facts.workstationTrial) {
      return [`LOCAL_CONSOLE: on in production only with HOST=127.0.0.1 (a workstation trial); HOST is ${facts.host}`];
    }
    return [];
  },
  build: (env, facts) => ({
    port: env.PORT,
    host: facts.host,
    workstationTrial: facts.workstationTrial,
    logLevel: env.LOG_LEVEL,
    localConsole: facts.production ? facts.workstationTrial : env.LOCAL_CONSOLE !== 'off',
    auditHeadLogMs: env.AUDIT_HEAD_LOG_MINUTES * 60_000,
    auditVerifyWindowMs: env.AUDIT_VERIFY_WINDOW_MINUTES * 60_000,
  }),
});
