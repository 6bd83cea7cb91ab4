// What Teams and Slack share about approval requests: which view is a request just opened (posted where
// supervisors see it), and the copies of each request posted so far, by approval id, so that a decision on
// one updates them all. Bounded: the oldest request is forgotten first. In memory: what a surface keeps when
// it has no store (the local console always); with one, Teams and Slack keep the copies in the store's
// pending work instead, for any replica (approval-copies.ts, approval-messages.ts), each surface under its
// own group. A request may have copies on both surfaces (the same agent asked in Teams and in Slack: the
// request is reopened): a decision taken on one surface is passed to the others of the process
// (ApprovalDecisions), each updating only its own copies, with its own client.
import { VERBS } from '../../domain/verbs';
import type { Logger } from '../../ports/logger.port';
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

/** The group of a request's copies a surface keeps in the store's pending work ('teams:approval:<id>'): only that surface takes them. */
export const approvalCopiesGroup = (surface: string, approvalId: string) => `${surface}:approval:${approvalId}`;
/**
 * The release before grouped every surface's copies alike (`approval:<id>`): still looked up, each surface
 * taking only the copies it can read as its own, while a request that release opened can still be decided:
 * for APPROVAL_TTL_MINUTES (at most 24 h) after its last replica stopped. Drop it in the release after.
 */
export const approvalCopiesGroupBeforeSurfaces = (approvalId: string) => `approval:${approvalId}`;

/**
 * The chat surfaces of this process, for a decision taken on one of them: every other surface shows it on
 * its own copies of the request (in the store: every replica runs the same surfaces, so the replica that
 * records a decision reaches every surface's copies).
 */
export class ApprovalDecisions {
  private readonly surfaces = new Map<string, (decision: ApprovalView) => Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** `updateCopies`: shows a decision taken elsewhere on every copy of the request this surface keeps. */
  join(surface: string, updateCopies: (decision: ApprovalView) => Promise<void>): void {
    this.surfaces.set(surface, updateCopies);
  }

  /** A decision taken on `surface`, which updates its own copies: the other surfaces update theirs. */
  async decidedOn(surface: string, decision: ApprovalView): Promise<void> {
    for (const [other, updateCopies] of this.surfaces) {
      if (other === surface) continue;
      await updateCopies(decision).catch((err: unknown) =>
        this.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, surface: other }, 'could not show a decision on the approval request\'s copies'));
    }
  }
}
