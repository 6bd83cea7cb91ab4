// The Teams / Bot Framework surface, as the composition root wires it.
import type { CloudAdapter } from 'botbuilder';
import type { BotEndpointMode, BotFrameworkConfig } from '../../config/config';
import type { RouteMount } from '../../http/server';
import type { Logger } from '../../ports/logger.port';
import type { HelpdeskService } from '../../service/helpdesk-service';
import type { ApprovalDecisions } from '../core/approval-requests';
import type { AutoHide } from '../core/auto-hide';
import { TeamsAlertSink } from './alert-sink';
import type { PendingWorkRepository } from '../../ports/pending-work.port';
import { createBotAdapter, mountBotRoute, type BotAdapterOptions } from './bot-adapter';
import { HelpdeskBot } from './helpdesk-bot';
import { IdentityResolver } from './identity';
import { tenantGate } from './tenant-gate';

export { HelpdeskBot } from './helpdesk-bot';
export { IdentityResolver } from './identity';

export interface TeamsSurfaceDeps {
  readonly service: HelpdeskService;
  readonly logger: Logger;
  readonly botFramework: BotFrameworkConfig;
  /** config.localConsole */
  readonly localConsole: boolean;
  /** config.botEndpoint; default: 'authenticated' with a MicrosoftAppId, else 'loopback'. */
  readonly endpoint?: BotEndpointMode;
  /** config.teamsTenants: with a MicrosoftAppId, only these tenants' Teams activities are served (none → none). */
  readonly allowedTenants?: readonly string[];
  readonly adapterOptions?: BotAdapterOptions;
  readonly identityTtlMs?: number;
  /** Graph configured: a Teams user is known by their aadObjectId (Entra), without the connector's getMember. */
  readonly aadIdentity?: boolean;
  /** APPROVALS_TEAMS_CONVERSATION: a conversation (channel) id where approval requests are also sent. */
  readonly approvalsConversation?: string;
  /** ALERTS_TEAMS_CONVERSATION: the conversation supervisors' alerts are posted to. */
  readonly alertsConversation?: string;
  /** The store's pending work: shown secrets' hides are kept there, done by any replica (auto-hide.ts). */
  readonly pendingWork?: PendingWorkRepository;
  /** How often this replica looks for hides another left undone (tests: faster). */
  readonly hidePollMs?: number;
  readonly hideGraceMs?: number;
  /** The chat surfaces of this process: a decision taken on any of them shows on the request's Teams cards too. */
  readonly approvalDecisions?: ApprovalDecisions;
}

export interface TeamsSurface {
  readonly bot: HelpdeskBot;
  readonly adapter: CloudAdapter;
  readonly identities: IdentityResolver;
  /** Pending hides of shown secrets (Teams and the local console): close() on shutdown. */
  readonly autoHide: AutoHide;
  /** Mounts POST /api/messages. */
  readonly mount: RouteMount;
  /** Posts alerts to ALERTS_TEAMS_CONVERSATION, when it is set. */
  readonly alertSink?: TeamsAlertSink;
}

export function createTeamsSurface(deps: TeamsSurfaceDeps): TeamsSurface {
  const identities = new IdentityResolver({ logger: deps.logger, localConsole: deps.localConsole, ttlMs: deps.identityTtlMs, aadIdentity: deps.aadIdentity ?? false });
  const adapter = createBotAdapter(deps.botFramework, deps.logger, deps.adapterOptions);
  const appId = deps.botFramework.MicrosoftAppId;
  const replicas = deps.pendingWork && {
    work: deps.pendingWork,
    continueConversation: (reference: Parameters<CloudAdapter['continueConversationAsync']>[1], logic: Parameters<CloudAdapter['continueConversationAsync']>[2]) =>
      adapter.continueConversationAsync(appId, reference, logic),
    ...(deps.hidePollMs ? { pollMs: deps.hidePollMs } : {}), ...(deps.hideGraceMs !== undefined ? { graceMs: deps.hideGraceMs } : {}),
  };
  const bot = new HelpdeskBot({
    service: deps.service, logger: deps.logger, identities,
    ...(deps.approvalsConversation ? { approvalsConversation: deps.approvalsConversation } : {}), ...(replicas ? { replicas } : {}),
    ...(deps.approvalDecisions ? { approvalDecisions: deps.approvalDecisions } : {}),
  });
  bot.autoHide.start();
  const authenticated = deps.botFramework.MicrosoftAppId !== '';
  // Local mode and a workstation trial have no tenant to check (no MicrosoftAppId: no Teams).
  if (authenticated) adapter.use(tenantGate(deps.allowedTenants ?? [], deps.logger));
  const alertSink = deps.alertsConversation ? new TeamsAlertSink(deps.botFramework, deps.alertsConversation, deps.adapterOptions?.credentialsFactory) : undefined;
  if (alertSink) adapter.use(alertSink.watch); // after the gate: only an allowed tenant's activity says where Teams is
  // Fail closed: "authenticated" without an app id would be botbuilder's no-auth mode.
  const asked = deps.endpoint ?? (authenticated ? 'authenticated' : 'loopback');
  const mode = asked === 'authenticated' && !authenticated ? 'off' : asked;
  return { bot, adapter, identities, autoHide: bot.autoHide, mount: mountBotRoute(adapter, bot, { mode, logger: deps.logger }), ...(alertSink ? { alertSink } : {}) };
}
