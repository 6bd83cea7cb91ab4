// Approval requests in the local console (DESIGN: "in local mode every supervisor's console receives
// approval requests"). Each console conversation is one page acting as one self-asserted login; the Direct
// Line bridge knows whom (the `from` of what the page sent, its join event first). An agent's request card
// stays in their own conversation (their view: no Approve / Deny) and the deciders' card is sent to every
// live console conversation whose user the service says decides requests (a supervisor). Every copy is
// remembered (in memory, bounded: the console is one process on localhost, its conversations live nowhere
// else, so unlike Teams' and Slack's copies these need not wait in the store for another replica), so that
// a decision replaces them all, the pressed card included, with the decided state (who, when; no Approve /
// Deny); on approval the requester gets their own view (the PIN, once, hidden in time) as a new message in
// the conversation they asked in, so no copy keeps the "Show the PIN" fallback.
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { Logger } from '../../ports/logger.port';
import type { ApprovalView, View } from '../../service/kernel';
import type { AdaptiveCardJson } from '../cards/render-card';
import { RequestCopies, withoutShowFallback, type OpenRequestView } from '../core/approval-requests';
import { isLocalConsoleTurn } from '../teams/identity';
import { continueAs, type ConsoleMember, type Roster } from './console-roster';

export interface ConsoleApprovalHooks {
  /** The console's card for a view. */
  card(view: View): AdaptiveCardJson;
  /** Whether the user of this (continued) turn is sent requests to decide. */
  decides(context: TurnContext): Promise<boolean>;
  /** The requester's own view, run and sent as a new message in this (continued) turn; returns it. */
  deliverOwn(context: TurnContext, approvalId: string): Promise<View>;
}

interface Copy extends ConsoleMember {
  readonly activityId: string;
  /** The copy in the conversation the request was asked in. */
  readonly asked: boolean;
}

export class ConsoleApprovals {
  private readonly copies = new RequestCopies<Copy>();
  private roster: Roster | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly hooks: ConsoleApprovalHooks,
  ) {}

  /** The local console, once created: its adapter, the bot's account there, and its live conversations. */
  attach(roster: Roster): void {
    this.roster = roster;
  }

  /** A request was just opened in a console turn (its card is `activityId`): copy it to every supervisor's console. */
  async sent(context: TurnContext, view: OpenRequestView, activityId: string | undefined): Promise<void> {
    if (!this.roster || !isLocalConsoleTurn(context)) return;
    const here = context.activity.conversation.id;
    const from = context.activity.from;
    if (activityId) this.copies.add(view.approvalId, { conversationId: here, user: { id: from.id, name: from.name }, activityId, asked: true });
    const card = MessageFactory.attachment(CardFactory.adaptiveCard(this.hooks.card(view.forDeciders)));
    for (const member of this.roster.members()) {
      if (member.conversationId === here) continue;
      await this.continue(member, async (tc) => {
        if (!(await this.hooks.decides(tc))) return;
        const sent = await tc.sendActivity(card);
        if (sent?.id) this.copies.add(view.approvalId, { ...member, activityId: sent.id, asked: false });
      }).catch((err: unknown) => this.logger.warn({ err: message(err), surface: 'local' }, 'approval request not sent to a supervisor\'s console'));
    }
  }

  /**
   * A decision pressed in a console turn on the message `pressedId` (a copy, or the `approvals` list): every
   * copy and the pressed message show the decided state; on approval the requester gets their own view.
   * True when the pressed message was replaced, so the answer needs no new message.
   */
  async decided(context: TurnContext, view: ApprovalView, pressedId: string | undefined): Promise<boolean> {
    if (!this.roster || !isLocalConsoleTurn(context)) return false;
    const copies = this.copies.take(view.approvalId);
    const asked = copies.find((c) => c.asked);
    let delivered = false;
    if (view.status === 'approved' && asked) {
      await this.continue(asked, async (tc) => {
        const own = await this.hooks.deliverOwn(tc, view.approvalId);
        delivered = own.kind === 'approval' && own.secret !== undefined;
      }).catch((err: unknown) => this.logger.error({ err: message(err), surface: 'local' }, 'could not give the requester their approved view'));
    }
    const here = context.activity.conversation.id;
    const from = context.activity.from;
    const pressed = pressedId && !copies.some((c) => c.conversationId === here && c.activityId === pressedId)
      ? [{ conversationId: here, user: { id: from.id, name: from.name }, activityId: pressedId, asked: false }]
      : [];
    const card = CardFactory.adaptiveCard(this.hooks.card(delivered ? withoutShowFallback(view) : view));
    let replacedPressed = false;
    for (const copy of [...copies, ...pressed]) {
      await this.continue(copy, async (tc) => {
        await tc.updateActivity({ type: 'message', id: copy.activityId, attachments: [card] });
        if (copy.conversationId === here && copy.activityId === pressedId) replacedPressed = true;
      }).catch((err: unknown) => this.logger.error({ err: message(err), surface: 'local' }, 'could not update a copy of the approval card'));
    }
    return replacedPressed;
  }

  /** A turn in `member`'s conversation, as its user. */
  private async continue(member: ConsoleMember, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    if (this.roster) await continueAs(this.roster, member, logic);
  }
}

function message(err: unknown): { message: string } {
  return { message: err instanceof Error ? err.message : String(err) };
}
