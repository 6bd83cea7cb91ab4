// The Teams (and any Bot Framework channel) bot: thin. Text → shared command parser → service → card;
// a button (Action.Execute invoke in Teams, Action.Submit elsewhere) → the same press handler → card
// (a refused press keeps the card it was pressed on: pressed-card.ts).
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
import { VERBS } from '../../domain/verbs';
import { inLogScope, type Logger } from '../../ports/logger.port';
import type { HelpdeskService } from '../../service/helpdesk-service';
import type { RequestContext, View } from '../../service/kernel';
import { AutoHide } from '../core/auto-hide';
import { TicketWatch } from '../core/ticket-watch';
import { dispatchPress, dispatchText, newCorrelationId } from '../core/dispatch';
import { renderCard, type ActionMode, type AdaptiveCardJson } from '../cards/render-card';
import { actionModeFor, activityTimeZone, conversationKind } from './conversation';
import type { IdentityResolver } from './identity';
import { laterUpdater } from './later-update';
import { isOpenRequest, withoutShowFallback } from '../core/approval-requests';
import { ConsoleApprovals } from '../local/console-approvals';
import { ApprovalCopies } from './approval-copies';
import { markPressedOn, redrawOf, withoutPressedOn, withRefusal } from './pressed-card';

export interface HelpdeskBotDeps {
  readonly service: HelpdeskService;
  readonly logger: Logger;
  readonly identities: IdentityResolver;
  readonly now?: () => Date;
  /** Pending hides of shown secrets (cleared on shutdown). */
  readonly autoHide?: AutoHide;
  /** APPROVALS_TEAMS_CONVERSATION: approval requests are also sent there. */
  readonly approvalsConversation?: string;
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
  readonly autoHide: AutoHide;
  /** "Ticket to follow" messages, updated when the background retry created the ticket. */
  readonly ticketWatch: TicketWatch;
  /** Where each approval request's cards are (approval-copies.ts). */
  private readonly approvalCopies: ApprovalCopies;
  /** Approval requests in the local console's conversations (the console attaches itself). */
  readonly consoleApprovals: ConsoleApprovals;

  constructor(private readonly deps: HelpdeskBotDeps) {
    super();
    this.approvalCopies = new ApprovalCopies(deps.logger, deps.approvalsConversation);
    this.consoleApprovals = new ConsoleApprovals(deps.logger, {
      card: (view) => this.card(view, 'submit'),
      decides: async (context) => deps.service.decidesApprovals((await this.requestContext(context)).identity),
      deliverOwn: (context, approvalId) => this.requesterView(context, approvalId),
    });
    this.autoHide = deps.autoHide ?? new AutoHide(deps.logger);
    this.ticketWatch = new TicketWatch(deps.logger, deps.service.tickets);
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
    const conversation = conversationKind(context.activity, who.localConsole);
    const timeZone = activityTimeZone(context.activity, conversation);
    return {
      surface: who.surface,
      identity: who.identity,
      correlationId: newCorrelationId(),
      conversation,
      ...(context.activity.conversation?.id ? { conversationId: context.activity.conversation.id } : {}),
      ...(timeZone ? { timeZone } : {}),
    };
  }

  /** A card for the asker (times in their zone, when known) or, without `ctx`, for everyone in a conversation (UTC). */
  private card(view: View, mode: ActionMode, ctx?: RequestContext): AdaptiveCardJson {
    return markPressedOn(renderCard(view, { actions: mode, now: this.deps.now?.() ?? new Date(), timeZone: ctx?.timeZone }), view);
  }

  /** A refused press on a card the server can draw again (pressed-card.ts): that card, re-read for the presser, with the refusal on top. */
  private async keptCard(ctx: RequestContext, pressed: Record<string, unknown>, answer: View, mode: ActionMode): Promise<AdaptiveCardJson | undefined> {
    const redraw = redrawOf(pressed, answer);
    if (!redraw) return undefined;
    const drawn = await dispatchPress(this.deps.service, this.deps.logger, ctx, redraw.press);
    // Not drawn (the user is gone, the presser lost the role): the refusal alone.
    return drawn.kind === redraw.kind ? withRefusal(this.card(drawn, mode, ctx), redraw.refusal) : undefined;
  }

  /**
   * Action.Submit has no invoke answer: a client that says which message the pressed card is in (the
   * console) gets that message drawn again, as Teams does. Only in a personal conversation, where the
   * message is the presser's alone. False when it could not be: the refusal then comes as a new message.
   */
  private async keptInPlace(context: TurnContext, ctx: RequestContext, pressed: Record<string, unknown>, answer: View, mode: ActionMode): Promise<boolean> {
    const activityId = context.activity.replyToId;
    if (!activityId || ctx.conversation !== 'personal') return false;
    const kept = await this.keptCard(ctx, pressed, answer, mode);
    if (!kept) return false;
    try {
      await context.updateActivity({ type: 'message', id: activityId, attachments: [CardFactory.adaptiveCard(kept)] });
      return true;
    } catch (err) {
      this.deps.logger.warn({ err, correlationId: ctx.correlationId }, 'could not update the pressed card; the refusal is sent as a new message');
      return false;
    }
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const ctx = await this.requestContext(context);
    // Every line of the turn (the answer's delivery, hiding, approval copies) carries the request's id and surface.
    await inLogScope(this.deps.logger, { correlationId: ctx.correlationId, surface: ctx.surface }, () => this.answerMessage(context, ctx));
  }

