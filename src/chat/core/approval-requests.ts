// What Teams and Slack share about approval requests: which view is a request just opened (posted where
// supervisors see it), and the copies of each request posted so far, by approval id, so that a decision on
// one updates them all. Bounded: the oldest request is forgotten first. In memory: what a surface keeps when
// it has no store (the local console always); with one, Teams and Slack keep the copies in the store's
// pending work instead, for any replica (approval-copies.ts, approval-messages.ts).
import { VERBS } from '../../domain/verbs';
import type { ApprovalView, View } from '../../service/kernel';

/** The answer that opened (or reopened) a request, carrying the deciders' card for the copies. */
export type OpenRequestView = ApprovalView & { readonly forDeciders: ApprovalView };

export function isOpenRequest(view: View): view is OpenRequestView {
  return view.kind === 'approval' && view.status === 'pending' && view.forDeciders !== undefined;
}

/**
 * A decided request's card once the surface gives the requester their own view by itself (Teams' refresh,
 * Slack's ephemeral message, the console's new message): the "Show the PIN (requester only)" fallback is
 * spent, so no copy keeps it.
 */
export function withoutShowFallback(view: ApprovalView): ApprovalView {
  return { ...view, actions: view.actions.filter((a) => a.verb !== VERBS.approvalShow) };
}

export class RequestCopies<T> {
  private readonly byId = new Map<string, T[]>();

  constructor(private readonly max = 1000) {}

  /** Remembers a copy (not again when `same` finds it already); the request becomes the newest. */
  add(approvalId: string, copy: T, same?: (a: T, b: T) => boolean): void {
    const list = this.byId.get(approvalId) ?? [];
    if (!same || !list.some((c) => same(c, copy))) list.push(copy);
    this.byId.delete(approvalId); // re-inserted last: the oldest request is dropped first
    this.byId.set(approvalId, list);
    while (this.byId.size > this.max) this.byId.delete(this.byId.keys().next().value as string);
  }

  /** Every copy of the request, forgotten from here on (a decided request changes no more). */
  take(approvalId: string): T[] {
    const list = this.byId.get(approvalId) ?? [];
    this.byId.delete(approvalId);
    return list;
  }
}
