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
  type ConversationReference,
} from 'botbuilder';
import { VERBS } from '../../domain/verbs';
import { inLogScope, type Logger } from '../../ports/logger.port';
import type { HelpdeskService } from '../../service/helpdesk-service';
import type { RequestContext, View } from '../../service/kernel';
import { AutoHide, type PendingHide } from '../core/auto-hide';
import { TicketWatch, type PendingTicketMessage } from '../core/ticket-watch';
import { dispatchPress, dispatchText, newCorrelationId } from '../core/dispatch';
import { renderCard, type ActionMode, type AdaptiveCardJson } from '../cards/render-card';
import { actionModeFor, activityTimeZone, conversationKind } from './conversation';
import type { IdentityResolver } from './identity';
import { laterUpdater } from './later-update';
import { withoutShowFallback, type ApprovalDecisions } from '../core/approval-requests';
import { autoHidePress, followUpsOf, ticketPress, type FollowUps } from '../core/follow-ups';
import { ConsoleAlerts } from '../local/console-alerts';
import { ConsoleApprovals } from '../local/console-approvals';
import { ApprovalCopies, type CopyAddress } from './approval-copies';
import { markPressedOn, redrawOf, withoutPressedOn, withRefusal } from './pressed-card';
import { isLocalConsoleTurn } from './identity';
import type { PendingWorkRepository } from '../../ports/pending-work.port';
import { systemClock } from '../../ports/clock.port';

export interface HelpdeskBotDeps {
  readonly service: HelpdeskService;
  readonly logger: Logger;
  readonly identities: IdentityResolver;
  readonly now?: () => Date;
  /** Pending hides of shown secrets (cleared on shutdown). */
  readonly autoHide?: AutoHide;
  /** APPROVALS_TEAMS_CONVERSATION: approval requests are also sent there. */
  readonly approvalsConversation?: string;
  /** The chat surfaces of this process: a decision taken on any of them shows on every surface's copies of the request. */
  readonly approvalDecisions?: ApprovalDecisions;
  /**
   * The store's pending work and how to continue a Bot Framework conversation from any replica (the
   * adapter's proactive turn): a shown secret's hide is then a due time in the store (auto-hide.ts), and
   * the copies of an approval request and the "ticket to follow" messages wait there for their event
   * (approval-copies.ts, ticket-watch.ts).
   */
  readonly replicas?: {
    readonly work: PendingWorkRepository;
    readonly continueConversation: (reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => Promise<void>;
    readonly pollMs?: number;
    readonly graceMs?: number;
  };
}

/** Where a shown secret's (or a "ticket to follow") message is and whom it is for: what another replica needs to update it (never the secret). */
interface HideAddress {
  readonly reference: Partial<ConversationReference>;
  readonly activityId: string;
  readonly mode: ActionMode;
  readonly ctx: Omit<RequestContext, 'correlationId'>;
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
  /** Alerts in the supervisors' local console conversations (the console attaches itself). */
  readonly consoleAlerts: ConsoleAlerts;

