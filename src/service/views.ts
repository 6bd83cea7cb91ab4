// Views: what the service answers, as plain data. Chat surfaces render them (Adaptive Cards for Teams and
// the local console, Block Kit for Slack) and never add rules of their own. A view never holds a secret
// that its viewer may not see.
import type { ErrorCode, ErrorParams } from '../domain/errors';
import type { DirectorySource } from '../domain/directory-user';
import type { Role } from '../domain/roles';
import type { Verb } from '../domain/verbs';

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
export type PickIntent = 'user.show' | 'account.unlock' | 'password.reset.view';

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
}

export interface ConfirmView {
  readonly kind: 'confirm';
  readonly title: string;
  readonly message: string;
  readonly target: { readonly login: string; readonly displayName: string };
  /** What the agent must know before confirming (e.g. the account is disabled). */
  readonly warnings?: readonly string[];
  readonly expiresAt: string;
  /** confirm.accept and confirm.cancel, both carrying only the token. */
  readonly actions: readonly ActionButton[];
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

export type View = HelpView | PickListView | UserDetailsView | ConfirmView | ResultView | SharedRequestView | ErrorView;
