// Builds the helpdesk's core from a loaded config: one adapter per port and the service. Used by
// src/main.ts and by tests and the benchmark that need the real wiring without the HTTP server.
import type { Config, TicketsConfig } from './config/config';
import { DemoDirectory } from './adapters/demo/demo-directory';
import { GraphDirectory } from './adapters/graph/graph-directory';
import type { GraphApiOptions } from './adapters/graph/graph-api';
import { HybridDirectory } from './adapters/graph/hybrid-directory';
import { LdapDirectory } from './adapters/ldap/ldap-directory';
import { aesGcmAnswerCipher } from './adapters/secrets/answer-cipher';
import { deriveKey, loadOrCreateDevKey } from './adapters/secrets/secrets-key';
import { openSqliteStore } from './adapters/sqlite/sqlite-store';
import { SmsOutbox } from './adapters/outbox/sms-outbox';
import { TwilioSmsSender } from './adapters/twilio/twilio-sms';
import type { SmsSender } from './ports/sms.port';
import type { TicketSink } from './ports/ticket-sink.port';
import type { PinVerifierDeps } from './service/secrets';
import { ticketOutbox, type TicketOutbox } from './adapters/tickets/ticket-outbox';
import { jiraSink } from './adapters/tickets/jira';
import { requestTrackerSink } from './adapters/tickets/request-tracker';
import { serviceNowSink } from './adapters/tickets/servicenow';
import { webhookSink } from './adapters/tickets/webhook';
import type { AnswerCipher } from './ports/answer-cipher.port';
import { systemClock, type Clock } from './ports/clock.port';
import type { Directory } from './ports/directory.port';
import type { Logger } from './ports/logger.port';
import type { Store } from './ports/store.port';
import { resolveGroupSettings, DEFAULT_SETTINGS, OneTimeCodes } from './service/kernel';
import { HelpdeskService } from './service/helpdesk-service';
import { PortalIntake } from './service/portal-data';
import { SelfService, TextBudget } from './service/self-service';
import { CALLER_CODE_POLICY } from './domain/one-time-code';

export interface Core {
  readonly directory: Directory;
  readonly store: Store;
  readonly service: HelpdeskService;
  /** What the portal API hands its requests to. */
  readonly portalIntake: PortalIntake;
  /** Seals enrollment answers (AES-256-GCM under a key derived from SECRETS_KEY). */
  readonly answerCipher: AnswerCipher;
  /** Twilio, or in local mode the dev outbox; none in production without Twilio. */
  readonly sms?: SmsSender;
  /** The dev outbox, when it is the SMS sender (shown in the local console). */
  readonly outbox?: SmsOutbox;
  /** What POST /api/portal/pins/verify (and the portal) verify helpdesk PINs with. */
  readonly pinVerifier: PinVerifierDeps;
  /** The self-service portal's rules (its pages are src/portal/portal-routes.ts). */
  readonly selfService: SelfService;
  /** Signs the portal's CSRF tokens for forms shown before there is a session. */
  readonly portalCsrfKey: Buffer;
  /** The dev outbox of tickets (local mode without TICKETS_KIND): shown in the local console. */
  readonly ticketOutbox?: TicketOutbox;
  close(): Promise<void>;
}

/**
 * Async because the configured groups are resolved to DNs here, once (an unknown or ambiguous name
 * rejects with a one-line message, after closing what was opened).
 */
export interface CoreOptions {
  /** Tests: how Graph calls reach a loopback https server (fetch options, the token endpoint's CA). */
  readonly graphTransport?: Pick<GraphApiOptions, 'fetchOptions' | 'tokenCa'>;
}

