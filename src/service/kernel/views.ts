// Views: what the service answers, as plain data. Chat surfaces render them (Adaptive Cards for Teams and
// the local console, Block Kit for Slack) and never add rules of their own. A view never holds a secret
// that its viewer may not see.
import type { ErrorCode, ErrorParams } from '../../domain/errors';
import type { DirectorySource } from '../../domain/directory-user';
import type { Role } from '../../domain/roles';
import type { Verb } from '../../domain/verbs';

/** A button: a verb and ids. `style` hints the renderer (destructive = red / Slack 'danger'). */
export interface ActionButton {
  readonly verb: Verb;
  readonly label: string;
  readonly data: Readonly<Record<string, string>>;
  readonly style?: 'default' | 'positive' | 'destructive';
}

export interface HelpView {
  readonly kind: 'help';
  readonly role: Role;
  /** Empty when the viewer is not helpdesk staff. */
  readonly commands: readonly { readonly usage: string; readonly description: string }[];
}

export interface UserSummaryView {
  readonly login: string; // sAMAccountName: the id buttons carry
  readonly displayName: string;
  readonly userPrincipalName?: string;
  readonly mail?: string;
  readonly department?: string;
  readonly title?: string;
  /** The account's state, so the agent can tell which of several namesakes is on the phone. */
  readonly enabled: boolean;
  readonly locked: boolean;
}

/** What a pick list's buttons lead on to: the user's details, or the confirm step of an action. */
export type PickIntent =
  | 'user.show' | 'account.unlock' | 'portal.unlock' | 'password.reset.view' | 'tap.view' | 'tap.sms' | 'pin.sms' | 'pin.view' | 'password.reset';

export interface PickListView {
  readonly kind: 'pick-list';
  readonly query: string;
  readonly users: readonly UserSummaryView[];
  /** More users matched than are shown: the agent should narrow the query. */
  readonly truncated: boolean;
  readonly source: DirectorySource;
  /** Absent = 'user.show'. */
  readonly intent?: PickIntent;
  /** One button per user, in the same order: the intent's verb and the login, nothing else. */
  readonly actions: readonly ActionButton[];
}

/** Flags a renderer shows as badges. */
export type UserBadge = 'locked' | 'disabled' | 'password-expired' | 'must-change-password' | 'protected' | 'demo';

export interface UserDetailsView {
  readonly kind: 'user-details';
  readonly source: DirectorySource;
  readonly badges: readonly UserBadge[];
  readonly login: string;
  readonly displayName: string;
  readonly account: {
    readonly sAMAccountName: string;
    readonly userPrincipalName?: string;
    readonly enabled: boolean;
    readonly locked: boolean;
    readonly lockedAt?: string; // ISO 8601
    readonly lockoutEndsAt?: string;
    readonly badPwdCount?: number;
    readonly passwordLastSet?: string;
    readonly passwordExpiresAt?: string;
    readonly passwordMustChange: boolean;
    readonly lastLogon?: string;
    readonly accountExpiresAt?: string;
    readonly createdAt?: string;
  };
  readonly organisation: {
    readonly department?: string;
    readonly title?: string;
    readonly company?: string;
    readonly office?: string;
    readonly manager?: string;
  };
  readonly contact: { readonly mail?: string; readonly telephoneNumber?: string; readonly mobile?: string };
  readonly linked: { readonly upnSuffix?: string; readonly proxyAddresses: readonly string[] };
  /** Group names, sorted; renderers summarise long lists (see `groupCount`). */
  readonly groups: readonly string[];
  readonly groupCount: number;
  /** Buttons fitting the viewer's role and the target (none on a protected target or oneself). */
  readonly actions: readonly ActionButton[];
  /** The self-service portal section (src/service/lookup/portal-section.ts). */
  readonly portal?: PortalSectionView;
  /** Vishing indicators (src/domain/vishing-indicators.ts); empty for a quiet user. */
  readonly indicators?: readonly IndicatorView[];
  /** The linked Entra ID account (src/service/lookup/entra-section.ts), when Graph is configured. */
  readonly entra?: EntraSectionView;
  /** When the caller last proved they hold the user's phone (a code read back), within VERIFY_VALID_MINUTES. ISO 8601. */
  readonly callerVerifiedAt?: string;
}

