// What a surface does after it sent the service's answer, read once from the answer (and the press that
// asked for it), so that every surface and every entry point of a surface (typed command, mention, button
// press, invoke) decides alike. The surfaces only carry the list out, each its own way: how a message is
// updated later, where supervisors see a request.
import { VERBS } from '../../domain/verbs';
import type { ApprovalView, View } from '../../service/kernel';
import { isOpenRequest, type OpenRequestView } from './approval-requests';

export interface FollowUps {
  /** A one-time secret is shown: the message showing it hides itself after `afterMs` (auto-hide.ts). */
  readonly hide?: { readonly ref: string; readonly afterMs: number };
  /** Hide was pressed and answered: the pending automatic hide of this secret is no longer needed. */
  readonly hidden?: string;
  /** "Ticket to follow": the message is updated once the background retry created the ticket (ticket-watch.ts). */
  readonly ticket?: string;
  /** A request just opened (or reopened): it is also posted where the deciders see it. */
  readonly request?: OpenRequestView;
  /** Approve / Deny answered: every copy of the request shows the decision. */
  readonly decision?: ApprovalView;
}

/** The press as it arrived (card data / Slack button value): only its verb and `ref` matter here. */
type Pressed = { readonly verb?: unknown; readonly ref?: unknown } | undefined;

export function followUpsOf(view: View, pressed?: unknown): FollowUps {
  const press = typeof pressed === 'object' && pressed !== null ? (pressed as Pressed) : undefined;
  const shown = (view.kind === 'result' || view.kind === 'approval') && view.secret ? view.secret : undefined;
  const hidden = press?.verb === VERBS.secretHide && typeof press.ref === 'string' && view.kind === 'result' ? press.ref : undefined;
  // A view holding a secret is its asker's alone: never a decision copied onto other messages or surfaces.
  const decided = (press?.verb === VERBS.approvalApprove || press?.verb === VERBS.approvalDeny) && view.kind === 'approval' && !view.secret;
  return {
    ...(shown ? { hide: { ref: shown.ref, afterMs: shown.hideAfterMs } } : {}),
    ...(hidden ? { hidden } : {}),
    ...(view.kind === 'escalation' && view.outcome === 'pending' ? { ticket: view.ref } : {}),
    ...(isOpenRequest(view) ? { request: view } : {}),
    ...(decided ? { decision: view } : {}),
  };
}

/** The press that asks the service for the card replacing a shown secret once its time is up. */
export function autoHidePress(ref: string): { verb: string; ref: string; auto: 'yes' } {
  return { verb: VERBS.secretHide, ref, auto: 'yes' };
}

/** The press that asks the service for the ticket of an escalation, once it exists. */
export function ticketPress(ref: string): { verb: string; ref: string } {
  return { verb: VERBS.ticketShow, ref };
}
