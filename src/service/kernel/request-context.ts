// Who is asking and through which surface. Chat adapters build this from the incoming request.
import type { Surface } from '../../domain/roles';

export interface ChatIdentity {
  /** The surface's own user id (Teams member id, Slack user id, console user id). */
  readonly chatUserId: string;
  /**
   * The directory login the surface resolved for this user: Teams — the member's UPN; Slack — the
   * user's e-mail; local console — the chosen demo user's login. Undefined when it could not be resolved.
   */
  readonly login?: string;
  /** Teams with Graph configured: the Entra object id of the user (the activity's aadObjectId). */
  readonly aadObjectId?: string;
  readonly displayName?: string;
  /** Slack: the time zone of the user's profile (users.info `tz`), validated; for display only. */
  readonly timeZone?: string;
}

export interface RequestContext {
  readonly surface: Surface;
  readonly identity: ChatIdentity;
  readonly correlationId: string;
  /**
   * 'personal' = only the asker sees the answer (Teams 1:1 chat, Slack ephemeral, the local console);
   * 'shared' = others in the conversation see it. Secrets are only ever shown in 'personal'.
   */
  readonly conversation: 'personal' | 'shared';
  /** The surface's id of the conversation (Teams conversation id, Slack channel id), for escalation tickets. */
  readonly conversationId?: string;
  /**
   * The asker's IANA time zone as their surface told it (validated with Intl), set only where the answer
   * has that one reader: times they read are shown in it, with UTC beside. Display only; never a rule's input.
   */
  readonly timeZone?: string;
}
