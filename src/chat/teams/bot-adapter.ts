// The Bot Framework side of the HTTP server: CloudAdapter with ConfigurationBotFrameworkAuthentication
// (botbuilder's own variable names; an empty MicrosoftAppId = no auth, local only) and POST /api/messages,
// which exists only with JWT checks (MicrosoftAppId) or, without them, for callers on this machine.
import restify from 'restify';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ActivityHandler,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import type { BotEndpointMode, BotFrameworkConfig } from '../../config/config';
import { jsonBody } from '../../http/body';
import { isLoopbackUrl, localOnly } from '../../http/local-only';
import { CachingBotFrameworkAuthentication } from './caching-auth';
import type { Logger } from '../../ports/logger.port';
import { internalError, newCorrelationId } from '../core/dispatch';
import { errorText } from '../core/error-text';

export interface BotAdapterOptions {
  /** Extra ConfigurationBotFrameworkAuthentication keys (tests: loopback OpenID metadata URLs). */
  readonly extraAuthConfig?: Readonly<Record<string, string | boolean>>;
  /** Outbound credentials (tests: a fixed token instead of MSAL over the Internet). */
  readonly credentialsFactory?: ServiceClientCredentialsFactory;
}

export function createBotAdapter(config: BotFrameworkConfig, logger: Logger, options: BotAdapterOptions = {}): CloudAdapter {
  const authConfig: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    ...options.extraAuthConfig,
  };
  const auth = new ConfigurationBotFrameworkAuthentication(authConfig, options.credentialsFactory);
  const adapter = new CloudAdapter(new CachingBotFrameworkAuthentication(auth));
  adapter.onTurnError = async (context: TurnContext, err: Error) => {
    const correlationId = newCorrelationId();
    logger.error({ err, correlationId, channelId: context.activity.channelId, activityType: context.activity.type }, 'bot turn failed');
    if (context.activity.type === 'message') {
      try {
        const answer = internalError(correlationId);
        await context.sendActivity(errorText(answer.code, answer.params));
      } catch {
        // The channel is unreachable; already logged.
      }
    }
  };
  return adapter;
}

/** Largest activity accepted on /api/messages (Teams caps messages at about 28 KB). */
const MAX_ACTIVITY_BYTES = 256 * 1024;

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v !== '' && v.length <= max;

/**
 * What every activity the bot can answer carries; anything else is a malformed request (400), never a 500
 * from deep inside botbuilder. In no-auth mode the serviceUrl must be on this machine too: the bot asks it
 * who the sender is and posts its answer there, so a caller-chosen URL would choose both.
 */
export function activityProblem(body: unknown, requireLoopbackServiceUrl: boolean): string | undefined {
  const a = body as Partial<Record<'type' | 'channelId' | 'serviceUrl' | 'conversation' | 'from', unknown>>;
  if (!isText(a.type, 64)) return 'type is required';
  if (!isText(a.channelId, 64)) return 'channelId is required';
  if (!isText(a.serviceUrl, 2048)) return 'serviceUrl is required';
  if (!isText((a.conversation as { id?: unknown } | undefined)?.id, 1024)) return 'conversation.id is required';
  if (!isText((a.from as { id?: unknown } | undefined)?.id, 1024)) return 'from.id is required';
  if (requireLoopbackServiceUrl && !isLoopbackUrl(a.serviceUrl)) return 'serviceUrl must be on this machine (no authentication is configured)';
  return undefined;
}

export interface BotRouteOptions {
  /** config.botEndpoint: 'off' mounts nothing; 'loopback' serves this machine only (no JWT checks). */
  readonly mode: BotEndpointMode;
  readonly logger: Logger;
}

/** POST /api/messages: bounded JSON on this route only; CloudAdapter authenticates and answers. */
export function mountBotRoute(adapter: CloudAdapter, bot: ActivityHandler, options: BotRouteOptions): (server: restify.Server) => void {
  return (server) => {
    if (options.mode === 'off') return; // production without MicrosoftAppId: the endpoint does not exist
    const loopback = options.mode === 'loopback';
    const guards: restify.RequestHandler[] = loopback ? [localOnly()] : [];
    server.post('/api/messages', ...guards, jsonBody(MAX_ACTIVITY_BYTES), async (req: restify.Request, res: restify.Response) => {
      const problem = activityProblem(req.body, loopback);
      if (problem) {
        res.send(400, { error: { code: 'BadRequest', message: `Not a valid activity: ${problem}.` } });
        return;
      }
      try {
        await adapter.process(req, res, (context) => bot.run(context));
      } catch (err) {
        options.logger.error({ err }, 'bot framework request failed');
        if (!res.headersSent) res.send(500, { error: { code: 'InternalError', message: 'The request could not be processed.' } });
      }
    });
  };
}
