// Approval requests in Teams. An agent's request card is sent where they asked; with
// APPROVALS_TEAMS_CONVERSATION it is also sent, through the turn's connector client (sendToConversation),
// to the supervisors' conversation. Every copy sent is remembered, so that a decision pressed on any of
// them updates them all for everyone; the requester's client then refreshes its own view
// (refresh.userIds), which alone shows the PIN.
//
// Across replicas: with the store's pending work, each copy is kept there, grouped by the approval id under
// Teams' name (Slack keeps its own messages of the same request: approval-requests.ts), as where its
// message is (conversation reference, activity id, card mode: never a PIN, the card is drawn again from
// the decision). The replica that records the decision finds them all, whoever posted them,
// and updates each once: it leases the copy (a unique-key insert) and removes it when done (a checked
// delete). Without a store, or when the store fails, and for the local console's turns (its conversations
// live in this one process, on localhost) the copies stay in this process's memory (bounded).
import { CardFactory, TurnContext, type Activity, type ConversationAccount, type ConversationReference } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import type { PendingWork, PendingWorkRepository } from '../../ports/pending-work.port';
import type { ApprovalView } from '../../service/kernel';
import type { ActionMode, AdaptiveCardJson } from '../cards/render-card';
import { approvalCopiesGroup, approvalCopiesGroupBeforeSurfaces, RequestCopies } from '../core/approval-requests';
import { inGroups } from '../core/stored-work';
import { isLocalConsoleTurn } from './identity';
import { laterUpdater } from './later-update';

interface Copy {
  readonly conversationId: string;
  readonly activityId: string;
  readonly mode: ActionMode;
  readonly update: (card: AdaptiveCardJson) => Promise<void>;
}

/** Where a copy is: what any replica needs to update it. */
export interface CopyAddress {
  readonly reference: Partial<ConversationReference>;
  readonly activityId: string;
  readonly mode: ActionMode;
}

/** The store's side: where copies are kept, and how any replica updates one from its address (a proactive turn). */
export interface StoredCopies {
  readonly work: PendingWorkRepository;
  readonly clock: Clock;
  readonly update: (address: CopyAddress, card: AdaptiveCardJson) => Promise<void>;
}

/** A copy being updated holds its lease this long. */
const COPY_LEASE_MS = 30_000;
/** A copy is kept this long past its request's expiry (a decision comes before it). */
const COPY_KEPT_MS = 60 * 60_000;

const group = (approvalId: string) => approvalCopiesGroup('teams', approvalId);
// A channel's conversation id may carry the thread (";messageid=…"): compare the conversation itself.
const base = (id: string) => id.split(';')[0];

export class ApprovalCopies {
  private readonly copies = new RequestCopies<Copy>();

  constructor(private readonly logger: Logger, private readonly supervisorsConversation?: string, private readonly stored?: StoredCopies) {}

