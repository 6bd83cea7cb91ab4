// Builds the helpdesk's core from a loaded config: one adapter per port and the service. Used by
// src/main.ts and by tests and the benchmark that need the real wiring without the HTTP server.
import type { Config, TicketsConfig } from './config/config';
import { DemoDirectory } from './adapters/demo/demo-directory';
import type { GraphApiOptions } from './adapters/graph/graph-api';
import type { PrometheusMetrics } from './adapters/metrics/prometheus-metrics';
import { aesGcmAnswerCipher } from './adapters/secrets/answer-cipher';
import { deriveKey, loadOrCreateDevKey } from './adapters/secrets/secrets-key';
import { openSqliteStore } from './adapters/sqlite/sqlite-store';
import { SmsOutbox } from './adapters/outbox/sms-outbox';
import type { SmsSender } from './ports/sms.port';
import type { TicketSink } from './ports/ticket-sink.port';
import type { PinVerifierDeps } from './service/secrets';
import { ticketOutbox, type TicketOutbox } from './adapters/tickets/ticket-outbox';
import type { AnswerCipher } from './ports/answer-cipher.port';
import { systemClock, type Clock } from './ports/clock.port';
import type { Directory } from './ports/directory.port';
import type { Logger } from './ports/logger.port';
import type { Store } from './ports/store.port';
import { resolveGroupSettings, OneTimeCodes } from './service/kernel';
import { alertSettings, serviceSettings } from './service-settings';
import { HelpdeskService } from './service/helpdesk-service';
import { AlertDispatcher, AlertWatch, ExpiryReminders, type AlertSink } from './service/desk';
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
  /** Seals the Slack response URLs kept with a pending hide (a key of their own, derived from SECRETS_KEY). */
  readonly responseUrlCipher: AnswerCipher;
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
  /** EXPIRY_REMINDER_DAYS's sweep (started by main.ts; does nothing when off). */
  readonly expiryReminders: ExpiryReminders;
  /** The supervisors' alerts, posted to these sinks (main.ts starts it once the surfaces exist; no sinks: it does nothing). */
  watchAlerts(sinks: readonly AlertSink[]): AlertWatch;
  close(): Promise<void>;
}

/**
 * Async because the configured groups are resolved to DNs here, once (an unknown or ambiguous name
 * rejects with a one-line message, after closing what was opened).
 */
export interface CoreOptions {
  /** Tests: how Graph calls reach a loopback https server (fetch options, the token endpoint's CA). */
  readonly graphTransport?: Pick<GraphApiOptions, 'fetchOptions' | 'tokenCa'>;
  /** /metrics: every peer port is handed out measured, and the service reports each answer. */
  readonly metrics?: PrometheusMetrics;
}

