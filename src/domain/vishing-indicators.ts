// Vishing indicators: signs that the caller on the phone may not be the user. Pure rules over facts the
// service gathered (src/service/portal-data/vishing-facts.ts); thresholds from the configuration. Each indicator
// says in words what it saw. A quiet user shows none.
import type { PortalEvent } from './portal';
import { clockTime, timeSpan } from './time-text';
import type { IndicatorThresholds } from './vishing-thresholds';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** How far back an address or client counts as "seen before" for this user. */
export const SEEN_WINDOW_MS = 90 * DAY_MS;
/** Events this close before a reset are its own session: they do not make its address "seen". */
export const SESSION_MS = HOUR_MS;

export interface NewOrigin {
  readonly event: PortalEvent;
  readonly field: 'ip' | 'client';
  readonly value: string;
}

/** The successful events that show the user was here: only these make an address or client "seen before". */
export const SEEN_TYPES = ['sign-in', 'challenge'] as const;

/**
 * What the caller and the portal did, each read by its own query over its own window (so nothing else
 * written for the user can push it out). Not the helpdesk's own work: that is `history <user>`.
 */
export interface IndicatorFacts {
  readonly now: Date;
  /** The user's failed challenges of the last 24 hours, newest first. */
  readonly failedChallenges: readonly PortalEvent[];
  /** The user's failed PIN verifications (pin-verify) of the last 24 hours, newest first. */
  readonly failedPinVerifications: readonly PortalEvent[];
  /** The user's successful enrollment changes of the last 24 hours, newest first. */
  readonly enrollmentChanges: readonly PortalEvent[];
  /** Password resets and enrollment changes (last 24 h) from an address or client not seen in the 90 days before. */
  readonly newOrigins: readonly NewOrigin[];
  /** For each address this user's failures, resets and enrollment changes came from (last 24 h): the users locked out of the portal from it. */
  readonly locksByIp: readonly { readonly ip: string; readonly users: readonly string[] }[];
  /** How many events arrived for this user in the last hour, whatever their own time says. */
  readonly eventsLastHour: number;
}

export interface Indicator {
  readonly rule: IndicatorRule;
  readonly text: string;
}

export type IndicatorRule =
  | 'failed-answers'
  | 'pin-failures'
  | 'new-origin'
  | 'enrollment-changed'
  | 'locks-from-ip'
  | 'event-flood';

const within = (e: { at: Date }, now: Date, ms: number) => e.at.getTime() >= now.getTime() - ms && e.at.getTime() <= now.getTime();
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function fromWhere(events: readonly PortalEvent[]): string {
  const ips = [...new Set(events.map((e) => e.ip).filter((ip): ip is string => ip !== undefined))];
  if (ips.length === 0) return '';
  return ips.length <= 3 ? ` from ${ips.join(', ')}` : ` from ${ips.slice(0, 3).join(', ')} and ${ips.length - 3} more addresses`;
}

function span(events: readonly PortalEvent[], zone: string | undefined): string {
  const times = events.map((e) => e.at.getTime());
  return timeSpan(new Date(Math.min(...times)), new Date(Math.max(...times)), zone);
}

const isPinFailure = (e: PortalEvent) =>
  e.outcome === 'failure' && (e.type === 'pin-verify' || (e.type === 'challenge' && /^pin\b/.test(e.detail ?? '')));

const WHAT: Record<string, string> = { 'password-reset': 'Password reset', 'enrollment-change': 'Enrollment change' };

/** The indicators that fire, each a sentence; times in `zone` (the viewer's, display only) beside UTC. */
export function vishingIndicators(facts: IndicatorFacts, t: IndicatorThresholds, zone?: string): Indicator[] {
  const { now } = facts;
  const out: Indicator[] = [];

  const failedAnswers = facts.failedChallenges.filter((e) => !isPinFailure(e) && within(e, now, HOUR_MS));
  if (failedAnswers.length >= t.failedAnswersPerHour) {
    out.push({ rule: 'failed-answers', text: `${plural(failedAnswers.length, 'failed answer')} ${span(failedAnswers, zone)}${fromWhere(failedAnswers)}` });
  }

  const pinFailures = [...facts.failedPinVerifications, ...facts.failedChallenges].filter((e) => isPinFailure(e) && within(e, now, DAY_MS));
  if (pinFailures.length >= t.pinFailuresPerDay) {
    out.push({ rule: 'pin-failures', text: `${plural(pinFailures.length, 'failed PIN verification')} ${span(pinFailures, zone)}${fromWhere(pinFailures)}` });
  }

  for (const o of facts.newOrigins) {
    const what = WHAT[o.event.type] ?? o.event.type;
    const kind = o.field === 'ip' ? 'an address' : 'a client';
    out.push({ rule: 'new-origin', text: `${what} at ${clockTime(o.event.at, zone)} from ${kind} not seen for this user in the previous 90 days: ${o.value}` });
  }

  const enrollmentChanges = facts.enrollmentChanges.filter((e) => within(e, now, DAY_MS));
  if (enrollmentChanges.length > 0) {
    const latest = enrollmentChanges[0] as PortalEvent;
    const what = latest.detail ? ` (${latest.detail})` : '';
    out.push({
      rule: 'enrollment-changed',
      text: `Enrollment changed${what} at ${clockTime(latest.at, zone)}, less than 24 hours ago${enrollmentChanges.length > 1 ? ` (${enrollmentChanges.length} changes)` : ''}`,
    });
  }

  for (const { ip, users } of facts.locksByIp) {
    if (users.length >= t.lockedUsersPerIp) {
      out.push({ rule: 'locks-from-ip', text: `${users.length} users' portal accounts locked from ${ip} in the last 24 hours` });
    }
  }

  // A flood is bounded on the way in (src/service/portal-data/event-flood.ts) and is itself a sign: it buries a real attempt.
  if (facts.eventsLastHour >= t.eventsPerHour) {
    out.push({ rule: 'event-flood', text: `${facts.eventsLastHour} portal events for this user arrived in the last hour, far above normal (${t.eventsPerHour} or more is unusual)` });
  }
  return out;
}
