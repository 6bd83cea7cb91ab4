// Helpdesk PINs: the helpdesk's `pin` use cases issue them (issue-pin.ts); POST /api/portal/pins/verify
// verifies them through `verifyHelpdeskPin` (the built-in portal checks `pins` the same way on the entry it
// has already found, self-service.ts): once valid, then used; expired after PIN_TTL_MINUTES; five wrong
// tries lock it; an unknown or ambiguous login gets the same answer (and the same work) as a wrong PIN.
import type { CodeVerdict } from '../../domain/one-time-code';
import { portalUserKey } from '../../domain/portal';
import type { Clock } from '../../ports/clock.port';
import type { Directory } from '../../ports/directory.port';
import type { Store } from '../../ports/store.port';
import { userNamedBy, type OneTimeCodes } from '../kernel';

export interface PinVerifierDeps {
  readonly directory: Directory;
  readonly store: Pick<Store, 'portalEvents'>;
  readonly clock: Clock;
  readonly pins: OneTimeCodes;
}

export interface PinAttemptContext {
  readonly ip?: string;
  readonly userAgent?: string;
}

/**
 * Verifies `pin` for `login` (sAMAccountName or UPN) once. Every check of a known user is a `pin-verify`
 * portal event (what `audit <user>` and the vishing indicators read); never the PIN itself.
 */
export async function verifyHelpdeskPin(deps: PinVerifierDeps, login: string, pin: string, from: PinAttemptContext = {}): Promise<CodeVerdict> {
  const entry = await userNamedBy(deps.directory, login);
  const user = entry ? portalUserKey(entry.sAMAccountName) : undefined;
  const verdict = await deps.pins.check(user, pin.slice(0, 64));
  if (user) {
    await deps.store.portalEvents.append([{
      user, type: 'pin-verify', outcome: verdict.valid ? 'success' : 'failure', at: deps.clock.now(),
      ...(from.ip ? { ip: from.ip } : {}), ...(from.userAgent ? { userAgent: from.userAgent.slice(0, 512) } : {}),
      detail: verdict.valid ? 'helpdesk PIN accepted' : `helpdesk PIN refused: ${verdict.reason}`,
      category: 'self-service', unknownUser: false,
    }]);
  }
  // A wrong PIN is `invalid` whatever the PIN's state: the caller learns nothing of a PIN it does not hold.
  return !verdict.valid && verdict.reason === 'spent' ? { valid: false, reason: 'invalid' } : verdict;
}