export async function buildCore(config: Config, logger: Logger, clock: Clock = systemClock, options: CoreOptions = {}): Promise<Core> {
  const masterKey = config.secretsKey ?? loadOrCreateDevKey(config.dataDir);
  const metrics = options.metrics;
  // Each peer port measured (calls timed, failures counted by operation) when /metrics is on; as is otherwise.
  const measure = <T extends object>(peer: Parameters<PrometheusMetrics['measure']>[0], port: T): T => (metrics ? metrics.measure(peer, port) : port);
  // Graph: the directory itself (DIRECTORY=graph), or beside AD for Teams roles and linked accounts.
  // Each peer's client library is loaded only when that peer is configured (the demo start loads none).
  const graph = config.graph ? new (loadGraph().GraphDirectory)({ ...config.graph, logger, ...options.graphTransport }) : undefined;
  const ldap = config.ldap ? new (loadLdap().LdapDirectory)({ ...config.ldap, logger }) : undefined;
  const unmeasured: Directory =
    config.directory === 'graph' && graph ? graph : ldap ? (graph ? new (loadHybrid().HybridDirectory)(ldap, graph) : ldap) : new DemoDirectory(clock);
  const directory = measure('directory', unmeasured);
  let groups;
  try {
    groups = await resolveGroupSettings(directory, config.roles);
  } catch (e) {
    await directory.close();
    throw e;
  }
  const auditKey = deriveKey(masterKey, 'audit-chain');
  let store;
  try {
    // The driver is loaded only for a MongoDB store (a start on SQLite skips its module loading). A require, not
    // import(): run from source (`node --require tsx/cjs`: the tests, the playground, the soak) an import() goes to
    // Node's ESM resolver, which finds no .ts file and the program could not start on MongoDB.
    store = config.store.kind === 'mongodb'
      ? await loadMongoStore().openMongoStore({ url: config.store.url, auditKey, clock })
      : openSqliteStore({ path: config.store.path, auditKey, clock });
    store = measure('store', store);
  } catch (e) {
    await directory.close();
    throw e;
  }
  const answerCipher = aesGcmAnswerCipher(deriveKey(masterKey, 'answer-encryption'));
  // Twilio when configured; the dev outbox only outside production (DESIGN: refused in production).
  const outbox = !config.twilio && !config.production ? new SmsOutbox(clock) : undefined;
  const sender: SmsSender | undefined = config.twilio ? new (loadTwilio().TwilioSmsSender)({ ...config.twilio, logger }) : outbox;
  const sms = sender ? measure('sms', sender) : undefined;
  const policy = config.helpdeskPolicy;
  const ticketsOutbox = config.ticketOutbox ? ticketOutbox(() => clock.now()) : undefined;
  const sink = config.tickets ? ticketSinkFor(config.tickets) : ticketsOutbox;
  const ticketSink = sink ? measure('tickets', sink) : undefined;
  const serviceDeps: ConstructorParameters<typeof HelpdeskService>[0] = {
    directory,
    store,
    clock,
    logger,
    answerCipher,
    ...(sms ? { sms } : {}),
    codesKey: deriveKey(masterKey, 'pin-hmac'),
    ...(ticketSink ? { ticketSink } : {}),
    ticketRetry: { firstMs: config.ticketRetryMs, maxMs: 10 * 60_000, pollMs: Math.min(config.ticketRetryMs, 5_000) },
    settings: { ...serviceSettings(config), roles: groups.roles, protection: groups.protection },
    ...(graph ? { entra: measure('graph', graph) } : {}),
    ...(metrics ? { metrics } : {}),
  };
  const service = new HelpdeskService(serviceDeps);
  // EXPIRY_REMINDER_DAYS: texts users before their password expires (off unless set and SMS is configured).
  const expiryReminders = new ExpiryReminders(serviceDeps);
  const alerts = alertSettings(config);
  const watches: AlertWatch[] = [];
  const selfService = new SelfService({
    directory, store, clock, logger, cipher: answerCipher, pins: service.pins, protection: groups.protection,
    // Sign-in and mobile-registration codes: 6 digits, 10 minutes, 3 tries, one use (as caller codes).
    codes: new OneTimeCodes(store.portalCodes, clock, deriveKey(masterKey, 'portal-code-hmac'), CALLER_CODE_POLICY, 'codes'),
    ...(sms ? { sms } : {}),
    orgName: policy.orgName,
    ...(policy.notifyAfterReset ? { notice: { ...(policy.notifyContact ? { contact: policy.notifyContact } : {}) } } : {}),
    decoyKey: deriveKey(masterKey, 'portal-decoys'),
    loginSuffixes: [...config.portal.loginSuffixes, ...(unmeasured instanceof DemoDirectory ? [unmeasured.domain] : [])],
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
    responseUrlCipher: aesGcmAnswerCipher(deriveKey(masterKey, 'slack-response-url')),
    ...(sms ? { sms } : {}),
    ...(outbox ? { outbox } : {}),
    pinVerifier: { directory, store, clock, pins: service.pins },
    ...(ticketsOutbox ? { ticketOutbox: ticketsOutbox } : {}),
    expiryReminders,
    watchAlerts(sinks) {
      const watch = new AlertWatch(serviceDeps, new AlertDispatcher(store.alertClaims, sinks, clock, logger, alerts), alerts);
      watches.push(watch);
      return watch;
    },
    async close() {
      expiryReminders.stop();
      for (const watch of watches) watch.stop();
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
      return loadTickets.rt().requestTrackerSink({ url: c.url, token: c.token, queue: c.queue ?? 'General', timeoutMs: c.timeoutMs });
    case 'servicenow':
      return loadTickets.servicenow().serviceNowSink({ url: c.url, token: c.token, ...(c.user ? { user: c.user } : {}), ...(c.queue ? { assignmentGroup: c.queue } : {}), timeoutMs: c.timeoutMs });
    case 'jira':
      return loadTickets.jira().jiraSink({
        url: c.url, token: c.token, timeoutMs: c.timeoutMs,
        ...(c.user ? { user: c.user } : {}),
        ...(c.project ? { project: c.project } : {}),
        ...(c.issueType ? { issueType: c.issueType } : {}),
        ...(c.serviceDeskId ? { serviceDeskId: c.serviceDeskId } : {}),
        ...(c.requestTypeId ? { requestTypeId: c.requestTypeId } : {}),
      });
    case 'webhook':
      return loadTickets.webhook().webhookSink({ url: c.url, secret: c.token, timeoutMs: c.timeoutMs });
  }
}

function loadMongoStore(): typeof import('./adapters/mongo/mongo-store') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, and resolvable both compiled and from source
  return require('./adapters/mongo/mongo-store') as typeof import('./adapters/mongo/mongo-store');
}

// Like the MongoDB driver: ldapts, the Graph client, Twilio's SDK and a ticket system's adapter load only for a configured peer.
/* eslint-disable @typescript-eslint/no-require-imports -- lazy, and resolvable both compiled and from source */
const loadLdap = () => require('./adapters/ldap/ldap-directory') as typeof import('./adapters/ldap/ldap-directory');
const loadGraph = () => require('./adapters/graph/graph-directory') as typeof import('./adapters/graph/graph-directory');
const loadHybrid = () => require('./adapters/graph/hybrid-directory') as typeof import('./adapters/graph/hybrid-directory');
const loadTwilio = () => require('./adapters/twilio/twilio-sms') as typeof import('./adapters/twilio/twilio-sms');
const loadTickets = {
  rt: () => require('./adapters/tickets/request-tracker') as typeof import('./adapters/tickets/request-tracker'),
  servicenow: () => require('./adapters/tickets/servicenow') as typeof import('./adapters/tickets/servicenow'),
  jira: () => require('./adapters/tickets/jira') as typeof import('./adapters/tickets/jira'),
  webhook: () => require('./adapters/tickets/webhook') as typeof import('./adapters/tickets/webhook'),
};
/* eslint-enable @typescript-eslint/no-require-imports */
