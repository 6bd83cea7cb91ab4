// The portal API's request bodies (DESIGN.md "Portal API"), checked strictly: unknown fields, wrong
// types, bad times or addresses reject the request. A bad event names its index and field.
import { isIP } from 'node:net';
import { z } from 'zod';

/** Events per POST /api/portal/events. */
export const MAX_EVENTS_PER_BATCH = 500;
/** How far in the future an event's time may be (clock skew between the portal and us). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
const EARLIEST = Date.UTC(2000, 0, 1);

const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.string().max(40).refine((v) => {
  const t = Date.parse(v);
  return /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(t) && t >= EARLIEST && t <= Date.now() + MAX_FUTURE_SKEW_MS;
}, 'must be an ISO 8601 time, not in the future');

const event = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 letters, digits or . _ : -').optional(),
    user: text(256),
    type: z.string().regex(/^[a-z][a-z0-9.-]{0,63}$/, 'must be a lower-case word like sign-in'),
    outcome: z.enum(['success', 'failure']),
    at: instant,
    ip: z.string().max(45).refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address').optional(),
    userAgent: text(512).optional(),
    detail: text(1000).optional(),
    category: z.enum(['self-service', 'sync']).optional(),
    system: text(128).optional(),
    operation: text(128).optional(),
    status: z.enum(['succeeded', 'failed', 'pending']).optional(),
    error: text(1000).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.category !== 'sync') return;
    if (!e.system) ctx.addIssue({ code: 'custom', path: ['system'], message: 'is required for a sync transaction' });
    if (!e.status) ctx.addIssue({ code: 'custom', path: ['status'], message: 'is required for a sync transaction' });
  });

const eventsBody = z.strictObject({ events: z.array(event).min(1).max(MAX_EVENTS_PER_BATCH) });

const accountBody = z.strictObject({
  enrolled: z.boolean(),
  methods: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a method name like questions or mobile')).max(10),
  locked: z.boolean(),
  lockedAt: instant.optional(),
  failedAttempts: z.number().int().min(0).max(1_000_000).optional(),
});

const enrollmentBody = z.strictObject({
  questions: z.array(z.strictObject({ question: text(256), answer: text(256) })).min(1).max(10),
});

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export interface Problem {
  /** Index of the offending event (events only). */
  readonly index?: number;
  /** The field, e.g. "outcome" or "questions[1].answer". */
  readonly field: string;
  readonly message: string;
}

function check<T>(schema: z.ZodType<T>, body: unknown, eventPath: boolean): Checked<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const path = [...(issue?.path ?? [])];
  let index: number | undefined;
  if (eventPath && path[0] === 'events' && typeof path[1] === 'number') {
    index = path[1];
    path.splice(0, 2);
  }
  const field = path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
  // Unknown keys are reported on the object: name them as the field.
  const unknown = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
  const name = unknown ? (field ? `${field}.${unknown}` : unknown) : field || 'body';
  const message = unknown ? 'is not a known field' : (issue?.message ?? 'is invalid');
  return { ok: false, problem: { ...(index !== undefined ? { index } : {}), field: name, message } };
}

export const checkEvents = (body: unknown) => check(eventsBody, body, true);
export const checkAccount = (body: unknown) => check(accountBody, body, false);
export const checkEnrollment = (body: unknown) => check(enrollmentBody, body, false);
