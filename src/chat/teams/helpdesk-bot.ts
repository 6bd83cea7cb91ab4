// The Teams (and any Bot Framework channel) bot: thin. Text → shared command parser → service → card;
// a button (Action.Execute invoke in Teams, Action.Submit elsewhere) → the same press handler → card.
// No rule lives here: roles, confirmation and protection are the service's.
import {
  type Activity,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import type { Logger } from '../../ports/logger.port';
import type { HelpdeskService } from '../../service/helpdesk-service';
import type { RequestContext } from '../../service/request-context';
import type { View } from '../../service/views';
import { dispatchPress, dispatchText, newCorrelationId } from '../core/dispatch';
import { renderCard, type ActionMode, type AdaptiveCardJson } from '../cards/render-card';
import { actionModeFor, conversationKind } from './conversation';
import type { IdentityResolver } from './identity';

export interface HelpdeskBotDeps {
  readonly service: HelpdeskService;
  readonly logger: Logger;
  readonly identities: IdentityResolver;
  readonly now?: () => Date;
}

const WELCOME = 'Hi, I am MyPass Helpdesk. Type "help" to see what I can do for you.';

/** Teams puts "<at>Bot name</at>" in the text of a mention; strip it (and any leftover at-tags). */
export function commandText(activity: Partial<Activity>): string {
  const withoutMention = activity.recipient ? TurnContext.removeRecipientMention(activity) : activity.text;
  return (withoutMention ?? activity.text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/g, ' ')
    .trim();
}

export function isCardSubmit(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).verb === 'string';
}

export class HelpdeskBot extends TeamsActivityHandler {
  constructor(private readonly deps: HelpdeskBotDeps) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) await context.sendActivity(WELCOME);
      await next();
    });
  }

  private async requestContext(context: TurnContext): Promise<RequestContext> {
    const who = await this.deps.identities.resolve(context);
    return {
      surface: who.surface,
      identity: who.identity,
      correlationId: newCorrelationId(),
      conversation: conversationKind(context.activity, who.localConsole),
    };
  }

  private card(view: View, mode: ActionMode): AdaptiveCardJson {
    return renderCard(view, { actions: mode, now: this.deps.now?.() ?? new Date() });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const ctx = await this.requestContext(context);
    // Action.Submit (Web Chat, the console, the Emulator) arrives as a message whose value is the card data.
    const view = isCardSubmit(activity.value)
      ? await dispatchPress(this.deps.service, this.deps.logger, ctx, activity.value)
      : await dispatchText(this.deps.service, this.deps.logger, ctx, commandText(activity));
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.card(view, actionModeFor(activity)))));
  }

  /** Universal Actions: the answer is the refreshed card, shown in place of the one that was clicked. */
  protected async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const ctx = await this.requestContext(context);
    const action = invokeValue.action;
    const data = typeof action.data === 'object' && action.data !== null ? action.data : {};
    const view = await dispatchPress(this.deps.service, this.deps.logger, ctx, { ...data, verb: action.verb });
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: this.card(view, 'execute') };
  }
}