export async function buildCore(config: Config, logger: Logger, clock: Clock = systemClock, options: CoreOptions = {}): Promise<Core> {
  const masterKey = config.secretsKey ?? loadOrCreateDevKey(config.dataDir);
  // Graph: the directory itself (DIRECTORY=graph), or beside AD for Teams roles and linked accounts.
  const graph = config.graph ? new GraphDirectory({ ...config.graph, logger, ...options.graphTransport }) : undefined;
  const ldap = config.ldap ? new LdapDirectory({ ...config.ldap, logger }) : undefined;
  const directory: Directory =
    config.directory === 'graph' && graph ? graph : ldap ? (graph ? new HybridDirectory(ldap, graph) : ldap) : new DemoDirectory(clock);
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
  // Twilio when configured; the dev outbox only outside production (DESIGN: refused in production).
  const outbox = !config.twilio && !config.production ? new SmsOutbox(clock) : undefined;
  const sms: SmsSender | undefined = config.twilio ? new TwilioSmsSender({ ...config.twilio, logger }) : outbox;
  const secrets = config.helpdeskSecrets;
  const ticketsOutbox = config.ticketOutbox ? ticketOutbox(() => clock.now()) : undefined;
  const ticketSink = config.tickets ? ticketSinkFor(config.tickets) : ticketsOutbox;
  const service = new HelpdeskService({
    directory,
    store,
    clock,
    logger,
    answerCipher,
    ...(sms ? { sms } : {}),
    codesKey: deriveKey(masterKey, 'pin-hmac'),
    ...(ticketSink ? { ticketSink } : {}),
    ticketRetry: { firstMs: config.ticketRetryMs, maxMs: 10 * 60_000, pollMs: Math.min(config.ticketRetryMs, 5_000) },
    settings: {
      ...DEFAULT_SETTINGS,
      roles: groups.roles,
      protection: groups.protection,
      confirmationTtlMs: config.confirmationTtlMs,
      changeLimits: {
        perActor: config.changeLimits.perAgentPerHour, perTarget: config.changeLimits.perTargetPerHour,
        secretsPerTarget: config.changeLimits.secretsPerTargetPerHour, windowMs: 60 * 60_000,
      },
      changeLeaseMs: config.changeLeaseMs,
      enrollmentMask: config.portalData.enrollmentMask,
      indicators: config.portalData.indicators,
      ...(config.graph ? { tap: config.graph.tap } : {}),
      pinPolicy: { ...DEFAULT_SETTINGS.pinPolicy, length: secrets.pinLength, ttlMs: secrets.pinTtlMs },
      approvalTtlMs: secrets.approvalTtlMs,
      verifyRequired: secrets.verifyRequired,
      verifiedForMs: secrets.verifiedForMs,
      orgName: secrets.orgName,
      notifyAfterReset: secrets.notifyAfterReset,
      notifyAfterPin: secrets.notifyAfterPin,
      ...(secrets.notifyContact ? { notifyContact: secrets.notifyContact } : {}),
      resetMayKeepPassword: secrets.resetMayKeepPassword,
    },
    ...(graph ? { entra: graph } : {}),
  });
  const selfService = new SelfService({
    directory, store, clock, logger, cipher: answerCipher, pins: service.pins, protection: groups.protection,
    // Sign-in and mobile-registration codes: 6 digits, 10 minutes, 3 tries, one use (as caller codes).
    codes: new OneTimeCodes(store.portalCodes, clock, deriveKey(masterKey, 'portal-code-hmac'), CALLER_CODE_POLICY, 'codes'),
    ...(sms ? { sms } : {}),
    orgName: config.helpdeskSecrets.orgName,
    ...(secrets.notifyAfterReset ? { notice: { ...(secrets.notifyContact ? { contact: secrets.notifyContact } : {}) } } : {}),
    decoyKey: deriveKey(masterKey, 'portal-decoys'),
    loginSuffixes: [...config.portal.loginSuffixes, ...(directory instanceof DemoDirectory ? [directory.domain] : [])],
    texts: new TextBudget(store.quotas, clock, deriveKey(masterKey, 'portal-sms-numbers'), config.portal.texts),
    settings: {
      lockAfter: config.portal.lockAfter, questionsAsked: config.portal.questionsAsked, questions: config.portal.questions, minQuestions: config.portal.minQuestions,
      minAnswerLength: config.portal.minAnswerLength, loginAttemptsPerMinute: config.portal.loginRatePerMinute,
    },
    eventsPerUserHour: config.portalData.eventsPerUserHour,
  });
  const portalIntake = new PortalIntake({ directory, store, clock, cipher: answerCipher, eventsPerUserHour: config.portalData.eventsPerUserHour });
  return {
    directory,
    store,
    service,
    portalIntake,
    selfService,
    portalCsrfKey: deriveKey(masterKey, 'portal-csrf'),
    answerCipher,
    ...(sms ? { sms } : {}),
    ...(outbox ? { outbox } : {}),
    pinVerifier: { directory, store, clock, pins: service.pins },
    ...(ticketsOutbox ? { ticketOutbox: ticketsOutbox } : {}),
    async close() {
      service.tickets?.stop();
      await service.changeLeases.stop();
      await service.tickets?.idle();
      await Promise.allSettled([directory.close(), store.close()]);
    },
  };
}

/** TICKETS_KIND → the adapter: the root's one switch over ticket systems (adapters never read the config). */
function ticketSinkFor(c: TicketsConfig): TicketSink {
  switch (c.kind) {
    case 'rt':
      return requestTrackerSink({ url: c.url, token: c.token, queue: c.queue ?? 'General', timeoutMs: c.timeoutMs });
    case 'servicenow':
      return serviceNowSink({ url: c.url, token: c.token, ...(c.user ? { user: c.user } : {}), ...(c.queue ? { assignmentGroup: c.queue } : {}), timeoutMs: c.timeoutMs });
    case 'jira':
      return jiraSink({
        url: c.url, token: c.token, timeoutMs: c.timeoutMs,
        ...(c.user ? { user: c.user } : {}),
        ...(c.project ? { project: c.project } : {}),
        ...(c.issueType ? { issueType: c.issueType } : {}),
        ...(c.serviceDeskId ? { serviceDeskId: c.serviceDeskId } : {}),
        ...(c.requestTypeId ? { requestTypeId: c.requestTypeId } : {}),
      });
    case 'webhook':
      return webhookSink({ url: c.url, secret: c.token, timeoutMs: c.timeoutMs });
  }
}
