// The Slack surface: a Bolt App (routing: one listener per file) behind our receiver (transport:
// signature, body, ack), served by the shared restify server at /slack/events.
import type { Server } from 'restify';
import { App, webApi, type AuthorizeResult } from '@slack/bolt';
import type { SlackConfig } from '../../config/config';
import type { Logger } from '../../ports/logger.port';
import type { HelpdeskService } from '../../service/helpdesk-service';
import type { ApprovalDecisions } from '../core/approval-requests';
import { AutoHide } from '../core/auto-hide';
import { TicketWatch } from '../core/ticket-watch';
import { registerAppMention } from './app-mention.listener';
import { revivedHide, revivedTicketMessage } from './answer-delivery';
import { decidedElsewhere } from './approval-delivery';
import { registerBlockActions } from './block-actions.listener';
import { boltLogger } from './bolt-logger';
import { PostAckQueue } from './post-ack-queue';
import type { SlackListenerDeps } from './slack-context';
import { SlackIdentityResolver } from './slack-identity';
import { SlackReceiver } from './slack-receiver';
import { SLACK_EVENTS_PATH, slackRoute } from './slack-route';
import { registerSlashCommand } from './slash-command.listener';
import { ApprovalMessages } from './approval-messages';
import type { PendingWorkRepository } from '../../ports/pending-work.port';
import { systemClock } from '../../ports/clock.port';
import { SlackAlertSink } from './alert-sink';
import type { AnswerCipher } from '../../ports/answer-cipher.port';
import { SlackLaterMessages, type SlackAddress } from './later-messages';

export interface SlackSurfaceDeps {
  readonly service: HelpdeskService;
  readonly logger: Logger;
  readonly config: SlackConfig;
  /** Tests: the clock the signature check uses. */
  readonly now?: () => number;
  /** Tests: how long a users.info answer is kept (default 60 s). */
  readonly identityTtlMs?: number;
  /** How many requests' post-ack work runs at once (default 2: see post-ack-queue.ts). */
  readonly postAckConcurrency?: number;
  /** How many requests' post-ack work may wait for a slot; past that the asker is told to retry (default 200). */
  readonly postAckMaxPending?: number;
  /** APPROVALS_SLACK_CHANNEL: approval requests are also posted there. */
  readonly approvalsChannel?: string;
  /** ALERTS_SLACK_CHANNEL: supervisors' alerts are posted there. */
  readonly alertsChannel?: string;
  /**
   * The store's pending work: approval requests' messages, shown secrets' hides and "ticket to follow"
   * messages are kept there, for any replica to do (approval-messages.ts, auto-hide.ts, ticket-watch.ts).
   */
  readonly pendingWork?: PendingWorkRepository;
  /** Seals the response URLs kept with that work (a key for this alone: later-messages.ts); without it those stay in the process. */
  readonly responseUrlCipher?: AnswerCipher;
  /** How often this replica looks for hides another left undone, and how late they must be (tests: faster). */
  readonly hidePollMs?: number;
  readonly hideGraceMs?: number;
  /** The chat surfaces of this process: a decision taken on any of them shows on the request's Slack messages too. */
  readonly approvalDecisions?: ApprovalDecisions;
}

export interface SlackSurface {
  readonly app: App;
  readonly receiver: SlackReceiver;
  /** Adds `POST /slack/events` to the shared server (pass it to the HTTP server's extra mounts). */
  mount(server: Server): void;
  /** Resolves when no request's post-ack work (answers being posted) is running. */
  idle(): Promise<void>;
  /** Pending hides of shown secrets. */
  readonly autoHide: AutoHide;
  /** Waits for the work still running after acks, then stops. */
  close(): Promise<void>;
  /** Posts alerts to ALERTS_SLACK_CHANNEL, when it is set. */
  readonly alertSink?: SlackAlertSink;
}

/** Web API errors meaning the bot token itself is wrong: start-up stops on these. */
const BAD_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

interface BotInfo {
  readonly botId?: string;
  readonly botUserId?: string;
  readonly teamId?: string;
  readonly enterpriseId?: string;
}

/** auth.test once (retried on the next request while it fails): who the bot is, where it is installed. */
function botInfoSource(client: webApi.WebClient, token: string): () => Promise<BotInfo> {
  let pending: Promise<BotInfo> | undefined;
  return () => {
    pending ??= client.auth.test({ token }).then(
      (r) => ({
        ...(r.bot_id ? { botId: r.bot_id } : {}),
        ...(r.user_id ? { botUserId: r.user_id } : {}),
        ...(r.team_id ? { teamId: r.team_id } : {}),
        ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}),
      }),
      (err: unknown) => {
        pending = undefined;
        throw err;
      },
    );
    return pending;
  };
}

/**
 * Builds the Slack surface and checks the bot token with auth.test. A token Slack refuses stops start-up
 * with one clear line; Slack being unreachable only logs a warning (the check is retried per request).
 */
