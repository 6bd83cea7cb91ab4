// Limits on account changes (DESIGN "Roles and rules"): at most LIMIT_AGENT_PER_HOUR changes by one agent
// and LIMIT_TARGET_PER_HOUR on one account within the last hour, whoever made them. Only real changes
// count (an unlock that unlocked, a reset, a portal unlock that cleared a lock); issued secrets (PINs,
// passes, verification codes) are counted apart, against LIMIT_SECRETS_PER_TARGET_PER_HOUR. Checked
// twice: at the prompt, so the agent is told before confirming (nothing is recorded then); and at the
// accept, where the change is reserved atomically before the directory is touched, so two open confirm
// cards (two tabs, two agents) cannot together exceed a limit. A change that does not happen is released,
// so the count is of completed changes (and the ones in progress). A supervisor may go over a limit with
// a typed reason: audited as `limit.override` (what alerts look for) and logged. A reservation has a lease
// (CHANGE_LEASE_SECONDS): a change that happened is marked done; one whose process died mid-action is given
// back by the lease sweep (ChangeLeaseSweep) once its lease ends, so it does not hold a place for the hour.
import { randomUUID } from 'node:crypto';
import { HelpdeskError } from '../../domain/errors';
import { hasRole } from '../../domain/roles';
import { clockTime } from '../../domain/time-text';
import type { AccountChange, ChangeKind, ChangeLimitRepository, ChangeLimitsWindow, LimitCheck } from '../../ports/change-limits.port';
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import { loginOfActor, type UseCaseCall } from './use-case';

type OverLimit = Exclude<LimitCheck, { ok: true }>;

/** What issues a secret rather than changing the account: counted against the secrets' own limit. */
const ISSUES_A_SECRET: ReadonlySet<string> = new Set(['pin.sms', 'pin.view', 'tap.sms', 'tap.view', 'verify.send']);

/** The audit action of a supervisor's going over a limit: alerts find it by this name. */
export const LIMIT_OVERRIDE_ACTION = 'limit.override';
/** The longest override reason kept (the audit record's detail is short free text). */
export const MAX_OVERRIDE_REASON = 300;

function kindOf(action: string): ChangeKind {
  return ISSUES_A_SECRET.has(action) ? 'secret' : 'change';
}

function limitsOf(call: UseCaseCall<never>, kind: ChangeKind): ChangeLimitsWindow {
  const { perActor, perTarget, secretsPerTarget, windowMs } = call.env.settings.changeLimits;
  // Secrets have no per-agent limit: an agent's day is mostly PINs and codes.
  return kind === 'change' ? { perActor, perTarget, windowMs } : { perActor: Number.MAX_SAFE_INTEGER, perTarget: secretsPerTarget, windowMs };
}

function change(call: UseCaseCall<never>, action: string, target: string): AccountChange {
  const at = call.env.clock.now();
  return {
    id: randomUUID(), at, actor: loginOfActor(call.actor), target: target.toLowerCase(), action, kind: kindOf(action),
    leaseUntil: new Date(at.getTime() + call.env.settings.changeLeaseMs),
  };
}

function limitOf(call: UseCaseCall<never>, kind: ChangeKind, result: OverLimit): number {
  const limits = limitsOf(call, kind);
  return result.over === 'actor' ? limits.perActor : limits.perTarget;
}

/** How the audit detail names a count over the per-agent limit (isAgentLimitRefusal reads it). */
const BY_THIS_AGENT = 'changes by this agent';

function overDetail(call: UseCaseCall<never>, kind: ChangeKind, result: OverLimit): string {
  const what = kind === 'secret' ? 'secrets issued' : 'changes';
  return `${result.count} ${result.over === 'actor' ? BY_THIS_AGENT : `${what} on this account`} in the window, limit ${limitOf(call, kind, result)}`;
}

/** An audited refusal of an agent's account change over their own hourly limit: what the agent-limit alert looks for. */
export function isAgentLimitRefusal(entry: { readonly outcome: string; readonly code?: string; readonly detail?: string }): boolean {
  return entry.outcome === 'refused' && entry.code === 'POLICY.RATE_LIMITED' && (entry.detail ?? '').includes(` ${BY_THIS_AGENT} `);
}

