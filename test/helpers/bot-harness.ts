// Wires the real thing for protocol tests and the bench: a directory (the Samba AD test DC through the
// LDAP adapter, or the demo file), a temporary SQLite store, the HelpdeskService, the Teams surface (and
// optionally the local console) on the restify server on port 0, plus a loopback Bot Connector.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DemoDirectory } from '../../src/adapters/demo/demo-directory';
import { LdapDirectory } from '../../src/adapters/ldap/ldap-directory';
import { openMongoStore } from '../../src/adapters/mongo/mongo-store';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import type { ApprovalDecisions } from '../../src/chat/core/approval-requests';
import { createLocalConsole, type LocalConsole, type ConsoleUser } from '../../src/chat/local';
import { createTeamsSurface, type TeamsSurface } from '../../src/chat/teams';
import type { BotAdapterOptions } from '../../src/chat/teams/bot-adapter';
import type { BotEndpointMode, BotFrameworkConfig } from '../../src/config/config';
import { createHttpServer, type HttpServer } from '../../src/http/server';
import type { Clock } from '../../src/ports/clock.port';
import type { Directory } from '../../src/ports/directory.port';
import type { Entra } from '../../src/ports/entra.port';
import { silentLogger, type Logger } from '../../src/ports/logger.port';
import type { Store } from '../../src/ports/store.port';
import { HelpdeskService } from '../../src/service/helpdesk-service';
import { DEFAULT_SETTINGS } from '../../src/service-settings';
import type { ServiceSettings } from '../../src/service/kernel/service-deps';
import { aesGcmAnswerCipher } from '../../src/adapters/secrets/answer-cipher';
import { portalApiMount } from '../../src/portal/api/portal-api';
import { PortalIntake } from '../../src/service/portal-data/portal-intake';
import type { SmsSender } from '../../src/ports/sms.port';
import type { TicketSink } from '../../src/ports/ticket-sink.port';
import type { RetryPolicy } from '../../src/service/tickets/ticket-desk';
import { LoopbackConnector, TENANT_ID } from './loopback-connector';
import { GROUP_DNS, GROUPS, sambaInfo } from './samba';
import { DEMO_SETTINGS } from './service-fixture';

/** The real clock, which a test can move forward (to expire a confirmation). */
export class ShiftableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

const agents = { id: GROUP_DNS.agents, name: GROUPS.agents };
const supervisors = { id: GROUP_DNS.supervisors, name: GROUPS.supervisors };

/**
 * The test DC's groups as start-up resolves them (by DN: the name "Helpdesk Supervisors" is ambiguous
 * there on purpose, see OU=Contractors). group-settings.ts itself is tested in helpdesk-service.samba.spec.ts.
 */
export const SAMBA_SETTINGS: ServiceSettings = {
  ...DEFAULT_SETTINGS,
  roles: { agentGroups: [agents], supervisorGroups: [supervisors] },
  protection: {
    groups: [
      { id: GROUP_DNS.domainAdmins, name: GROUPS.domainAdmins, primaryGroupToken: 512 },
      { id: GROUP_DNS.administrators, name: 'Administrators', primaryGroupToken: 544 },
      agents,
      supervisors,
    ],
    accounts: [],
  },
};

export const NO_AUTH: BotFrameworkConfig = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' };

