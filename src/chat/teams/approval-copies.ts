// Approval requests in Teams. An agent's request card is sent where they asked; with
// APPROVALS_TEAMS_CONVERSATION it is also sent, through the turn's connector client (sendToConversation),
// to the supervisors' conversation. Every copy sent is remembered (in memory, bounded), so that a decision
// pressed on any of them updates them all for everyone; the requester's client then refreshes its own
// view (refresh.userIds), which alone shows the PIN.
import { CardFactory, TurnContext, type Activity } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { Logger } from '../../ports/logger.port';
import type { ApprovalView } from '../../service/kernel';
import type { ActionMode, AdaptiveCardJson } from '../cards/render-card';
import { RequestCopies } from '../core/approval-requests';
import { laterUpdater } from './later-update';

interface Copy {
  readonly conversationId: string;
  readonly activityId: string;
  readonly mode: ActionMode;
  readonly update: (card: AdaptiveCardJson) => Promise<void>;
}

export class ApprovalCopies {
  private readonly copies = new RequestCopies<Copy>();

  constructor(private readonly logger: Logger, private readonly supervisorsConversation?: string) {}

  /** After the request card was sent in this turn (as `activityId`): remember it, and copy it to the supervisors. */
  async sent(context: TurnContext, view: ApprovalView, sent: { activityId: string | undefined; mode: ActionMode }, render: (mode: ActionMode) => AdaptiveCardJson): Promise<void> {
    const here = context.activity.conversation?.id ?? '';
    const activityId = sent.activityId;
    if (activityId) {
      const update = laterUpdater(context);
      this.copies.add(view.approvalId, { conversationId: here, activityId, mode: sent.mode, update: (c) => update(activityId, c) });
    }
    const target = this.supervisorsConversation;
    const connector = context.turnState.get<ConnectorClient | undefined>(context.adapter.ConnectorClientKey);
    if (!target || target === here || !connector) return;
    try {
      const reference = TurnContext.getConversationReference(context.activity);
      const activity = {
        type: 'message', attachments: [CardFactory.adaptiveCard(render('execute'))],
        from: reference.bot, conversation: { id: target }, channelId: reference.channelId, serviceUrl: reference.serviceUrl,
      } as Partial<Activity> as Activity;
      const res = await connector.conversations.sendToConversation(target, activity);
      if (!res.id) return;
      const id = res.id;
      this.copies.add(view.approvalId, {
        conversationId: target, activityId: id, mode: 'execute',
        update: async (c) => {
          await connector.conversations.updateActivity(target, id, { ...activity, id, attachments: [CardFactory.adaptiveCard(c)] });
        },
      });
    } catch (err) {
      this.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, surface: 'teams' }, 'approval request not sent to the supervisors\' conversation');
    }
  }

  /** A decision: every copy but the pressed one (which the invoke's own update replaces) shows the final state. */
  async decided(view: ApprovalView, pressed: { conversationId: string; activityId: string | undefined }, render: (mode: ActionMode) => AdaptiveCardJson): Promise<void> {
    const copies = this.copies.take(view.approvalId);
    // A channel's conversation id may carry the thread (";messageid=…"): compare the conversation itself.
    const base = (id: string) => id.split(';')[0];
    for (const copy of copies) {
      if (base(copy.conversationId) === base(pressed.conversationId) && copy.activityId === pressed.activityId) continue;
      await copy.update(render(copy.mode)).catch((err: unknown) =>
        this.logger.error({ err: { message: err instanceof Error ? err.message : String(err) }, surface: 'teams' }, 'could not update a copy of the approval card'));
    }
  }
}