/** The refusal of an action over a limit (POLICY.RATE_LIMITED), its detail noted for the audit trail. */
export function limitRefusal(call: UseCaseCall<never>, action: string, result: OverLimit, target: string): HelpdeskError {
  const kind = kindOf(action);
  call.subject.detail = overDetail(call, kind, result);
  return new HelpdeskError('POLICY.RATE_LIMITED', undefined, {
    scope: result.over === 'actor' ? 'agent' : 'target',
    kind,
    count: result.count,
    limit: limitOf(call, kind, result),
    // A shared conversation's card shows nothing about the user beyond what the agent typed.
    ...(call.ctx.conversation === 'personal' ? { user: target } : {}),
    until: result.freeAt.toISOString(),
  });
}

/** At the prompt: whether one more change would stay within the limits; records nothing. */
export async function checkChangeLimits(call: UseCaseCall<'accountChanges'>, action: string, target: string): Promise<LimitCheck> {
  const c = change(call, action, target);
  return call.env.store.accountChanges.check(c, limitsOf(call, c.kind));
}

/** At the prompt: refuses (POLICY.RATE_LIMITED) if one more change would exceed a limit; records nothing. */
export async function assertWithinChangeLimits(call: UseCaseCall<'accountChanges'>, action: string, target: string): Promise<void> {
  const result = await checkChangeLimits(call, action, target);
  if (!result.ok) throw limitRefusal(call, action, result, target);
}

/**
 * The sentence a supervisor's confirm card shows when the action would go over a limit (the service's own
 * words, like every confirm card's question).
 */
export function overLimitText(call: UseCaseCall<never>, action: string, result: OverLimit, who: string): string {
  const kind = kindOf(action);
  const limit = limitOf(call, kind, result);
  const until = clockTime(result.freeAt, call.ctx.timeZone);
  const what = result.over === 'actor'
    ? `You have made ${result.count} account changes in the last hour, the limit is ${limit}`
    : kind === 'secret'
      ? `${result.count} PINs, passes or codes were issued for ${who} in the last hour, the limit for one account is ${limit}`
      : `The account of ${who} was changed ${result.count} times in the last hour, the limit for one account is ${limit}`;
  return `${what}; a place frees up at ${until}. As a supervisor you may go over it now: type why. Your reason is recorded in the audit trail and shown to the other supervisors.`;
}

async function releaseQuietly(call: UseCaseCall<'accountChanges'>, id: string): Promise<void> {
  // Not done (audit or directory refused): it must not count. If even this fails, it counts once too often.
  await call.env.store.accountChanges.release(id).catch((releaseErr: unknown) =>
    call.env.logger.warn({ err: releaseErr, correlationId: call.ctx.correlationId }, 'change limit release failed'));
}

/** Marks the change done so no sweep gives its place back; if a sweep already did (the lease ran out), counts it anew. */
async function completeQuietly(call: UseCaseCall<'accountChanges'>, reserved: AccountChange): Promise<void> {
  const { store, clock, logger } = call.env;
  try {
    if (await store.accountChanges.complete(reserved.id, clock.now())) return;
    const { at, actor, target, action, kind } = reserved;
    await store.accountChanges.record({ id: randomUUID(), at, actor, target, action, kind });
  } catch (err) {
    // The change happened; at worst the sweep gives its place back when the lease ends (it counts once too few).
    logger.warn({ err, correlationId: call.ctx.correlationId }, 'change limit completion failed');
  }
}

/**
 * Runs `perform` on a reserved place: marks it done when `perform` succeeds, gives it back when it fails
 * (nothing changed: e.g. not locked).
 */
async function onReserved<T>(call: UseCaseCall<'accountChanges'>, reserved: AccountChange, perform: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await perform();
  } catch (err) {
    await releaseQuietly(call, reserved.id);
    throw err;
  }
  await completeQuietly(call, reserved);
  return result;
}