export interface HarnessOptions {
  /** 'samba' (default): the LDAP adapter on the test DC; 'demo': the demo directory; or any Directory. */
  readonly directory?: 'samba' | 'demo' | Directory;
  readonly botFramework?: Partial<BotFrameworkConfig>;
  readonly adapterOptions?: BotAdapterOptions;
  /** How /api/messages is served (default: from the app id, as the config decides). */
  readonly endpoint?: BotEndpointMode;
  /** Teams tenants allowed with a MicrosoftAppId (default: the test tenant of teams-activities.ts). */
  readonly allowedTenants?: readonly string[];
  /** Mount the local console and its Direct Line endpoint. */
  readonly localConsole?: boolean;
  readonly consoleUsers?: readonly ConsoleUser[];
  readonly settings?: Partial<ServiceSettings>;
  readonly logger?: Logger;
  readonly ldapPoolSize?: number;
  /** Wrap the service (e.g. to count calls). */
  readonly wrapService?: (service: HelpdeskService) => HelpdeskService;
  /** Serve the portal API on the same server and store, with this bearer token. */
  readonly portalApiToken?: string;
  readonly portalApiRatePerMinute?: number;
  /** Microsoft Graph (Entra): the service's Entra port; Teams users are then known by aadObjectId. */
  readonly entra?: Entra;
  /** The SMS sender (e.g. the Twilio adapter on a loopback Twilio); none → SMS commands are not available. */
  readonly sms?: SmsSender;
  /** Where escalations go (the real ticket adapters, or the outbox), and how fast failed ones are retried. */
  readonly ticketSink?: TicketSink;
  readonly ticketRetry?: RetryPolicy;
  /** APPROVALS_TEAMS_CONVERSATION. */
  readonly approvalsConversation?: string;
  /** ALERTS_TEAMS_CONVERSATION. */
  readonly alertsConversation?: string;
  /** Open this SQLite file rather than a new one (a second replica on the same store). */
  readonly dbPath?: string;
  /** The SQLite file (two harnesses on one file: two replicas on one store); the caller removes it. */
  readonly storePath?: string;
  /** The Bot Connector another harness started (the same Teams for both replicas); not stopped by close(). */
  readonly connector?: LoopbackConnector;
  /** How often, and how late, this replica looks for hides another left undone. */
  readonly hidePollMs?: number;
  readonly hideGraceMs?: number;
  /** A mongodb:// URL: the MongoDB store on that database instead of a temporary SQLite file (the bench's second store). */
  readonly mongoUrl?: string;
  /** Shared with a Slack harness on the same store: the two surfaces of one replica. */
  readonly approvalDecisions?: ApprovalDecisions;
}

export interface BotHarness {
  /** Base URL of the bot, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly connector: LoopbackConnector;
  readonly service: HelpdeskService;
  readonly directory: Directory;
  readonly store: Store;
  /** The SQLite file behind `store` (none is created with `mongoUrl`). */
  readonly dbPath: string;
  readonly clock: ShiftableClock;
  readonly teams: TeamsSurface;
  readonly http: HttpServer;
  readonly console?: LocalConsole;
  close(): Promise<void>;
}

/** The audit key of every harness of the run (Teams and Slack): replicas sharing one store file chain with the same key. */
export const AUDIT_KEY = randomBytes(32);

export function sambaDirectory(logger: Logger = silentLogger, poolSize?: number): LdapDirectory {
  const info = sambaInfo();
  return new LdapDirectory({
    url: info.url,
    bindDN: info.bindDN,
    bindPassword: info.bindPassword,
    baseDN: info.baseDN,
    caFile: info.caFile,
    logger,
    ...(poolSize ? { poolSize } : {}),
  });
}

