// Approval requests (an agent's `pin view` or `tap view`): who asked, for whom, and the one decision. The first decision
// wins atomically; a decided, expired or already-shown request cannot change again.
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

/** What an approval lets the requester see once: a helpdesk PIN or an Entra Temporary Access Pass. */
export type ApprovalKind = 'pin.view' | 'tap.view';

export interface Approval {
  readonly id: string;
  readonly kind: ApprovalKind;
  /** The requester's login and the chat account they asked from (who alone may see the PIN). */
  readonly requester: string;
  readonly requesterChatUserId: string;
  readonly requesterName: string;
  readonly target: string;
  readonly targetName: string;
  /** 'expired' is computed from expiresAt when read. */
  readonly status: ApprovalStatus;
  readonly decidedBy?: string;
  readonly decidedByName?: string;
  readonly decidedAt?: Date;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** When the approved PIN was shown to the requester (once). */
  readonly shownAt?: Date;
}

export type Decision = { readonly ok: true; readonly approval: Approval } | { readonly ok: false; readonly approval: Approval | undefined };

export interface ApprovalRepository {
  create(approval: Approval): Promise<void>;
  find(id: string, now: Date): Promise<Approval | undefined>;
  /** An open request of this kind, requester and target (asking again does not open a second one). */
  findPending(kind: ApprovalKind, requester: string, target: string, now: Date): Promise<Approval | undefined>;
  /** pending → approved|denied, only if still pending and unexpired at `now`: one decision wins. */
  decide(id: string, status: 'approved' | 'denied', by: string, byName: string, now: Date): Promise<Decision>;
  /** Open requests (pending, unexpired at `now`), newest first, at most `limit`: a supervisor's `approvals`. */
  listPending(now: Date, limit: number): Promise<Approval[]>;
  /** Marks an approved request's secret as shown; true only for the first call. */
  markShown(id: string, now: Date): Promise<boolean>;
}
