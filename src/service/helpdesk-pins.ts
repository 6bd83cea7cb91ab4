// Helpdesk PINs: the one place that issues and verifies them. The helpdesk's `pin` use cases issue them
// (issue-pin.ts); the self-service portal and POST /api/portal/pins/verify verify them through
// `verifyHelpdeskPin`: once valid, then used; expired after PIN_TTL_MINUTES; five wrong tries lock it;
// an unknown login gets the same answer (and the same work) as a wrong PIN.
import type { CodeVerdict } from '../domain/one-time-code';
import { portalUserKey } from '../domain/portal';
import type { Clock } from '../ports/clock.port';
import type { Directory } from '../ports/directory.port';
import type { Store } from '../ports/store.port';
import type { OneTimeCodes } from './one-time-codes';

export interface PinVerifierDeps {
  readonly directory: Directory;
  readonly store: Store;
  readonly clock: Clock;
  readonly pins: OneTimeCodes;
}

export interface PinAttemptContext {
  readonly ip?: string;
  readonly userAgent?: string;
  /** false: the caller records the attempt itself (the portal's challenge event); default true. */
  readonly record?: boolean;
}

/**
 * Verifies `pin` for `login` (sAMAccountName or UPN) once. Every check of a known user is a `pin-verify`
 * portal event (what `audit <user>` and the vishing indicators read); never the PIN itself.
 */
export async function verifyHelpdeskPin(deps: PinVerifierDeps, login: string, pin: string, from: PinAttemptContext = {}): Promise<CodeVerdict> {
  const wellFormed = login.trim().length > 0 && login.length <= 256;
  const entry = wellFormed ? await deps.directory.findByLogin(login.trim()) : undefined;
  const user = entry ? portalUserKey(entry.sAMAccountName) : undefined;
  const verdict = await deps.pins.check(user, pin.slice(0, 64));
  if (user && from.record !== false) {
    await deps.store.portalEvents.append([{
      user, type: 'pin-verify', outcome: verdict.valid ? 'success' : 'failure', at: deps.clock.now(),
      ...(from.ip ? { ip: from.ip } : {}), ...(from.userAgent ? { userAgent: from.userAgent.slice(0, 512) } : {}),
      detail: verdict.valid ? 'helpdesk PIN accepted' : `helpdesk PIN refused: ${verdict.reason}`,
      category: 'self-service', unknownUser: false,
    }]);
  }
  return verdict;
}