  constructor(private readonly deps: HelpdeskBotDeps) {
    super();
    const replicas = deps.replicas;
    const clock = { now: () => deps.now?.() ?? systemClock.now() };
    this.approvalCopies = new ApprovalCopies(deps.logger, deps.approvalsConversation, replicas && {
      work: replicas.work, clock, update: (address, card) => this.updateSent(address, card),
    });
    // A decision taken in Slack: no card was pressed here, and the requester's own card refreshes by itself.
    deps.approvalDecisions?.join('teams', (decision) => this.approvalCopies.decided(decision, undefined, (m) => this.card(withoutShowFallback(decision), m)));
    this.consoleApprovals = new ConsoleApprovals(deps.logger, {
      card: (view) => this.card(view, 'submit'),
      decides: async (context) => deps.service.decidesApprovals((await this.requestContext(context)).identity),
      deliverOwn: (context, approvalId) => this.requesterView(context, approvalId),
    });
    this.consoleAlerts = new ConsoleAlerts(deps.logger, {
      card: (view) => this.card(view, 'submit'),
      receives: async (context) => deps.service.receivesAlerts((await this.requestContext(context)).identity),
    });
    this.autoHide = deps.autoHide ?? new AutoHide(deps.logger, undefined, replicas && {
      work: replicas.work, clock, surface: 'teams', revive: (ref, address) => this.revivedHide(ref, address as HideAddress),
      ...(replicas.pollMs ? { pollMs: replicas.pollMs } : {}), ...(replicas.graceMs !== undefined ? { graceMs: replicas.graceMs } : {}),
    });
    this.ticketWatch = new TicketWatch(deps.logger, deps.service.tickets, undefined, replicas && {
      work: replicas.work, clock, surface: 'teams', revive: (ref, address) => this.revivedTicketMessage(ref, address as HideAddress),
    });
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
    const pressed = isCardSubmit(activity.value) ? activity.value : undefined;
    const view = pressed
      ? await dispatchPress(this.deps.service, this.deps.logger, ctx, withoutPressedOn(pressed))
      : await dispatchText(this.deps.service, this.deps.logger, ctx, commandText(activity));
    await this.deliverAnswer(context, ctx, view, { by: 'message', mode: actionModeFor(activity) }, pressed);
  }

  /** Universal Actions: the answer is the refreshed card, shown in place of the one that was clicked. */
  protected async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const ctx = await this.requestContext(context);
    const action = invokeValue.action;
    const data = typeof action.data === 'object' && action.data !== null ? action.data : {};
    const pressed = { ...data, verb: action.verb };
    const view = await dispatchPress(this.deps.service, this.deps.logger, ctx, withoutPressedOn(pressed));
    const card = await this.deliverAnswer(context, ctx, view, { by: 'invoke' }, pressed);
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
  }

  /** The console's requester, approved: their own view (the PIN, once) as a new message, hidden in time. */
  private async requesterView(context: TurnContext, approvalId: string): Promise<View> {
    const ctx = await this.requestContext(context);
    const view = await dispatchPress(this.deps.service, this.deps.logger, ctx, { verb: VERBS.approvalShow, approvalId });
    await this.deliverAnswer(context, ctx, view, { by: 'message', mode: 'submit' });
    return view;
  }

  /**
   * The one path after the service answered, whatever asked (a typed message, Action.Submit, Action.Execute,
   * the console's approved requester): the answer is sent as `reply` says, then what it calls for
   * (follow-ups.ts) is done. Returns the asker's card (the invoke's answer).
   */
  private async deliverAnswer(context: TurnContext, ctx: RequestContext, view: View, reply: Reply, pressed?: Record<string, unknown>): Promise<AdaptiveCardJson> {
    const next = followUpsOf(view, pressed);
    const mode = reply.by === 'invoke' ? 'execute' : reply.mode;
    const sent = reply.by === 'invoke'
      ? await this.answerInPlace(context, ctx, view, next, pressed)
      : await this.answerAsMessage(context, ctx, view, next, reply.mode, pressed);
    // The request's copies on this replica's other surfaces (Slack's messages): each surface updates its own.
    if (next.decision) await this.deps.approvalDecisions?.decidedOn('teams', next.decision);
    if (sent.answeredElsewhere) return sent.card;
    if (next.request) {
      const request = next.request;
      await this.approvalCopies.sent(context, request, { activityId: sent.activityId, mode }, (m) => this.card(request.forDeciders, m));
      await this.consoleApprovals.sent(context, request, sent.activityId);
    }
    if (next.hide && sent.activityId) this.scheduleHide(context, ctx, next.hide, mode, sent.activityId);
    if (next.ticket && sent.activityId) this.watchTicket(context, ctx, next.ticket, mode, sent.activityId);
    return sent.card;
  }

