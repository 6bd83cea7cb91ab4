// What the service needs: one adapter per port, and the rules' settings.
import type { MaskPolicy } from '../domain/masking';
import type { PasswordPolicy } from '../domain/password-policy';
import type { Protection } from '../domain/protection';
import type { RoleGroups } from '../domain/roles';
import type { ChangeLimitsWindow } from '../ports/change-limits.port';
import { DEFAULT_INDICATOR_THRESHOLDS, type IndicatorThresholds } from '../domain/vishing-thresholds';
import type { AnswerCipher } from '../ports/answer-cipher.port';
import type { Clock } from '../ports/clock.port';
import type { Directory } from '../ports/directory.port';
import type { Logger } from '../ports/logger.port';
import type { Store } from '../ports/store.port';
import type { TicketSink } from '../ports/ticket-sink.port';
import type { RetryPolicy } from './ticket-desk';

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
  /** Account changes (unlock, reset, PIN) allowed per agent and per target within the window. */
  readonly changeLimits: ChangeLimitsWindow;
  /** ENROLLMENT_MASK: how enrolled answers are shown to supervisors. */
  readonly enrollmentMask: MaskPolicy;
  /** The vishing indicators' thresholds (VISHING_*). */
  readonly indicators: IndicatorThresholds;
}

export const DEFAULT_SETTINGS: Omit<ServiceSettings, 'roles' | 'protection'> = {
  confirmationTtlMs: 5 * 60_000,
  actorCacheTtlMs: 30_000,
  pickListSize: 10,
  passwordPolicy: { length: 16 },
  mustChangeAfterReset: true,
  secretHideAfterMs: 2 * 60_000,
  sharedRequestTtlMs: 24 * 3600_000,
  changeLimits: { perActor: 20, perTarget: 3, windowMs: 60 * 60_000 },
  enrollmentMask: 'first-last',
  indicators: DEFAULT_INDICATOR_THRESHOLDS,
};

export interface ServiceDeps {
  readonly directory: Directory;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: ServiceSettings;
  /** Opens sealed enrollment answers for masking; without it `enrollment` cannot show answers. */
  readonly answerCipher?: AnswerCipher;
  /** Where escalations go (TICKETS_KIND, or the dev outbox); without it `escalate` is not available. */
  readonly ticketSink?: TicketSink;
  /** The background retry of tickets the system did not take (tests shorten it). */
  readonly ticketRetry?: RetryPolicy;
}