/** At the accept: reserves one change atomically, runs `perform`, and gives the place back if it fails. */
export async function withinChangeLimits<T>(call: UseCaseCall<'accountChanges'>, action: string, target: string, perform: () => Promise<T>): Promise<T> {
  const reserved = change(call, action, target);
  const result = await call.env.store.accountChanges.reserve(reserved, limitsOf(call, reserved.kind));
  if (!result.ok) throw limitRefusal(call, action, result, target);
  return onReserved(call, reserved, perform);
}

/** A supervisor's typed reason for going over a limit, as one line of printable text (CMD.USAGE when there is none). */
export function overrideReason(typed: string): string {
  // It lands in the audit trail and a log line.
  const reason = typed.replace(/[\p{Cc}\s]+/gu, ' ').trim().slice(0, MAX_OVERRIDE_REASON);
  if (reason.length < 3) throw new HelpdeskError('CMD.USAGE', undefined, { usage: 'type why you go over the limit, then press the button again' });
  return reason;
}

/**
 * A supervisor's accept past a limit, with the reason they typed. Within the limits it is an ordinary
 * accept (nothing to override, nothing said). Over them, the override is audited first (fail closed:
 * no record, no change) with the reason, logged for the other supervisors, and the change recorded.
 */
export async function overridingChangeLimits<T>(
  call: UseCaseCall<'accountChanges'>, action: string, target: string, typedReason: string, perform: () => Promise<T>,
): Promise<T> {
  const { env, ctx, actor } = call;
  if (!hasRole(actor.role, 'supervisor')) throw new HelpdeskError('AUTH.FORBIDDEN', undefined, { action: 'confirm.override', role: 'supervisor' });
  const reason = overrideReason(typedReason);
  const reserved = change(call, action, target);
  const limits = limitsOf(call, reserved.kind);
  const result = await env.store.accountChanges.reserve(reserved, limits);
  if (result.ok) return onReserved(call, reserved, perform);
  const detail = `${action} ${overDetail(call, reserved.kind, result)}; reason: ${reason}`;
  await env.audit.record(ctx, {
    actor: loginOfActor(actor), role: actor.role, action: LIMIT_OVERRIDE_ACTION, target: target.toLowerCase(),
    outcome: 'success', code: 'POLICY.RATE_LIMITED', detail,
  });
  env.logger.warn({ correlationId: ctx.correlationId, audit: LIMIT_OVERRIDE_ACTION, actor: loginOfActor(actor), action, over: result.over, count: result.count },
    'a supervisor went over a change limit');
  call.subject.detail = `over the limit (${LIMIT_OVERRIDE_ACTION})`;
  await env.store.accountChanges.record(reserved);
  return onReserved(call, reserved, perform);
}

/** Whether `err` is a limit refusal a supervisor could go over (their confirm card then offers it). */
export function isLimitRefusalFor(call: UseCaseCall<never>, err: unknown): boolean {
  return err instanceof HelpdeskError && err.code === 'POLICY.RATE_LIMITED' && hasRole(call.actor.role, 'supervisor');
}

/** How many expired reservations one sweep round gives back at most (the next round takes the rest). */
const SWEEP_BATCH = 100;

/**
 * Gives back the places of reservations whose process died mid-action: once at start-up and then every
 * half lease (at most a minute). Any number of processes may sweep at once: each reservation is given back
 * exactly once (its outcome is a claim in the store).
 */
export class ChangeLeaseSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly changes: ChangeLimitRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly leaseMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), Math.min(60_000, Math.max(1_000, this.leaseMs / 2)));
    this.timer.unref();
    void this.sweep();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round (a round already running is joined, not doubled). */
  sweep(): Promise<void> {
    this.running ??= (async () => {
      try {
        const released = await this.changes.sweepExpired(this.clock.now(), SWEEP_BATCH);
        if (released > 0) this.logger.warn({ released }, 'reserved account changes given back: their action never finished (the process stopped mid-action)');
      } catch (err) {
        this.logger.warn({ err }, 'change lease sweep failed; the next round tries again');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
