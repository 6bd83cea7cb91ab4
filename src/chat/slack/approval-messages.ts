// Where each approval request was posted in Slack. A leaf of its own, so that the listeners' shared deps
// (slack-context.ts) hold it without importing approval-delivery.ts, which imports slack-context.
import { RequestCopies } from '../core/approval-requests';

/** Where each request's messages are (approvalId → channel + ts), so that a decision updates every copy. */
export class ApprovalMessages {
  private readonly copies = new RequestCopies<{ channel: string; ts: string; asked: boolean }>();

  /** `asked`: the copy in the channel the requester asked in (where their PIN goes). */
  add(approvalId: string, channel: string, ts: string, asked: boolean): void {
    this.copies.add(approvalId, { channel, ts, asked }, (a, b) => a.channel === b.channel && a.ts === b.ts);
  }

  /** Every copy, the pressed one included (none when pressed on a private list); forgets them (a decided request changes no more). */
  take(approvalId: string, pressed: { channel: string; ts: string } | undefined): { copies: { channel: string; ts: string }[]; askedIn?: string } {
    const list = this.copies.take(approvalId);
    const askedIn = list.find((m) => m.asked)?.channel;
    const others = list.filter((m) => !(m.channel === pressed?.channel && m.ts === pressed?.ts)).map(({ channel, ts }) => ({ channel, ts }));
    return { copies: [...(pressed ? [pressed] : []), ...others], ...(askedIn ? { askedIn } : {}) };
  }
}