/** Kinds and counts of methods, never their values. */
export type EntraSectionView =
  | { readonly found: false }
  | {
      readonly found: true;
      readonly userPrincipalName: string;
      readonly enabled: boolean;
      readonly origin: 'synced' | 'cloud-only';
      readonly lastSignIn?: string; // ISO 8601
      readonly lastSignInReported: boolean;
      readonly methods: readonly { readonly kind: string; readonly count: number }[];
      readonly directoryRoles: readonly string[];
    };

export interface ConfirmView {
  readonly kind: 'confirm';
  readonly title: string;
  readonly message: string;
  readonly target: { readonly login: string; readonly displayName: string };
  /** What the agent must know before confirming (e.g. the account is disabled). */
  readonly warnings?: readonly string[];
  /**
   * The action would go over a change limit and the viewer is a supervisor: why, and a reason input (sent
   * back as `reason`) for the confirm.override button.
   */
  readonly override?: { readonly text: string; readonly maxReason: number };
  readonly expiresAt: string;
  /** confirm.accept (or confirm.override) and confirm.cancel, all carrying only the token. */
  readonly actions: readonly ActionButton[];
  /**
   * A rarer variant of the action, drawn apart from Confirm with its own words (never one more button
   * beside it): a reset whose password need not be changed at next logon (RESET_ALLOW_KEEP).
   */
  readonly alternative?: { readonly explanation: string; readonly action: ActionButton };
}

export interface ResultView {
  readonly kind: 'result';
  readonly outcome: 'success' | 'failure' | 'cancelled';
  readonly title: string;
  readonly message: string;
  readonly target?: { readonly login: string; readonly displayName: string };
  /** A one-time secret for the viewer only (e.g. a generated password); never logged, never audited. */
  readonly secret?: ShownSecretView;
  readonly actions: readonly ActionButton[];
}

/**
 * A shown secret: the value, and a reference (its "Hide" button carries only that) with when the surface
 * hides it by itself (replacing the message with what the `secret.hide` press answers).
 */
export interface ShownSecretView {
  readonly label: string;
  readonly value: string;
  readonly ref: string;
  readonly hidesAt: string; // ISO 8601
  readonly hideAfterMs: number;
}

/**
 * A request typed in a shared conversation: what everyone sees. Nothing about the user beyond what the
 * agent typed; the details reach each staff member as their own view (Teams: `refresh` for the asker,
 * the invoke answer for whoever presses "Show details").
 */
export interface SharedRequestView {
  readonly kind: 'shared-request';
  /** The command as the agent typed it (normalised). */
  readonly typed: string;
  readonly askedBy: string;
  /** The asker's chat user id (Teams member id): who gets the details automatically. */
  readonly askerChatUserId: string;
  readonly expiresAt: string;
  /** The automatic refresh: the same verb and data as the "Show details" button. */
  readonly refresh: ActionButton;
  /** One request.show button carrying only the request id. */
  readonly actions: readonly ActionButton[];
}

export interface ErrorView {
  readonly kind: 'error';
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly correlationId: string;
}

// ------------------------------------------------------------------------------ the portal's data

/** A vishing indicator: which rule fired, and what it saw, in words. */
export interface IndicatorView {
  readonly rule: string;
  readonly text: string;
}

/** Who a portal-data view is about; `inDirectory` false for events filed under a login AD does not know. */
export interface PortalTargetView {
  readonly login: string;
  readonly displayName: string;
  readonly inDirectory: boolean;
}

export interface PortalSectionView {
  /** The user has a portal account at all (has enrolled or used the portal). */
  readonly hasAccount: boolean;
  readonly enrolled: boolean;
  readonly methods: readonly string[];
  readonly locked: boolean;
  readonly lockedAt?: string;
  readonly failedAttempts: number;
  readonly lastActivity?: { readonly at: string; readonly type: string; readonly outcome: 'success' | 'failure' };
}

export interface PortalEventRow {
  readonly at: string; // ISO 8601
  readonly type: string;
  readonly outcome: 'success' | 'failure';
  readonly ip?: string;
  readonly client?: string;
  readonly detail?: string;
}

