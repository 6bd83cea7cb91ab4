// Builds the helpdesk's core from a loaded config: one adapter per port and the service. Used by
// src/main.ts and by tests and the benchmark that need the real wiring without the HTTP server.
import type { Config } from './config/config';
import { DemoDirectory } from './adapters/demo/demo-directory';
import { LdapDirectory } from './adapters/ldap/ldap-directory';
import { aesGcmAnswerCipher } from './adapters/secrets/answer-cipher';
import { deriveKey, loadOrCreateDevKey } from './adapters/secrets/secrets-key';
import { openSqliteStore } from './adapters/sqlite/sqlite-store';
import { ticketOutbox, type TicketOutbox } from './adapters/tickets/ticket-outbox';
import { ticketSinkFor } from './adapters/tickets/ticket-sink-for';
import type { AnswerCipher } from './ports/answer-cipher.port';
import { systemClock, type Clock } from './ports/clock.port';
import type { Directory } from './ports/directory.port';
import type { Logger } from './ports/logger.port';
import type { Store } from './ports/store.port';
import { resolveGroupSettings } from './service/group-settings';
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
  /** The dev outbox of tickets (local mode without TICKETS_KIND): shown in the local console. */
  readonly ticketOutbox?: TicketOutbox;
  close(): Promise<void>;
}

/**
 * Async because the configured groups are resolved to DNs here, once (an unknown or ambiguous name
 * rejects with a one-line message, after closing what was opened).
 */
export async function buildCore(config: Config, logger: Logger, clock: Clock = systemClock): Promise<Core> {
  const masterKey = config.secretsKey ?? loadOrCreateDevKey(config.dataDir);
  const directory: Directory = config.ldap ? new LdapDirectory({ ...config.ldap, logger }) : new DemoDirectory(clock);
  if (config.store.kind !== 'sqlite') throw new Error('only the SQLite store is available in this release');
  let groups;
  try {
    groups = await resolveGroupSettings(directory, config.roles);
  } catch (e) {
    await directory.close();
    throw e;
  }
  const store = openSqliteStore({ path: config.store.path, auditKey: deriveKey(masterKey, 'audit-chain'), clock });
  const answerCipher = aesGcmAnswerCipher(deriveKey(masterKey, 'answer-encryption'));
  const outbox = config.ticketOutbox ? ticketOutbox(() => clock.now()) : undefined;
  const ticketSink = config.tickets ? ticketSinkFor(config.tickets) : outbox;
  const service = new HelpdeskService({
    directory,
    store,
    clock,
    logger,
    answerCipher,
    ...(ticketSink ? { ticketSink } : {}),
    ticketRetry: { firstMs: config.ticketRetryMs, maxMs: 10 * 60_000, pollMs: Math.min(config.ticketRetryMs, 5_000) },
    settings: {
      ...DEFAULT_SETTINGS,
      roles: groups.roles,
      protection: groups.protection,
      confirmationTtlMs: config.confirmationTtlMs,
      changeLimits: { perActor: config.changeLimits.perAgentPerHour, perTarget: config.changeLimits.perTargetPerHour, windowMs: 60 * 60_000 },
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
    ...(outbox ? { ticketOutbox: outbox } : {}),
    async close() {
      service.tickets?.stop();
      await service.tickets?.idle();
      await Promise.allSettled([directory.close(), store.close()]);
    },
  };
}
