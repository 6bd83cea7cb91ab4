// Builds the helpdesk's core from a loaded config: one adapter per port and the service. Used by
// src/main.ts and by tests and the benchmark that need the real wiring without the HTTP server.
import type { Config } from './config/config';
import { DemoDirectory } from './adapters/demo/demo-directory';
import { LdapDirectory } from './adapters/ldap/ldap-directory';
import { aesGcmAnswerCipher } from './adapters/secrets/answer-cipher';
import { deriveKey, loadOrCreateDevKey } from './adapters/secrets/secrets-key';
import { openSqliteStore } from './adapters/sqlite/sqlite-store';
import type { AnswerCipher } from './ports/answer-cipher.port';
import { systemClock, type Clock } from './ports/clock.port';
import type { Directory } from './ports/directory.port';
import type { Logger } from './ports/logger.port';
import type { Store } from './ports/store.port';
import { HelpdeskService } from './service/helpdesk-service';
import { DEFAULT_SETTINGS } from './service/service-deps';
import { PortalIntake } from './service/portal-intake';

export interface Core {
  readonly directory: Directory;
  readonly store: Store;
  readonly service: HelpdeskService;
  /** What the portal API hands its requests to. */
  readonly portalIntake: PortalIntake;
  /** Seals enrollment answers (AES-256-GCM under a key derived from SECRETS_KEY). */
  readonly answerCipher: AnswerCipher;
  close(): Promise<void>;
}

export function buildCore(config: Config, logger: Logger, clock: Clock = systemClock): Core {
  const masterKey = config.secretsKey ?? loadOrCreateDevKey(config.dataDir);
  const directory: Directory = config.ldap ? new LdapDirectory({ ...config.ldap, logger }) : new DemoDirectory(clock);
  if (config.store.kind !== 'sqlite') throw new Error('only the SQLite store is available in this release');
  const store = openSqliteStore({ path: config.store.path, auditKey: deriveKey(masterKey, 'audit-chain'), clock });
  const answerCipher = aesGcmAnswerCipher(deriveKey(masterKey, 'answer-encryption'));
  const service = new HelpdeskService({
    directory,
    store,
    clock,
    logger,
    answerCipher,
    settings: {
      ...DEFAULT_SETTINGS,
      roles: { agentGroups: config.roles.agentGroups, supervisorGroups: config.roles.supervisorGroups },
      protectedGroups: config.roles.protectedGroups,
      confirmationTtlMs: config.confirmationTtlMs,
      enrollmentMask: config.portalData.enrollmentMask,
      indicators: config.portalData.indicators,
    },
  });
  const portalIntake = new PortalIntake({ directory, store, clock, cipher: answerCipher });
  return {
    directory,
    store,
    service,
    portalIntake,
    answerCipher,
    async close() {
      await Promise.allSettled([directory.close(), store.close()]);
    },
  };
}
