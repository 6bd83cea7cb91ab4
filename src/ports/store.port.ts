// The store: one object per backend (SQLite, MongoDB) exposing the repositories the service uses.
import type { HelpdeskAuditTrail } from './audit-trail.port';
import type { ChangeLimitRepository } from './change-limits.port';
import type { ConfirmationRepository } from './confirmations.port';
import type { EscalationRepository } from './escalations.port';
import type { SharedRequestRepository } from './shared-requests.port';
import type { ShownSecretRepository } from './shown-secrets.port';
import type { OneTimeCodeRepository } from './one-time-codes.port';
import type { ApprovalRepository } from './approvals.port';
import type { EnrollmentRepository, PortalAccountRepository, PortalCardRepository, PortalAttemptRepository, PortalEventRepository, PortalMobileRepository } from './portal.port';
import type { PortalSessionRepository } from './portal-sessions.port';
import type { QuotaRepository } from './quotas.port';
import type { AlertClaimRepository } from './alert-claims.port';
import type { PendingWorkRepository } from './pending-work.port';

export interface Store {
  readonly audit: HelpdeskAuditTrail;
  readonly confirmations: ConfirmationRepository;
  readonly sharedRequests: SharedRequestRepository;
  readonly shownSecrets: ShownSecretRepository;
  readonly accountChanges: ChangeLimitRepository;
  readonly portalEvents: PortalEventRepository;
  readonly portalAccounts: PortalAccountRepository;
  /** The portal lock: challenge attempts counted per account (and per canonical unknown login). */
  readonly portalAttempts: PortalAttemptRepository;
  readonly enrollments: EnrollmentRepository;
  /** The self-service portal's server-side sessions. */
  readonly portalSessions: PortalSessionRepository;
  /** Helpdesk PINs and caller verification codes: HMACs only. */
  readonly pins: OneTimeCodeRepository;
  readonly verificationCodes: OneTimeCodeRepository;
  /** The portal's SMS sign-in and mobile-registration codes: HMACs only. */
  readonly portalCodes: OneTimeCodeRepository;
  /** Mobiles registered on the portal (sealed). */
  readonly portalMobiles: PortalMobileRepository;
  readonly approvals: ApprovalRepository;
  /** A user's details card: its portal, vishing and caller-verification state in one read. */
  readonly portalCards: PortalCardRepository;
  readonly escalations: EscalationRepository;
  /** Texts, challenge attempts and the portal's password binds counted in a window, across processes. */
  readonly quotas: QuotaRepository;
  /** Alerts to the supervisors claimed for sending, once across replicas. */
  readonly alertClaims: AlertClaimRepository;
  /** What the chat surfaces owe later (hides, approval copies, ticket messages) and the leases of background work, across replicas. */
  readonly pendingWork: PendingWorkRepository;
  /** Throws STORE.UNAVAILABLE when the store cannot be read and written. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
