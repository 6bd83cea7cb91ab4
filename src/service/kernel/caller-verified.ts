// Caller verification (`verify <user>`): when the caller last proved they hold the user's phone (a one-time
// code sent by SMS and read back), within VERIFY_VALID_MINUTES. VERIFY_REQUIRED makes pin/reset/unlock
// wait for it; the escalation ticket says whether, how and when — never the code itself.
import type { DirectoryEntry } from '../../domain/directory-user';
import { HelpdeskError } from '../../domain/errors';
import type { AccountAction } from './account-action-words';
import type { UseCaseCall, UseCaseEnv } from './use-case';
import type { UserDetailsView } from './views';

const NEEDS_VERIFIED_CALLER: ReadonlySet<AccountAction> = new Set(['account.unlock', 'pin.sms', 'pin.view', 'password.reset', 'password.reset.view', 'tap.sms', 'tap.view']);

/** Since when a used verification code still vouches for the caller: VERIFY_VALID_MINUTES before `now`. */
export function verifiedSince(env: UseCaseEnv<never>, now: Date = env.clock.now()): Date {
  return new Date(now.getTime() - env.settings.verifiedForMs);
}

/** When was the caller last verified by code for `login`, within VERIFY_VALID_MINUTES. */
export function verifiedAt(env: UseCaseEnv<never>, login: string): Promise<Date | undefined> {
  return env.callerCodes.usedSince(login, verifiedSince(env));
}

export function callerVerifiedAt(call: UseCaseCall<never>, login: string): Promise<Date | undefined> {
  return verifiedAt(call.env, login);
}

export async function assertCallerVerified(call: UseCaseCall<never>, action: AccountAction, entry: DirectoryEntry): Promise<void> {
  if (!call.env.settings.verifyRequired || !NEEDS_VERIFIED_CALLER.has(action)) return;
  if (await callerVerifiedAt(call, entry.sAMAccountName)) return;
  call.subject.detail = 'caller not verified';
  throw new HelpdeskError('VERIFY.REQUIRED', undefined, { user: entry.sAMAccountName });
}

/** The escalation ticket's "caller verified?" line. */
export async function callerVerificationLine(env: UseCaseEnv<never>, login: string): Promise<string> {
  const at = await verifiedAt(env, login);
  return at ? `Caller verified by a code sent to their mobile, at ${utc(at)}.` : 'Caller not verified by the helpdesk.';
}

export function utc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The details card's "caller verified by code at T" line, while the verification holds (`at`: read with verifiedSince). */
export function withCallerVerification(view: UserDetailsView, at: Date | undefined): UserDetailsView {
  return at ? { ...view, callerVerifiedAt: at.toISOString() } : view;
}
