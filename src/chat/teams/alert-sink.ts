// Alerts to the supervisors in Teams (ALERTS_TEAMS_CONVERSATION): posted proactively, with no turn to reply
// in, through a connector of the bot's own credentials (POST /v3/conversations/{id}/activities, as
// sendToConversation does). Teams names its connector's address (serviceUrl, per region) in every activity:
// the last one the bot was sent by an allowed tenant is used, else Teams' global address. The card is the
// same for everyone in the conversation; each button press is answered as the presser (role re-checked, a
// user's details open as their own view by the shared-conversation rule).
import { CardFactory, ConfigurationBotFrameworkAuthentication, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { BotFrameworkConfig } from '../../config/config';
import type { AlertSink } from '../../service/desk';
import type { AlertView } from '../../service/kernel';
import { renderCard } from '../cards/render-card';

/** Where Teams' connector answers for any region (Microsoft's proactive-messaging guidance). */
export const TEAMS_GLOBAL_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

export class TeamsAlertSink implements AlertSink {
  readonly name = 'teams';
  private serviceUrl?: string;
  private readonly auth: ConfigurationBotFrameworkAuthentication;

  constructor(private readonly botFramework: BotFrameworkConfig, private readonly conversationId: string, credentialsFactory?: ServiceClientCredentialsFactory) {
    this.auth = new ConfigurationBotFrameworkAuthentication({ ...botFramework }, credentialsFactory);
  }

  /** Remembers the serviceUrl of each Teams activity that reached the bot (registered after the tenant gate). */
  readonly watch: Middleware = {
    onTurn: async (context: TurnContext, next: () => Promise<void>) => {
      if (context.activity.channelId === 'msteams' && context.activity.serviceUrl) this.serviceUrl = context.activity.serviceUrl;
      await next();
    },
  };

  async post(alert: AlertView): Promise<void> {
    const appId = this.botFramework.MicrosoftAppId;
    const identity = new ClaimsIdentity([
      { type: AuthenticationConstants.AudienceClaim, value: appId },
      { type: AuthenticationConstants.AppIdClaim, value: appId },
    ]);
    const serviceUrl = this.serviceUrl ?? TEAMS_GLOBAL_SERVICE_URL;
    const connector = await this.auth.createConnectorFactory(identity).create(serviceUrl, AuthenticationConstants.ToChannelFromBotOAuthScope);
    const activity = {
      type: 'message',
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: this.conversationId },
      attachments: [CardFactory.adaptiveCard(renderCard(alert, { actions: 'execute' }))],
    } as Partial<Activity> as Activity;
    await connector.conversations.sendToConversation(this.conversationId, activity);
  }
}