  /** Action.Execute: the invoke's answer replaces the clicked card, which lives in the message `replyToId`. */
  private async answerInPlace(context: TurnContext, ctx: RequestContext, view: View, next: FollowUps, pressed: Record<string, unknown> | undefined): Promise<Sent> {
    // The invoke answer replaces the card in place; a manual Hide only has to stop the timer.
    if (next.hidden) await this.autoHide.take(next.hidden);
    // Teams refreshes the requester's own view by itself (refresh.userIds): no copy needs the Show fallback.
    const shown = next.decision ? withoutShowFallback(next.decision) : view;
    const activityId = context.activity.replyToId;
    if (next.decision) {
      // The invoke answer reaches only the presser, so the shared message itself is updated for everyone in
      // the conversation (the requester's client then refreshes its own view).
      if (activityId) {
        await laterUpdater(context)(activityId, this.card(shown, 'execute'))
          .catch((err: unknown) => this.deps.logger.error({ err, correlationId: ctx.correlationId }, 'could not update the approval card'));
      }
      await this.approvalCopies.decided(next.decision, { conversationId: context.activity.conversation?.id ?? '', activityId }, (m) => this.card(shown, m));
    }
    // A refusal keeps the card it was pressed on; the invoke answer is the presser's alone, even in a channel.
    const kept = pressed ? await this.keptCard(ctx, pressed, view, 'execute') : undefined;
    return { card: kept ?? this.card(shown, 'execute', ctx), activityId, answeredElsewhere: false };
  }

  /** A typed message or Action.Submit: the answer is a new message (unless the pressed card could be drawn again). */
  private async answerAsMessage(context: TurnContext, ctx: RequestContext, view: View, next: FollowUps, mode: ActionMode, pressed: Record<string, unknown> | undefined): Promise<Sent> {
    const card = this.card(view, mode, ctx);
    if (pressed) {
      // Hide pressed on an Action.Submit card: the answer is a new message, so the one showing the secret is replaced too.
      if (next.hidden) {
        await (await this.autoHide.take(next.hidden))?.replace(view)
          .catch((err: unknown) => this.deps.logger.error({ err, correlationId: ctx.correlationId }, 'could not hide a shown secret'));
      }
      if (await this.keptInPlace(context, ctx, pressed, view, mode)) return { card, activityId: undefined, answeredElsewhere: true };
    }
    // A decision pressed in the console: every copy, the pressed card included, shows it instead.
    if (next.decision && (await this.consoleApprovals.decided(context, next.decision, context.activity.replyToId))) return { card, activityId: undefined, answeredElsewhere: true };
    const sent = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    return { card, activityId: sent?.id, answeredElsewhere: false };
  }

  /** An escalation whose ticket is still to come: update the message once the retry created it. */
  private watchTicket(context: TurnContext, ctx: RequestContext, ref: string, mode: ActionMode, activityId: string): void {
    const update = laterUpdater(context); // the turn's context is revoked once the turn ends
    this.ticketWatch.watch(ref, {
      press: () => dispatchPress(this.deps.service, this.deps.logger, { ...ctx, correlationId: newCorrelationId() }, ticketPress(ref)),
      replace: (shown) => update(activityId, this.card(shown, mode, ctx)),
    }, this.addressOf(context, ctx, mode, activityId));
  }

  /** Where the turn's message is and whom it is for; none for the local console, whose conversations live in this process only. */
  private addressOf(context: TurnContext, ctx: RequestContext, mode: ActionMode, activityId: string): HideAddress | undefined {
    if (isLocalConsoleTurn(context)) return undefined;
    const asker: { -readonly [K in keyof RequestContext]?: RequestContext[K] } = { ...ctx };
    delete asker.correlationId; // each later update is a request of its own
    return { reference: TurnContext.getConversationReference(context.activity), activityId, mode, ctx: asker as Omit<RequestContext, 'correlationId'> };
  }