export interface AuditEventsView {
  readonly kind: 'audit-events';
  readonly target: PortalTargetView;
  readonly filter: { readonly days?: number; readonly type?: string };
  /** Newest first, one page. */
  readonly events: readonly PortalEventRow[];
  /** This page follows a "More" press. */
  readonly continued: boolean;
  readonly indicators: readonly IndicatorView[];
  /** "More" (carrying the cursor: the last shown event's id) when older events exist. */
  readonly actions: readonly ActionButton[];
}

export interface SyncRow {
  readonly at: string;
  readonly system: string;
  readonly operation?: string;
  readonly status: 'succeeded' | 'failed' | 'pending';
  readonly error?: string;
  readonly detail?: string;
}

export interface SyncTransactionsView {
  readonly kind: 'sync-transactions';
  readonly target: PortalTargetView;
  readonly failedOnly: boolean;
  /** Failures first (newest first), then the others (newest first). */
  readonly transactions: readonly SyncRow[];
  readonly failedCount: number;
  /** More transactions exist than are shown. */
  readonly truncated: boolean;
}

export interface EnrollmentView {
  readonly kind: 'enrollment';
  readonly target: PortalTargetView;
  readonly enrolled: boolean;
  readonly methods: readonly string[];
  /** Each answer only in its masked form. */
  readonly questions: readonly { readonly question: string; readonly maskedAnswer: string }[];
  readonly mask: string;
  readonly changedAt?: string;
}

/**
 * An approval request (an agent's `pin view`): the card everyone in the conversation sees holds only what
 * the agent typed (the login), who asked and the state. The PIN appears only in the requester's own view
 * (`refresh` for their chat user id), once, after a supervisor approved.
 */
export interface ApprovalView {
  readonly kind: 'approval';
  readonly approvalId: string;
  readonly status: 'pending' | 'approved' | 'denied' | 'expired';
  readonly requestedBy: string;
  readonly requesterChatUserId: string;
  /** What the request is for: the command word (`pin` / `tap`) and the secret's name in words. */
  readonly command: 'pin' | 'tap';
  readonly secretName: string;
  /** The login as typed. */
  readonly target: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  /** A sentence for this viewer ("The PIN was shown to you at …", "Waiting for a supervisor"). */
  readonly note: string;
  /** The PIN, in the requester's own view only, once. */
  readonly secret?: ShownSecretView;
  /** The requester's automatic refresh (approval.show). */
  readonly refresh: ActionButton;
  /** Approve / Deny while pending; Hide when the PIN is shown. */
  readonly actions: readonly ActionButton[];
  /**
   * Only on the answer that opens (or reopens) a request: the card everyone but the requester sees, with
   * Approve / Deny, for the copies sent where supervisors read. The view itself is the requester's own
   * (only Refresh) in a private conversation, and this same card where everyone reads the answer.
   */
  readonly forDeciders?: ApprovalView;
}

/** `approvals` (supervisors): the open requests, newest first, each with Approve / Deny. */
export interface ApprovalListView {
  readonly kind: 'approval-list';
  readonly requests: readonly ApprovalView[];
  /** More were open than are shown. */
  readonly truncated: boolean;
}

// ------------------------------------------------------------------------------------ escalations

/** The card that asks for an escalation's reason (an input the surface sends back as `reason`). */
export interface EscalateFormView {
  readonly kind: 'escalate-form';
  readonly target: { readonly login: string; readonly displayName: string };
  /** Whether the user already has an open ticket (the reason then becomes a comment on it). */
  readonly openTicket?: { readonly label: string; readonly url?: string };
  readonly maxReason: number;
  /** ticket.escalate.submit carrying the login; the surface adds the typed reason. */
  readonly actions: readonly ActionButton[];
}

/**
 * An escalation's answer. created / commented: the ticket (with its link); pending: the ticket system did
 * not answer, the escalation is kept and retried (`ref` names it: the surface replaces this message with
 * the `ticket.show` answer once the ticket exists); already: the same reason was filed minutes ago;
 * failed: the ticket system refused it.
 */
export interface EscalationView {
  readonly kind: 'escalation';
  readonly outcome: 'created' | 'commented' | 'pending' | 'already' | 'failed';
  readonly title: string;
  readonly message: string;
  readonly target: { readonly login: string; readonly displayName: string };
  readonly ticket?: { readonly label: string; readonly url?: string };
  readonly ref: string;
  readonly actions: readonly ActionButton[];
}

