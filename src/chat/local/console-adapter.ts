// An in-process Bot Framework adapter for the local console: the Direct Line bridge hands it the user's
// activity, the same bot runs the turn, and the replies land back in the bridge's conversation — no HTTP
// hop, no Bot Framework auth (so the console also works when LOCAL_CONSOLE=on is forced beside a real
// MicrosoftAppId). Every turn it runs is marked as a local-console turn; nothing reachable over HTTP is.
import { BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import { LOCAL_CONSOLE_TURN } from '../teams/identity';

export type ReplySink = (conversationId: string, activity: Partial<Activity>) => string;
/** Puts `activity` in place of the bot's activity `activityId`; false when it is no longer there. */
export type ReplaceSink = (conversationId: string, activityId: string, activity: Partial<Activity>) => boolean;

export class ConsoleBotAdapter extends BotAdapter {
  constructor(
    private readonly deliver: ReplySink,
    private readonly replace?: ReplaceSink,
  ) {
    super();
  }

  /** Runs one turn of `logic` (the bot's run) for an activity the console user sent. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    context.turnState.set(LOCAL_CONSOLE_TURN, true);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await new Promise((resolve) => setTimeout(resolve, typeof activity.value === 'number' ? activity.value : 1000));
        responses.push({ id: '' });
      } else if (activity.type === 'invokeResponse' || activity.type === 'trace') {
        responses.push({ id: '' });
      } else {
        const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
        responses.push({ id: this.deliver(conversationId, activity) });
      }
    }
    return responses;
  }

  /** Replaces a sent activity in the conversation's history (a shown password hiding itself). */
  async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<void> {
    const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
    if (!this.replace || !activity.id) throw new Error('The local console cannot update this activity.');
    // Gone from the history (its bounds dropped it): say so, as a connector answers 404.
    if (!this.replace(conversationId, activity.id, activity)) throw new Error('The activity is no longer in the conversation.');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('The local console cannot delete a sent activity.');
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
    await this.processActivity(activity, logic);
  }
}