  private async answerMessage(context: TurnContext, ctx: RequestContext): Promise<void> {
    const activity = context.activity;
    // Action.Submit (Web Chat, the console, the Emulator) arrives as a message whose value is the card data.
    const mode = actionModeFor(activity);
    const pressed = isCardSubmit(activity.value) ? activity.value : undefined;
    const view = pressed
      ? await dispatchPress(this.deps.service, this.deps.logger, ctx, withoutPressedOn(pressed))
      : await dispatchText(this.deps.service, this.deps.logger, ctx, commandText(activity));
    // Hide pressed on an Action.Submit card: the answer is a new message, so the one showing the secret
    // is replaced too.
    if (pressed) {
      await this.hidden(pressed, view)?.replace(view).catch((err: unknown) => this.deps.logger.error({ err, correlationId: ctx.correlationId }, 'could not hide a shown secret'));
      if (await this.keptInPlace(context, ctx, pressed, view, mode)) return;
    }
    // A decision pressed in the console: every copy, the pressed card included, shows it instead.
    if (pressed && isDecision(pressed) && view.kind === 'approval' && (await this.consoleApprovals.decided(context, view, activity.replyToId))) return;
    const sent = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.card(view, mode, ctx))));
    if (isOpenRequest(view)) {
      await this.approvalCopies.sent(context, view, { activityId: sent?.id, mode }, (m) => this.card(view.forDeciders, m));
      await this.consoleApprovals.sent(context, view, sent?.id);
    }
    this.scheduleHide(context, ctx, view, mode, sent?.id);
    this.watchTicket(context, ctx, view, mode, sent?.id);
  }

  /** An escalation whose ticket is still to come: update the message once the retry created it. */
  private watchTicket(context: TurnContext, ctx: RequestContext, view: View, mode: ActionMode, activityId: string | undefined): void {
    if (view.kind !== 'escalation' || view.outcome !== 'pending' || !activityId) return;
    const update = laterUpdater(context);
    this.ticketWatch.watch(view.ref, {
      press: () => dispatchPress(this.deps.service, this.deps.logger, { ...ctx, correlationId: newCorrelationId() }, { verb: VERBS.ticketShow, ref: view.ref }),
      replace: (shown) => update(activityId, this.card(shown, mode, ctx)),
    });
  }

  /** After a successful Hide press: the pending automatic hide of that secret, taken off its timer. */
  private hidden(pressed: Record<string, unknown>, view: View) {
    if (pressed.verb !== VERBS.secretHide || typeof pressed.ref !== 'string' || view.kind !== 'result') return undefined;
    return this.autoHide.take(pressed.ref);
  }

  /** A shown secret: replace the message it lives in (`activityId`) once its time is up. */
  private scheduleHide(context: TurnContext, ctx: RequestContext, view: View, mode: ActionMode, activityId: string | undefined): void {
    if ((view.kind !== 'result' && view.kind !== 'approval') || !view.secret || !activityId) return;
    const ref = view.secret.ref;
    const update = laterUpdater(context); // the turn's context is revoked once the turn ends
    this.autoHide.schedule(ref, view.secret.hideAfterMs, {
      press: () =>
        dispatchPress(this.deps.service, this.deps.logger, { ...ctx, correlationId: newCorrelationId() }, { verb: VERBS.secretHide, ref, auto: 'yes' }),
      replace: (hidden) => update(activityId, this.card(hidden, mode, ctx)),
    });
  }

  /** Universal Actions: the answer is the refreshed card, shown in place of the one that was clicked. */
  protected async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const ctx = await this.requestContext(context);
    const action = invokeValue.action;
    const data = typeof action.data === 'object' && action.data !== null ? action.data : {};
    const pressed = { ...data, verb: action.verb };
    const view = await dispatchPress(this.deps.service, this.deps.logger, ctx, withoutPressedOn(pressed));
    // The invoke answer replaces the card in place; a manual Hide only has to stop the timer.
    this.hidden(pressed, view);
    // An approval decided: the invoke answer reaches only the presser, so the shared message itself is
    // updated for everyone in the conversation (the requester's client then refreshes its own view).
    const decided = isDecision(pressed);
    // Teams refreshes the requester's own view by itself (refresh.userIds): no copy needs the Show fallback.
    const shown = decided && view.kind === 'approval' ? withoutShowFallback(view) : view;
    if (decided && view.kind === 'approval' && context.activity.replyToId) {
      await laterUpdater(context)(context.activity.replyToId, this.card(shown, 'execute'))
        .catch((err: unknown) => this.deps.logger.error({ err, correlationId: ctx.correlationId }, 'could not update the approval card'));
    }
    if (decided && view.kind === 'approval') {
      await this.approvalCopies.decided(view, { conversationId: context.activity.conversation?.id ?? '', activityId: context.activity.replyToId }, (m) => this.card(shown, m));
    }
    // The card lives in the message the clicked card was in: the invoke's replyToId.
    this.scheduleHide(context, ctx, view, 'execute', context.activity.replyToId);
    this.watchTicket(context, ctx, view, 'execute', context.activity.replyToId);
    // A refusal keeps the card it was pressed on; the invoke answer is the presser's alone, even in a channel.
    const kept = await this.keptCard(ctx, pressed, view, 'execute');
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: kept ?? this.card(shown, 'execute', ctx) };
  }

  /** The console's requester, approved: their own view (the PIN, once) as a new message, hidden in time. */
  private async requesterView(context: TurnContext, approvalId: string): Promise<View> {
    const ctx = await this.requestContext(context);
    const view = await dispatchPress(this.deps.service, this.deps.logger, ctx, { verb: VERBS.approvalShow, approvalId });
    const sent = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.card(view, 'submit', ctx))));
    this.scheduleHide(context, ctx, view, 'submit', sent?.id);
    return view;
  }
}

function isDecision(pressed: Record<string, unknown>): boolean {
  return pressed.verb === VERBS.approvalApprove || pressed.verb === VERBS.approvalDeny;
}