  /** A "ticket to follow" message any replica showed: the asker's own `ticket.show` answer, put in place through a proactive turn. */
  private revivedTicketMessage(ref: string, address: HideAddress): PendingTicketMessage | undefined {
    const replicas = this.deps.replicas;
    if (!replicas || !isBotAddress(address)) return undefined;
    const ctx: RequestContext = { ...address.ctx, correlationId: newCorrelationId() };
    return {
      press: () => dispatchPress(this.deps.service, this.deps.logger, ctx, ticketPress(ref)),
      replace: (shown) => this.updateSent(address, this.card(shown, address.mode, ctx)),
    };
  }

  /** Puts a card in place of a message the bot sent, from any replica (a proactive turn). */
  private async updateSent(address: CopyAddress, card: AdaptiveCardJson): Promise<void> {
    await this.deps.replicas?.continueConversation(address.reference, async (tc) => {
      await tc.updateActivity({ type: 'message', id: address.activityId, attachments: [CardFactory.adaptiveCard(card)] });
    });
  }

  /** A shown secret: replace the message it lives in (`activityId`) once its time is up. */
  private scheduleHide(context: TurnContext, ctx: RequestContext, hide: NonNullable<FollowUps['hide']>, mode: ActionMode, activityId: string): void {
    const update = laterUpdater(context); // the turn's context is revoked once the turn ends
    // The local console's conversations live in this process only: its hides stay here (no address).
    const asker: { -readonly [K in keyof RequestContext]?: RequestContext[K] } = { ...ctx };
    delete asker.correlationId; // each hide is a request of its own
    const address: HideAddress | undefined = isLocalConsoleTurn(context)
      ? undefined
      : { reference: TurnContext.getConversationReference(context.activity), activityId, mode, ctx: asker as Omit<RequestContext, 'correlationId'> };
    this.autoHide.schedule(hide.ref, hide.afterMs, {
      press: () => dispatchPress(this.deps.service, this.deps.logger, { ...ctx, correlationId: newCorrelationId() }, autoHidePress(hide.ref)),
      replace: (hidden) => update(activityId, this.card(hidden, mode, ctx)),
    }, address);
  }

  /** A hide another replica scheduled (or this one, before a restart): the viewer's own answer, put in place through a proactive turn. */
  private revivedHide(ref: string, address: HideAddress): PendingHide | undefined {
    const replicas = this.deps.replicas;
    if (!replicas || !isBotAddress(address)) return undefined;
    const ctx: RequestContext = { ...address.ctx, correlationId: newCorrelationId() };
    return {
      press: () => dispatchPress(this.deps.service, this.deps.logger, ctx, autoHidePress(ref)),
      replace: (hidden) => replicas.continueConversation(address.reference, async (tc) => {
        await tc.updateActivity({ type: 'message', id: address.activityId, attachments: [CardFactory.adaptiveCard(this.card(hidden, address.mode, ctx))] });
      }),
    };
  }
}

/**
 * A message this surface sent (a Bot Framework conversation reference), not another surface's: each surface
 * lists only its own stored hides and ticket messages, but those the release before stored alike for every
 * surface are looked at by all (auto-hide.ts, ticket-watch.ts).
 */
function isBotAddress(address: unknown): address is HideAddress {
  const a = address as Partial<HideAddress> | null;
  return typeof a === 'object' && a !== null && typeof a.reference === 'object' && a.reference !== null && typeof a.activityId === 'string' && typeof a.ctx === 'object';
}

/** How the answer reaches the asker: a new message, or the invoke's answer in place of the clicked card. */
type Reply = { readonly by: 'message'; readonly mode: ActionMode } | { readonly by: 'invoke' };

/** The asker's card and the message it is in (when known); answeredElsewhere: the pressed card was drawn again, or the console's copies show the decision, and nothing follows. */
interface Sent {
  readonly card: AdaptiveCardJson;
  readonly activityId: string | undefined;
  readonly answeredElsewhere: boolean;
}
