// Limits on account changes (DESIGN "Roles and rules"): at most LIMIT_AGENT_PER_HOUR changes by one agent
// and LIMIT_TARGET_PER_HOUR on one account within the last hour, whoever made them. Checked twice:
// at the prompt, so the agent is told before confirming (nothing is recorded then); and at the accept,
// where the change is reserved atomically before the directory is touched, so two open confirm cards
// (two tabs, two agents) cannot together exceed a limit. A change the directory refuses is released, so
// the count is of completed changes (and the ones in progress).
import { randomUUID } from 'node:crypto';
import { HelpdeskError } from '../domain/errors';
import type { AccountChange, LimitCheck } from '../ports/change-limits.port';
import { loginOfActor, type UseCaseCall } from './use-case';

function change(call: UseCaseCall, action: string, target: string): AccountChange {
  return { id: randomUUID(), at: call.env.clock.now(), actor: loginOfActor(call.actor), target: target.toLowerCase(), action };
}

function refuse(call: UseCaseCall, result: Exclude<LimitCheck, { ok: true }>, target: string): never {
  const { perActor, perTarget } = call.env.settings.changeLimits;
  const limit = result.over === 'actor' ? perActor : perTarget;
  call.subject.detail = `${result.count} changes ${result.over === 'actor' ? 'by this agent' : 'on this account'} in the window, limit ${limit}`;
  throw new HelpdeskError('POLICY.RATE_LIMITED', undefined, {
    scope: result.over === 'actor' ? 'agent' : 'target',
    count: result.count,
    limit,
    // A shared conversation's card shows nothing about the user beyond what the agent typed.
    ...(call.ctx.conversation === 'personal' ? { user: target } : {}),
    until: result.freeAt.toISOString(),
  });
}

/** At the prompt: refuses (POLICY.RATE_LIMITED) if one more change would exceed a limit; records nothing. */
export async function assertWithinChangeLimits(call: UseCaseCall, action: string, target: string): Promise<void> {
  const result = await call.env.store.accountChanges.check(change(call, action, target), call.env.settings.changeLimits);
  if (!result.ok) refuse(call, result, target);
}

/** At the accept: reserves one change atomically, runs `perform`, and gives the place back if it fails. */
export async function withinChangeLimits<T>(call: UseCaseCall, action: string, target: string, perform: () => Promise<T>): Promise<T> {
  const reserved = change(call, action, target);
  const result = await call.env.store.accountChanges.reserve(reserved, call.env.settings.changeLimits);
  if (!result.ok) refuse(call, result, target);
  try {
    return await perform();
  } catch (err) {
    // Not done (audit or directory refused): it must not count. If even this fails, it counts once too often.
    await call.env.store.accountChanges.release(reserved.id).catch((releaseErr: unknown) =>
      call.env.logger.warn({ err: releaseErr, correlationId: call.ctx.correlationId }, 'change limit release failed'));
    throw err;
  }
}
