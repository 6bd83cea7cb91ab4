// The Bot Framework side of the HTTP server: CloudAdapter with ConfigurationBotFrameworkAuthentication
// (botbuilder's own variable names; an empty MicrosoftAppId = no auth, local only) and POST /api/messages.
import restify from 'restify';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ActivityHandler,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import type { BotFrameworkConfig } from '../../config/config';
import { CachingBotFrameworkAuthentication } from './caching-auth';
import type { Logger } from '../../ports/logger.port';
import { newCorrelationId } from '../core/dispatch';
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
        await context.sendActivity(errorText('INTERNAL', { ref: correlationId.slice(0, 8) }));
      } catch {
        // The channel is unreachable; already logged.
      }
    }
  };
  return adapter;
}

/** Largest activity accepted on /api/messages (Teams caps messages at about 28 KB). */
const MAX_ACTIVITY_BYTES = 256 * 1024;

/** POST /api/messages: JSON body parsing on this route only; CloudAdapter authenticates and answers. */
export function mountBotRoute(adapter: CloudAdapter, bot: ActivityHandler): (server: restify.Server) => void {
  return (server) => {
    server.post(
      '/api/messages',
      restify.plugins.bodyParser({ maxBodySize: MAX_ACTIVITY_BYTES, mapParams: false, mapFiles: false }),
      async (req: restify.Request, res: restify.Response) => {
        await adapter.process(req, res, (context) => bot.run(context));
      },
    );
  };
}
