// Where each approval request was posted in Slack. A leaf of its own, so that the listeners' shared deps
// (slack-context.ts) hold it without importing approval-delivery.ts, which imports slack-context.
//
// Across replicas: with the store's pending work, each message (channel + ts: never a PIN) is kept there,
// grouped by the approval id under Slack's name (Teams keeps its own cards of the same request:
// approval-requests.ts), so that a decision recorded by any replica updates the messages another
// posted. Each is taken once: by the replica whose delete of it counts (the bot token updates any message,
// from any replica). Without a store, or when it fails, the messages stay in this process (bounded).
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import type { PendingWork, PendingWorkRepository } from '../../ports/pending-work.port';
import { approvalCopiesGroup, approvalCopiesGroupBeforeSurfaces, RequestCopies } from '../core/approval-requests';
import { inGroups } from '../core/stored-work';

interface Posted {
  readonly channel: string;
  readonly ts: string;
  readonly asked: boolean;
}

/** A message is kept this long (requests are decided or expire well before). */
const MESSAGE_KEPT_MS = 7 * 24 * 3600_000;

const group = (approvalId: string) => approvalCopiesGroup('slack', approvalId);

/** Where each request's messages are (approvalId → channel + ts), so that a decision updates every copy. */
export class ApprovalMessages {
  private readonly copies = new RequestCopies<Posted>();

  constructor(private readonly logger?: Logger, private readonly stored?: { readonly work: PendingWorkRepository; readonly clock: Clock }) {}

  /** `asked`: the copy in the channel the requester asked in (where their PIN goes). */
  async add(approvalId: string, channel: string, ts: string, asked: boolean): Promise<void> {
    const store = this.stored;
    if (store) {
      const now = store.clock.now();
      const work = { key: `${group(approvalId)}:${channel}:${ts}`, group: group(approvalId), payload: JSON.stringify({ channel, ts, asked }), expiresAt: new Date(now.getTime() + MESSAGE_KEPT_MS) };
      try {
        await store.work.add(work, now);
        return;
      } catch (err) {
        this.logger?.warn({ surface: 'slack', err: { message: err instanceof Error ? err.message : String(err) } }, 'an approval request\'s message is kept in this process only');
      }
    }
    this.copies.add(approvalId, { channel, ts, asked }, (a, b) => a.channel === b.channel && a.ts === b.ts);
  }

  /** Every copy, the pressed one included (none when pressed on a private list); forgets them (a decided request changes no more). */
  async take(approvalId: string, pressed: { channel: string; ts: string } | undefined): Promise<{ copies: { channel: string; ts: string }[]; askedIn?: string }> {
    const list = [...this.copies.take(approvalId), ...(await this.takeStored(approvalId))];
    const askedIn = list.find((m) => m.asked)?.channel;
    const others = list.filter((m) => !(m.channel === pressed?.channel && m.ts === pressed?.ts)).map(({ channel, ts }) => ({ channel, ts }));
    return { copies: [...(pressed ? [pressed] : []), ...others], ...(askedIn ? { askedIn } : {}) };
  }

  /** The request's messages in the store that this replica's delete removed: no other replica updates them. */
  private async takeStored(approvalId: string): Promise<Posted[]> {
    const store = this.stored;
    if (!store) return [];
    const taken: Posted[] = [];
    try {
      const now = store.clock.now();
      // Slack's own, and those the release before kept for every surface alike: of these, only Slack's messages.
      for (const work of await inGroups(store.work, [group(approvalId), approvalCopiesGroupBeforeSurfaces(approvalId)], now)) {
        const posted = postedOf(work);
        if (posted && (await store.work.remove(work.key))) taken.push(posted);
      }
    } catch (err) {
      this.logger?.warn({ surface: 'slack', err: { message: err instanceof Error ? err.message : String(err) } }, 'could not look up the approval request\'s messages');
    }
    return taken;
  }
}

/** The message a stored copy names, when it is a Slack message (channel + ts); else undefined (a Teams card). */
function postedOf(work: PendingWork): Posted | undefined {
  const posted = JSON.parse(work.payload) as Partial<Posted> | null;
  const slack = typeof posted === 'object' && posted !== null && typeof posted.channel === 'string' && typeof posted.ts === 'string';
  return slack ? { channel: posted.channel, ts: posted.ts, asked: posted.asked === true } : undefined;
}
