// Composition root: environment → config → adapters → HelpdeskService → chat surfaces → HTTP.
// The only file that knows every adapter. A bad configuration stops start-up with one line per problem.
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { hasDemoPortalData, seedDemoPortalData } from './adapters/demo/demo-portal-data';
import { createLogger } from './adapters/logging/pino-logger';
import type { PrometheusMetrics } from './adapters/metrics/prometheus-metrics';
import { ApprovalDecisions } from './chat/core/approval-requests';
import { createLocalConsole } from './chat/local';
import type { SlackSurface } from './chat/slack/slack-app';
import { createTeamsSurface } from './chat/teams';
import { loadConfig } from './config/load-config';
import { buildCore } from './core';
import { createHttpServer } from './http/server';
import { metricsMount } from './http/metrics-endpoint';
import { installGracefulShutdown } from './http/shutdown';
import { systemClock } from './ports/clock.port';
import { portalApiMount } from './portal/api/portal-api';
import { portalMount } from './portal/portal-routes';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const loaded = loadConfig(process.env, { fileExists: (f) => fs.existsSync(f) });
  if (!loaded.ok) {
    for (const problem of loaded.problems) console.error(`config: ${problem}`);
    process.exit(1);
  }
  const config = loaded.config;
  const logger = createLogger({ level: config.logLevel });
  // /metrics (METRICS_PORT / METRICS_TOKEN): the core's peer ports are measured, and two gauges read it at each scrape.
  // prom-client is loaded only when /metrics is on (with require: see Slack's below).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loadMetrics = () => require('./adapters/metrics/prometheus-metrics') as typeof import('./adapters/metrics/prometheus-metrics');
  const metrics: PrometheusMetrics | undefined = config.metrics ? new (loadMetrics().PrometheusMetrics)({ version: buildVersion() }) : undefined;
  const core = await buildCore(config, logger, systemClock, metrics ? { metrics } : {});
  metrics?.watch({
    approvalsPending: async () => (await core.store.approvals.listPending(new Date(), 10_000)).length,
    auditChain: async () => {
      const head = await core.store.audit.head();
      return { state: core.service.auditIntegrity.latest(), ...(head ? { headSeq: head.seq } : {}) };
    },
  });
  // The audit chain is verified in the background (it yields as it goes); /readyz waits for the result.
  const audit = core.service.auditIntegrity;
  void audit.verify().then(() => audit.logHead());
  const stopHeadLog = audit.startHeadLog(config.auditHeadLogMs);
  // The demo directory's first start gets realistic portal data, so every card has content (npm run seed:demo regenerates it).
  if (config.directory === 'demo' && !(await hasDemoPortalData(core.store))) await seedDemoPortalData(core.store, core.answerCipher, new Date());
  // A request may have copies on both surfaces: a decision taken on one shows on the other's as well.
  const approvalDecisions = new ApprovalDecisions(logger);
  const teams = createTeamsSurface({
    service: core.service,
    logger,
    botFramework: config.botFramework,
    localConsole: config.localConsole,
    endpoint: config.botEndpoint,
    allowedTenants: config.teamsTenants,
    aadIdentity: Boolean(config.graph),
    pendingWork: core.store.pendingWork,
    approvalDecisions,
    ...(config.helpdeskPolicy.approvalsTeamsConversation ? { approvalsConversation: config.helpdeskPolicy.approvalsTeamsConversation } : {}),
    ...(config.alerts.teamsConversation ? { alertsConversation: config.alerts.teamsConversation } : {}),
  });
  const local = createLocalConsole({
    enabled: config.localConsole, bot: teams.bot, logger,
    outbox: () => [...(core.outbox?.list() ?? []), ...(core.ticketOutbox?.entries() ?? [])],
  });
  // Escalations the ticket system did not take at once are retried in the background (kept in the store).
  core.service.tickets?.start();
  core.expiryReminders.start();
  // Reserved changes whose process died mid-action are given back once their lease ends (here, at start-up, first).
  core.service.changeLeases.start();
  const portalApi = portalApiMount({ token: config.portalApiToken, intake: core.portalIntake, logger, ratePerMinute: config.portalData.apiRatePerMinute, pins: core.pinVerifier });
  // PORTAL=only serves the end-user portal alone (no chat endpoints, no portal API): exposable on its own.
  const portal = config.portal.mode === 'off' ? [] : [portalMount({
    selfService: core.selfService, sessions: core.store.portalSessions, clock: systemClock, logger, orgName: config.helpdeskPolicy.orgName, production: config.production,
    sessionIdleMs: config.portal.sessionIdleMs, sessionMaxMs: config.portal.sessionMaxMs,
    ratePerMinute: config.portal.ratePerMinute, pageRatePerMinute: config.portal.pageRatePerMinute, csrfKey: core.portalCsrfKey, trustedProxies: config.portal.trustedProxies,
  })];
  const chat = config.portal.mode === 'only' ? [] : [teams.mount, local.mount, portalApi];
  const exposition = metrics ? () => metrics.exposition() : undefined;
  // The main port serves /metrics only behind the token (the config refuses it there without one).
  const mainMetrics = exposition && config.metrics && config.metrics.port === undefined && config.metrics.token
    ? [metricsMount({ exposition, token: config.metrics.token, logger })] : [];
  const http = createHttpServer({ logger, health: () => core.service.health(), mounts: [...chat, ...portal, ...mainMetrics] });
  const metricsHttp = exposition && config.metrics?.port !== undefined
    ? createHttpServer({ logger, health: () => core.service.health(), name: 'mypass-metrics', mounts: [metricsMount({ exposition, ...(config.metrics.token ? { token: config.metrics.token } : {}), logger })] })
    : undefined;
  let slack: SlackSurface | undefined;
  if (config.slack && config.portal.mode !== 'only') {
    const approvalsChannel = config.helpdeskPolicy.approvalsSlackChannel;
    const alertsChannel = config.alerts.slackChannel;
    // Loaded only when Slack is configured: Bolt is a tenth of the start-up's module loading. With require, so
    // it resolves both compiled and from source (tsx's CommonJS hook; a dynamic import() would go to Node's ESM loader).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { mountSlack } = require('./chat/slack/slack-app') as typeof import('./chat/slack/slack-app');
    slack = await mountSlack(http.server, { service: core.service, logger, config: config.slack, pendingWork: core.store.pendingWork, responseUrlCipher: core.responseUrlCipher, approvalDecisions, ...(approvalsChannel ? { approvalsChannel } : {}), ...(alertsChannel ? { alertsChannel } : {}) });
  }
  // ALERTS_TEAMS_CONVERSATION / ALERTS_SLACK_CHANNEL: the alerts' watcher (one replica per poll, claimed in the store).
  // The local console, when it is served, shows them to the supervisors' consoles as well (a trial sees them).
  core.watchAlerts([teams.alertSink, slack?.alertSink, local.alertSink].filter((s) => s !== undefined)).start();

  // The config decides the bind address (HOST; loopback unless a real credential or peer is configured).
  const host = config.host;
  const port = await http.listen(config.port, host);
  if (metricsHttp && config.metrics?.port !== undefined) await metricsHttp.listen(config.metrics.port, host);
  installGracefulShutdown({
    logger,
    steps: [
      { name: 'http', run: () => http.close() },
      { name: 'metrics', run: () => metricsHttp?.close() ?? Promise.resolve() },
      { name: 'slack', run: () => slack?.close() ?? Promise.resolve() },
      { name: 'local console', run: () => local.bridge.idle() },
      { name: 'auto-hide timers', run: () => teams.autoHide.close() },
      { name: 'portal texts', run: () => core.selfService.idle() },
      { name: 'audit head', run: async () => { stopHeadLog(); await audit.logHead(); } },
      { name: 'core', run: () => core.close() },
    ],
  });
  if (config.workstationTrial) {
    console.warn(
      `warning: workstation trial (LOCAL_CONSOLE=on) against ${config.ldap ? config.ldap.url : 'production settings'}: the console and ` +
        `an unauthenticated /api/messages take self-asserted identities from this machine (${host}) only; never expose this port.`,
    );
  }
  const where = config.directory === 'graph' ? 'Entra ID (Microsoft Graph)' : config.ldap ? `Active Directory at ${config.ldap.url}${config.graph ? ' with Entra ID' : ''}` : 'the demo directory';
  logger.info({ port, host, directory: config.directory, graph: Boolean(config.graph), slack: Boolean(config.slack), localConsole: config.localConsole }, 'listening');
  console.log(
    config.localConsole
      ? `MyPass Helpdesk is running on ${where}: open http://localhost:${port}/`
      : `MyPass Helpdesk is listening on port ${port} (${where}).`,
  );
}

/** package.json's version (src/ under tsx, dist/ when built: both one level down); 'unknown' if unreadable. */
function buildVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

main().catch((err: unknown) => {
  // A start-up failure is one line, not a stack trace (the log has the details when the logger exists).
  console.error(`MyPass Helpdesk could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