// ------------------------------------------------------------------------------ caller verification

/** The card that asks for the verification code the caller reads back (an input the surface sends back as `code`). */
export interface VerifyFormView {
  readonly kind: 'verify-form';
  readonly target: { readonly login: string; readonly displayName: string };
  /** The masked mobile the code went to ("…0199"). */
  readonly sentTo: string;
  /** Until when the code works (only on the card that follows the send). */
  readonly expiresAt?: string;
  /** What the agent should do now. */
  readonly note: string;
  /** ask: nothing sent yet (a shared conversation: only a press sends); sent: a new code is waiting; wrong: the typed code was not it; over: this code no longer works. */
  readonly state: 'ask' | 'sent' | 'wrong' | 'over';
  /** verify.check (with the typed code added by the surface) while a code can still work; verify.send. */
  readonly actions: readonly ActionButton[];
}

// ------------------------------------------------------------------------------ the helpdesk's desk

/** One fact of a desk row: a text, or a time the surface writes in the viewer's zone. */
export interface DeskFact {
  readonly label: string;
  readonly text?: string;
  /** ISO 8601. */
  readonly at?: string;
}

/** One row of a desk list: who (or what), its facts, and the buttons the viewer's role allows on it. */
export interface DeskRow {
  readonly heading: string;
  readonly facts: readonly DeskFact[];
  /** warning / attention: the row needs a look (expired, a refusal). */
  readonly tone: 'default' | 'warning' | 'attention';
  readonly actions: readonly ActionButton[];
}

/**
 * `locked`, `expiring [days]`, `history <user>`: a list, a page at a time. "More" carries only a cursor
 * (and the command's own argument); the next page is read again after re-checking the presser's role.
 */
export interface DeskListView {
  readonly kind: 'desk-list';
  readonly list: 'locked' | 'expiring' | 'history';
  readonly title: string;
  readonly subtitle: string;
  readonly emptyText: string;
  readonly rows: readonly DeskRow[];
  /** This page follows a "More" press. */
  readonly continued: boolean;
  /** "More" when there is a next page. */
  readonly actions: readonly ActionButton[];
}

/** `lockout <user>`: why the account locks, in words first, then each DC's own counters. */
export interface LockoutView {
  readonly kind: 'lockout';
  readonly target: { readonly login: string; readonly displayName: string };
  readonly locked: boolean;
  /** What was found, in words ("Locked at 09:14 UTC on dc2 after 3 bad passwords …"). */
  readonly summary: string;
  readonly origin?: { readonly dc?: string; readonly at: string; readonly from: string };
  readonly policy?: { readonly threshold: number; readonly windowMinutes: number; readonly durationMinutes?: number; readonly source: 'domain' | 'pso' };
  readonly dcs: readonly {
    readonly dc: string;
    readonly hostName: string;
    readonly reachable: boolean;
    readonly badPwdCount?: number;
    readonly badPasswordTime?: string;
    readonly lastLogon?: string;
  }[];
  /** Failed portal challenges of the last 24 hours, newest first. */
  readonly portalFailures: readonly { readonly at: string; readonly ip?: string; readonly client?: string }[];
  /** Show user; Unlock when locked and the target may be changed. */
  readonly actions: readonly ActionButton[];
}

/**
 * An alert to the supervisors, posted proactively: what was seen, in words, and the users concerned. In a
 * shared conversation it names no more than logins; each user's details open as the presser's own view.
 */
export interface AlertView {
  readonly kind: 'alert';
  readonly rule: 'lockout-storm' | 'portal-address' | 'protected-lockout' | 'limit-override' | 'agent-limit';
  /** The rule in a few words ("Lockout storm"): the card's and the message's heading. */
  readonly title: string;
  readonly text: string;
  readonly at: string;
  readonly users: readonly string[];
  /** Show per user; the surface keeps the shared-conversation rule (details as the presser's own view). */
  readonly actions: readonly ActionButton[];
}

export type View =
  | AlertView
  | LockoutView
  | DeskListView
  | ApprovalView | ApprovalListView | VerifyFormView
  | HelpView | PickListView | UserDetailsView | ConfirmView | ResultView | SharedRequestView | ErrorView
  | AuditEventsView | SyncTransactionsView | EnrollmentView | EscalateFormView | EscalationView;
