// Alerts to the supervisors in the local console (DESIGN: "in local mode every supervisor's console receives
// approval requests and alerts"): the console is one more place the dispatcher posts to, beside Teams and
// Slack, so a trial with no credentials sees them too. Each console conversation is one page acting as one
// login, alone with the bot: one whose user the service says receives alerts (a supervisor) gets the card as
// a proactive message, the others nothing (the shared-conversation rule holds: a press on the card is
// answered as the presser, role re-checked). The console's conversations live only while a page polls, so
// the alerts of the last hour are kept here (in memory, bounded) and a supervisor's page opened later gets
// them once, at its first turn, rather than never.
import { CardFactory, MessageFactory, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../../ports/logger.port';
import type { AlertSink } from '../../service/desk';
import type { AlertView } from '../../service/kernel';
import type { AdaptiveCardJson } from '../cards/render-card';
import { isLocalConsoleTurn } from '../teams/identity';
import { continueAs, type Roster } from './console-roster';

/** How long, and how many, alerts wait for a supervisor's console opened after them. */
const KEPT_MS = 60 * 60_000;
const KEPT = 20;
/** Conversations remembered as handed their alerts (far more than the console bridge keeps open). */
const CONVERSATIONS = 1000;

export interface ConsoleAlertHooks {
  /** The console's card for an alert. */
  card(view: AlertView): AdaptiveCardJson;
  /** Whether the user of this (continued) turn is sent alerts (a supervisor). */
  receives(context: TurnContext): Promise<boolean>;
}

interface Kept {
  /** Increasing: each conversation remembers the last one it was handed. */
  readonly id: number;
  readonly view: AlertView;
  readonly until: number;
}

export class ConsoleAlerts implements AlertSink {
  readonly name = 'local';
  private roster: Roster | undefined;
  private kept: Kept[] = [];
  private lastId = 0;
  /** Per conversation, the last alert it was sent or judged not to receive. */
  private readonly handled = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly hooks: ConsoleAlertHooks,
    private readonly now: () => number = Date.now,
  ) {}

  /** The local console, once created: its live conversations, and every turn there catches up on alerts. */
  attach(roster: Roster): void {
    this.roster = roster;
    roster.adapter.use(this.catchUp);
  }

  async post(alert: AlertView): Promise<void> {
    const roster = this.roster;
    if (!roster) return;
    this.kept = [...this.current(), { id: ++this.lastId, view: alert, until: this.now() + KEPT_MS }].slice(-KEPT);
    for (const member of roster.members()) {
      await continueAs(roster, member, (context) => this.deliver(context))
        .catch((err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : String(err), surface: 'local' }, 'alert not sent to a supervisor\'s console'));
    }
  }

  /** After each turn a console user started (their page's join event first): the alerts they have not had. */
  private readonly catchUp: Middleware = {
    onTurn: async (context: TurnContext, next: () => Promise<void>) => {
      await next();
      if (!isLocalConsoleTurn(context) || context.activity.name === 'continueConversation') return;
      await this.deliver(context)
        .catch((err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : String(err), surface: 'local' }, 'alerts not sent to a supervisor\'s console'));
    },
  };

  private async deliver(context: TurnContext): Promise<void> {
    const conversationId = context.activity.conversation.id;
    const due = this.current().filter((k) => k.id > (this.handled.get(conversationId) ?? 0));
    const last = due[due.length - 1];
    if (!last) return;
    // Marked before the role is asked: a turn running meanwhile in the same conversation sends none twice.
    // Newest last; the oldest conversations are forgotten past a bound (their pages are long closed).
    this.handled.delete(conversationId);
    this.handled.set(conversationId, last.id);
    for (const id of this.handled.keys()) {
      if (this.handled.size <= CONVERSATIONS) break;
      this.handled.delete(id);
    }
    if (!(await this.hooks.receives(context))) return;
    for (const k of due) await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.hooks.card(k.view))));
  }

  private current(): Kept[] {
    const t = this.now();
    return this.kept.filter((k) => k.until > t);
  }
}