  /** After the request card was sent in this turn (as `activityId`): remember it, and copy it to the supervisors. */
  async sent(context: TurnContext, view: ApprovalView, sent: { activityId: string | undefined; mode: ActionMode }, render: (mode: ActionMode) => AdaptiveCardJson): Promise<void> {
    const here = context.activity.conversation?.id ?? '';
    const reference = TurnContext.getConversationReference(context.activity);
    const activityId = sent.activityId;
    if (activityId) {
      const update = laterUpdater(context);
      const copy = { conversationId: here, activityId, mode: sent.mode, update: (c: AdaptiveCardJson) => update(activityId, c) };
      await this.remember(context, view, copy, { reference, activityId, mode: sent.mode });
    }
    const target = this.supervisorsConversation;
    const connector = context.turnState.get<ConnectorClient | undefined>(context.adapter.ConnectorClientKey);
    if (!target || target === here || !connector) return;
    try {
      const activity = {
        type: 'message', attachments: [CardFactory.adaptiveCard(render('execute'))],
        from: reference.bot, conversation: { id: target }, channelId: reference.channelId, serviceUrl: reference.serviceUrl,
      } as Partial<Activity> as Activity;
      const res = await connector.conversations.sendToConversation(target, activity);
      if (!res.id) return;
      const id = res.id;
      await this.remember(context, view, {
        conversationId: target, activityId: id, mode: 'execute',
        update: async (c) => {
          await connector.conversations.updateActivity(target, id, { ...activity, id, attachments: [CardFactory.adaptiveCard(c)] });
        },
      }, { reference: { ...reference, conversation: { id: target } as ConversationAccount }, activityId: id, mode: 'execute' });
    } catch (err) {
      this.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, surface: 'teams' }, 'approval request not sent to the supervisors\' conversation');
    }
  }

  /**
   * A decision: every copy but the pressed one (which the invoke's own update replaces) shows the final state;
   * none pressed here when the decision was taken on another surface.
   */
  async decided(view: ApprovalView, pressed: { conversationId: string; activityId: string | undefined } | undefined, render: (mode: ActionMode) => AdaptiveCardJson): Promise<void> {
    const isPressed = (conversationId: string | undefined, activityId: string) =>
      pressed !== undefined && base(conversationId ?? '') === base(pressed.conversationId) && activityId === pressed.activityId;
    for (const copy of this.copies.take(view.approvalId)) {
      if (isPressed(copy.conversationId, copy.activityId)) continue;
      await copy.update(render(copy.mode)).catch((err: unknown) => this.failed(err));
    }
    const store = this.stored;
    if (!store) return;
    try {
      const now = store.clock.now();
      for (const work of await this.storedCopies(view.approvalId, store, now)) {
        const address = copyAddressOf(work);
        if (!address) continue; // another surface's, stored by the release before under the same group
        if (isPressed(address.reference.conversation?.id, address.activityId)) {
          await store.work.remove(work.key);
          continue;
        }
        if (!(await store.work.lease(work.key, now, new Date(now.getTime() + COPY_LEASE_MS)))) continue; // another replica updates it
        // Not updated: its lease expires and the copy is forgotten with its request (the pressed card and the requester's view show the decision).
        await store.update(address, render(address.mode)).then(() => store.work.remove(work.key), (err: unknown) => this.failed(err));
      }
    } catch (err) {
      this.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, surface: 'teams' }, 'could not look up the copies of the approval card');
    }
  }

  /** In the store where any replica finds it; in this process when there is no store, it fails, or the turn is the local console's. */
  private async remember(context: TurnContext, view: ApprovalView, copy: Copy, address: CopyAddress): Promise<void> {
    const store = this.stored;
    if (store && !isLocalConsoleTurn(context)) {
      const now = store.clock.now();
      const expiresAt = new Date(Math.max(Date.parse(view.expiresAt) || now.getTime(), now.getTime()) + COPY_KEPT_MS);
      const key = `${group(view.approvalId)}:${base(copy.conversationId)}:${copy.activityId}`;
      try {
        await store.work.add({ key, group: group(view.approvalId), payload: JSON.stringify(address), expiresAt }, now);
        return;
      } catch (err) {
        this.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, surface: 'teams' }, 'a copy of the approval card is kept in this process only');
      }
    }
    this.copies.add(view.approvalId, copy);
  }

  /** The request's copies in the store: Teams' own, and those the release before kept for every surface alike. */
  private async storedCopies(approvalId: string, store: StoredCopies, now: Date): Promise<PendingWork[]> {
    return inGroups(store.work, [group(approvalId), approvalCopiesGroupBeforeSurfaces(approvalId)], now);
  }

  private failed(err: unknown): void {
    this.logger.error({ err: { message: err instanceof Error ? err.message : String(err) }, surface: 'teams' }, 'could not update a copy of the approval card');
  }
}

/** Where a stored copy is, when it is a Teams card (a conversation reference and an activity id); else undefined. */
function copyAddressOf(work: PendingWork): CopyAddress | undefined {
  const address = JSON.parse(work.payload) as Partial<CopyAddress> | null;
  const teams = typeof address === 'object' && address !== null && typeof address.reference === 'object' && address.reference !== null && typeof address.activityId === 'string';
  return teams ? (address as CopyAddress) : undefined;
}
