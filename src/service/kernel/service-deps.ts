// What the service needs: one adapter per port, and the rules' settings.
import type { MaskPolicy } from '../../domain/masking';
import type { PasswordPolicy } from '../../domain/password-policy';
import type { Protection } from '../../domain/protection';
import type { RoleGroups } from '../../domain/roles';
import type { ChangeLimitsWindow } from '../../ports/change-limits.port';
import type { IndicatorThresholds } from '../../domain/vishing-thresholds';
import type { AnswerCipher } from '../../ports/answer-cipher.port';
import type { Clock } from '../../ports/clock.port';
import type { Directory } from '../../ports/directory.port';
import type { Entra } from '../../ports/entra.port';
import type { Logger } from '../../ports/logger.port';
import type { RequestMetrics } from '../../ports/metrics.port';
import type { Store } from '../../ports/store.port';
import type { SmsSender } from '../../ports/sms.port';
import { VERIFY_CALLER_POLICY, type OneTimeCodePolicy } from '../../domain/one-time-code';
import type { TicketSink } from '../../ports/ticket-sink.port';
import type { RetryPolicy } from '../tickets';

export interface ServiceSettings {
  /** Resolved at start-up (group-settings.ts). */
  readonly roles: RoleGroups;
  /** Accounts that cannot be unlocked, reset or given a PIN through the bot; resolved at start-up. */
  readonly protection: Protection;
  /** How long a confirm button stays valid (DESIGN: 5 minutes). */
  readonly confirmationTtlMs: number;
  /** How long a typed command may reuse the asker's resolved role; button presses always re-check. */
  readonly actorCacheTtlMs: number;
  /** How many users a pick list shows. */
  readonly pickListSize: number;
  readonly passwordPolicy: PasswordPolicy;
  /** pwdLastSet = 0 after a reset (DESIGN: yes unless told otherwise). */
  readonly mustChangeAfterReset: boolean;
  /** How long a shown password stays on screen before the surface hides it (DESIGN: 2 minutes). */
  readonly secretHideAfterMs: number;
  /** How long a request typed in a shared conversation can be opened ("Show details"). */
  readonly sharedRequestTtlMs: number;
  /** Account changes (unlock, reset) allowed per agent and per target, and issued secrets per target, within the window. */
  readonly changeLimits: ChangeLimitsWindow & { readonly secretsPerTarget: number };
  /** CHANGE_LEASE_SECONDS: how long a reserved change may stay unfinished before the sweep gives its place back. */
  readonly changeLeaseMs: number;
  /** ENROLLMENT_MASK: how enrolled answers are shown to supervisors. */
  readonly enrollmentMask: MaskPolicy;
  /** The vishing indicators' thresholds (VISHING_*). */
  readonly indicators: IndicatorThresholds;
  /** Temporary Access Pass (Entra): lifetime and one-time use. */
  readonly tap: { readonly lifetimeMinutes: number; readonly oneTime: boolean };
  /** Helpdesk PINs (PIN_LENGTH, PIN_TTL_MINUTES; 5 tries) and caller verification codes (6 digits, 10 minutes, 3 tries). */
  readonly pinPolicy: OneTimeCodePolicy;
  readonly callerCodePolicy: OneTimeCodePolicy;
  /** How long an approval request for `pin view` stays open (APPROVAL_TTL_MINUTES). */
  readonly approvalTtlMs: number;
  /** VERIFY_REQUIRED: a caller verification within `verifiedForMs` before pin/reset/unlock. */
  readonly verifyRequired: boolean;
  /** How long "caller verified by code" holds (VERIFY_VALID_MINUTES). */
  readonly verifiedForMs: number;
  /** ORG_NAME: who the SMS texts say they are from. */
  readonly orgName: string;
  /** NOTIFY_AFTER_RESET / NOTIFY_AFTER_PIN: a notice without any secret to the user's mobile. */
  readonly notifyAfterReset: boolean;
  readonly notifyAfterPin: boolean;
  /** NOTIFY_CONTACT: whom the notice tells the user to call if they did not ask (e.g. "security at +1 555 0100"). */
  readonly notifyContact?: string;
  /** RESET_ALLOW_KEEP: the reset confirm card may offer, apart from Confirm, a reset with no change at next logon. */
  readonly resetMayKeepPassword: boolean;
  /** PORTAL_PUBLIC_URL: the portal's address, named in password-expiry reminders. */
  readonly portalUrl?: string;
  /** EXPIRY_REMINDER_DAYS: days before expiry at which users are texted by themselves (empty: off). */
  readonly expiryReminderDays: readonly number[];
  /** AUDIT_VERIFY_WINDOW_MINUTES: the start-up verification of the audit chain is claimed once per window (0: every process verifies). */
  readonly auditVerifyWindowMs?: number;
}

/**
 * The settings no operator sets (DESIGN's fixed values). What an operator may set comes from the
 * configuration, whose schema modules (src/config/integrations/) hold each default once; the composition
 * root joins the two (src/service-settings.ts).
 */
export const FIXED_SETTINGS = {
  confirmationTtlMs: 5 * 60_000,
  actorCacheTtlMs: 30_000,
  pickListSize: 10,
  passwordPolicy: { length: 16 },
  mustChangeAfterReset: true,
  secretHideAfterMs: 2 * 60_000,
  sharedRequestTtlMs: 24 * 3600_000,
  callerCodePolicy: VERIFY_CALLER_POLICY,
} satisfies Partial<ServiceSettings>;

/** The window of the change limits (LIMIT_*_PER_HOUR). */
export const CHANGE_LIMITS_WINDOW_MS = 60 * 60_000;

export interface ServiceDeps {
  readonly directory: Directory;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: ServiceSettings;
  /** Opens sealed enrollment answers for masking; without it `enrollment` cannot show answers. */
  readonly answerCipher?: AnswerCipher;
  /** Microsoft Graph, when configured: Teams users by aadObjectId, linked Entra accounts, TAP, session revocation. */
  readonly entra?: Entra;
  /** Text messages (Twilio, or the dev outbox); without it PINs and codes cannot be sent by SMS. */
  readonly sms?: SmsSender;
  /** HMAC key of PINs and verification codes (derived from SECRETS_KEY); absent → a per-process random key. */
  readonly codesKey?: Buffer;
  /** Where escalations go (TICKETS_KIND, or the dev outbox); without it `escalate` is not available. */
  readonly ticketSink?: TicketSink;
  /** The background retry of tickets the system did not take (tests shorten it). */
  readonly ticketRetry?: RetryPolicy;
  /** Each answered command and press: latency and coded outcome, for the operator's /metrics. */
  readonly metrics?: RequestMetrics;
}