export async function startBotHarness(options: HarnessOptions = {}): Promise<BotHarness> {
  const logger = options.logger ?? silentLogger;
  const clock = new ShiftableClock();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mypass-bot-'));
  const kind = options.directory ?? 'samba';
  const directory = kind === 'samba' ? sambaDirectory(logger, options.ldapPoolSize) : kind === 'demo' ? new DemoDirectory(clock) : kind;
  const dbPath = options.storePath ?? options.dbPath ?? path.join(dataDir, 'helpdesk.db');
  const store = options.mongoUrl
    ? await openMongoStore({ url: options.mongoUrl, auditKey: AUDIT_KEY, clock })
    : openSqliteStore({ path: dbPath, auditKey: AUDIT_KEY, clock });
  const base = kind === 'demo' ? DEMO_SETTINGS : SAMBA_SETTINGS;
  const answerCipher = aesGcmAnswerCipher(randomBytes(32));
  const created = new HelpdeskService({
    directory, store, clock, logger, answerCipher, settings: { ...base, ...options.settings },
    ...(options.sms ? { sms: options.sms } : {}), ...(options.entra ? { entra: options.entra } : {}),
    ...(options.ticketSink ? { ticketSink: options.ticketSink } : {}),
    ...(options.ticketRetry ? { ticketRetry: options.ticketRetry } : {}),
  });
  created.tickets?.start();
  const portalApi = portalApiMount({
    token: options.portalApiToken,
    intake: new PortalIntake({ directory, store, clock, cipher: answerCipher }),
    logger,
    ...(options.portalApiRatePerMinute ? { ratePerMinute: options.portalApiRatePerMinute } : {}),
    pins: { directory, store, clock, pins: created.pins },
  });
  const service = options.wrapService ? options.wrapService(created) : created;
  const connector = options.connector ?? (await new LoopbackConnector().start());

  const localConsole = options.localConsole ?? false;
  const teams = createTeamsSurface({
    service,
    logger,
    botFramework: { ...NO_AUTH, ...options.botFramework },
    localConsole,
    allowedTenants: options.allowedTenants ?? [TENANT_ID],
    aadIdentity: options.entra !== undefined,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.adapterOptions ? { adapterOptions: options.adapterOptions } : {}),
    ...(options.approvalsConversation ? { approvalsConversation: options.approvalsConversation } : {}),
    ...(options.alertsConversation ? { alertsConversation: options.alertsConversation } : {}),
    pendingWork: store.pendingWork,
    ...(options.hidePollMs ? { hidePollMs: options.hidePollMs } : {}),
    ...(options.hideGraceMs !== undefined ? { hideGraceMs: options.hideGraceMs } : {}),
    ...(options.approvalDecisions ? { approvalDecisions: options.approvalDecisions } : {}),
  });
  const consoleSurface = localConsole
    ? createLocalConsole({ enabled: true, bot: teams.bot, logger, ...(options.consoleUsers ? { users: options.consoleUsers } : {}) })
    : undefined;
  const http = createHttpServer({ logger, health: () => service.health(), mounts: [teams.mount, portalApi, ...(consoleSurface ? [consoleSurface.mount] : [])] });
  await http.listen(0, '127.0.0.1');

  return {
    url: http.url(),
    connector,
    service,
    directory,
    store,
    dbPath,
    clock,
    teams,
    http,
    ...(consoleSurface ? { console: consoleSurface } : {}),
    async close() {
      created.tickets?.stop();
      await created.tickets?.idle();
      await http.close();
      await consoleSurface?.bridge.idle();
      teams.autoHide.close();
      await teams.autoHide.idle();
      if (!options.connector) await connector.stop();
      await directory.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Two replicas on one store: `start` (startBotHarness, startSlackHarness) run twice with `options` on one SQLite
 * file, in a folder of its own (`dir`: the caller closes both replicas, then removes it).
 */
export async function startReplicas<O extends object, H>(
  start: (options: O & { readonly storePath: string }) => Promise<H>,
  options: O,
): Promise<{ a: H; b: H; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mypass-replicas-'));
  const shared = { ...options, storePath: path.join(dir, 'helpdesk.db') };
  const a = await start(shared);
  const b = await start(shared);
  return { a, b, dir };
}

/** Counts the service calls that reach it (to show that nothing runs). */
export function countingService(service: HelpdeskService): { service: HelpdeskService; calls: () => number } {
  let calls = 0;
  const counted = Object.create(service) as HelpdeskService;
  counted.command = (ctx, command) => {
    calls += 1;
    return service.command(ctx, command);
  };
  counted.press = (ctx, press) => {
    calls += 1;
    return service.press(ctx, press);
  };
  return { service: counted, calls: () => calls };
}
