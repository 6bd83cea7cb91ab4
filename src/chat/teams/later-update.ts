// Updating a message the bot sent, after the turn is over (the turn's context is revoked by then): the
// conversation reference and the connector client are captured during the turn. Bot Framework channels
// use the connector (PUT /v3/conversations/{id}/activities/{activityId}, as a proactive send does); the
// in-process local console has no connector, so it is continued through its own adapter.
import { CardFactory, TurnContext, type Activity } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { AdaptiveCardJson } from '../cards/render-card';

export type LaterUpdate = (activityId: string, card: AdaptiveCardJson) => Promise<void>;

export function laterUpdater(context: TurnContext): LaterUpdate {
  const reference = TurnContext.getConversationReference(context.activity);
  const adapter = context.adapter;
  const connector = context.turnState.get<ConnectorClient | undefined>(adapter.ConnectorClientKey);
  const message = (id: string, card: AdaptiveCardJson): Partial<Activity> => ({
    type: 'message', id, attachments: [CardFactory.adaptiveCard(card)],
  });
  if (connector) {
    return async (id, card) => {
      const activity = TurnContext.applyConversationReference(message(id, card), reference) as Activity;
      delete activity.replyToId; // an update, not a reply
      await connector.conversations.updateActivity(activity.conversation.id, id, activity);
    };
  }
  return (id, card) => adapter.continueConversation(reference, async (tc) => {
    await tc.updateActivity(message(id, card));
  });
}