export async function createSlackSurface(deps: SlackSurfaceDeps): Promise<SlackSurface> {
  const { config, logger } = deps;
  const sdkLogger = boltLogger(logger);
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    logger: sdkLogger,
    // Bolt's default retries for ~30 minutes; an answer that late is useless to an agent.
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
    timeout: 10_000,
  };
  // auth.test gets no retries and a short timeout: start-up must not hang on an unreachable Slack, and a
  // failed check is simply tried again on the next request.
  const botInfo = botInfoSource(
    new webApi.WebClient(undefined, { ...clientOptions, retryConfig: { retries: 0 }, timeout: 5000 }),
    config.botToken,
  );
  const receiver = new SlackReceiver({ signingSecret: config.signingSecret, logger, ...(deps.now ? { now: deps.now } : {}) });
  const app = new App({
    receiver,
    logger: sdkLogger,
    clientOptions,
    convoStore: false,
    authorize: async (): Promise<AuthorizeResult> => ({ botToken: config.botToken, ...(await botInfo()) }),
  });
  app.error(async (error) => {
    logger.error({ err: { message: error.message, code: error.code }, surface: 'slack' }, 'slack listener failed');
  });

  // With the store, a hide or a "ticket to follow" is done by whichever replica is there when it is due: it
  // reaches the message with the bot token (its own client: outside any request) or the sealed response_url.
  const stored = deps.pendingWork && { work: deps.pendingWork, clock: systemClock };
  const ownWork = stored && { ...stored, surface: 'slack' };
  const botClient = new webApi.WebClient(config.botToken, clientOptions);
  const later = stored && new SlackLaterMessages(botClient, deps.responseUrlCipher);
  const listenerDeps: SlackListenerDeps = {
    service: deps.service,
    logger,
    identities: new SlackIdentityResolver(deps.identityTtlMs !== undefined ? { ttlMs: deps.identityTtlMs } : {}),
    afterAck: new PostAckQueue(deps.postAckConcurrency, deps.postAckMaxPending),
    autoHide: new AutoHide(logger, undefined, ownWork && {
      ...ownWork, revive: (ref, address) => revivedHide(listenerDeps, ref, address as SlackAddress),
      ...(deps.hidePollMs ? { pollMs: deps.hidePollMs } : {}), ...(deps.hideGraceMs !== undefined ? { graceMs: deps.hideGraceMs } : {}),
    }),
    ticketWatch: new TicketWatch(logger, deps.service.tickets, undefined, ownWork && {
      ...ownWork, revive: (ref, address) => revivedTicketMessage(listenerDeps, ref, address as SlackAddress),
    }),
    ...(later ? { later } : {}),
    approvalMessages: new ApprovalMessages(logger, stored),
    ...(deps.approvalsChannel ? { approvalsChannel: deps.approvalsChannel } : {}),
    ...(deps.approvalDecisions ? { approvalDecisions: deps.approvalDecisions } : {}),
  };
  // A decision taken in Teams, outside any Slack request: the messages are updated with the bot token.
  deps.approvalDecisions?.join('slack', (decision) => decidedElsewhere(listenerDeps, botClient, decision));
  listenerDeps.autoHide.start();
  registerSlashCommand(app, listenerDeps);
  registerAppMention(app, listenerDeps);
  registerBlockActions(app, listenerDeps);

  try {
    const info = await botInfo();
    logger.info({ surface: 'slack', team: info.teamId, botUser: info.botUserId }, 'slack bot token accepted');
  } catch (err) {
    const code = (err as { data?: { error?: unknown } }).data?.error;
    if (typeof code === 'string' && BAD_TOKEN.has(code)) {
      throw new Error(`SLACK_BOT_TOKEN was refused by Slack (${code})`);
    }
    logger.warn({ surface: 'slack', err: { message: (err as Error).message } }, 'slack auth.test failed; will retry on the first request');
  }

  const route = slackRoute(receiver, logger);
  let mounted = false;
  return {
    app,
    receiver,
    autoHide: listenerDeps.autoHide,
    ...(deps.alertsChannel ? { alertSink: new SlackAlertSink(app.client, config.botToken, deps.alertsChannel) } : {}),
    mount(server: Server) {
      if (mounted) throw new Error('the Slack route is already mounted');
      mounted = true;
      server.post(SLACK_EVENTS_PATH, route.handler);
      // Answers wait for a turn without new connections, so a burst's requests are all accepted and acked first.
      server.server.on('connection', () => listenerDeps.afterAck.noteConnection());
    },
    idle() {
      return route.drain();
    },
    async close() {
      await route.drain();
      listenerDeps.autoHide.close(); // the hides kept in the store are done by another replica, or after a restart
      listenerDeps.ticketWatch?.close();
      await app.stop();
    },
  };
}

/** Convenience for the composition root: create the surface and mount it on the shared server. */
export async function mountSlack(server: Server, deps: SlackSurfaceDeps): Promise<SlackSurface> {
  const surface = await createSlackSurface(deps);
  surface.mount(server);
  return surface;
}
