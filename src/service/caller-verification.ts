// Caller verification (`verify <user>`): filled in below; VERIFY_REQUIRED makes pin/reset/unlock wait for it.
import type { DirectoryEntry } from '../domain/directory-user';
import { HelpdeskError } from '../domain/errors';
import type { AccountAction } from './account-actions';
import type { UseCaseCall } from './use-case';

const NEEDS_VERIFIED_CALLER: ReadonlySet<AccountAction> = new Set(['account.unlock', 'pin.sms', 'pin.view', 'password.reset', 'password.reset.view']);

/** When was the caller last verified by code for `login`, within VERIFY_VALID_MINUTES. */
export function callerVerifiedAt(call: UseCaseCall, login: string): Promise<Date | undefined> {
  const since = new Date(call.env.clock.now().getTime() - call.env.settings.verifiedForMs);
  return call.env.callerCodes.usedSince(login, since);
}

export async function assertCallerVerified(call: UseCaseCall, action: AccountAction, entry: DirectoryEntry): Promise<void> {
  if (!call.env.settings.verifyRequired || !NEEDS_VERIFIED_CALLER.has(action)) return;
  if (await callerVerifiedAt(call, entry.sAMAccountName)) return;
  call.subject.detail = 'caller not verified';
  throw new HelpdeskError('VERIFY.REQUIRED', undefined, { user: entry.sAMAccountName });
}
