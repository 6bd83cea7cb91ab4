// The ticket's "caller verified?" line. Until caller verification (`verify <user>`, SMS codes) lands, this
// reads the portal events the helpdesk writes when it verifies a caller (`helpdesk-verify`, success,
// within the 15 minutes a verification counts for); the verification release replaces the body of this
// function with its own state. Never the code itself: only whether, how and when.
import { portalUserKey } from '../domain/portal';
import type { UseCaseEnv } from './use-case';

export const VERIFICATION_VALID_MS = 15 * 60_000;

export async function callerVerificationLine(env: UseCaseEnv, login: string): Promise<string> {
  const now = env.clock.now();
  const recent = await env.store.portalEvents.list({
    user: portalUserKey(login), type: 'helpdesk-verify', since: new Date(now.getTime() - VERIFICATION_VALID_MS), limit: 1,
  });
  const last = recent[0];
  if (last && last.outcome === 'success') {
    return `Caller verified at ${utc(last.at)}${last.detail ? ` (${last.detail.slice(0, 120)})` : ''}.`;
  }
  return 'Caller not verified by the helpdesk.';
}

export function utc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
