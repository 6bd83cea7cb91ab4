// Vishing indicators: signs that the caller on the phone may not be the user. Pure rules over facts the
// service gathered (src/service/vishing-facts.ts); thresholds from the configuration. Each indicator
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

export interface IndicatorFacts {
  readonly now: Date;
  /** The user's events of the last 24 hours, newest first. */
  readonly events: readonly PortalEvent[];
  /** Password resets and enrollment changes (last 24 h) from an address or client not seen in the 90 days before. */
  readonly newOrigins: readonly NewOrigin[];
  /**
   * What the helpdesk did to this user's accounts in the last hour (its own trail and helpdesk-* events):
   * `what` is a policy action or a helpdesk-* event type, `by` the agent's login.
   */
  readonly helpdeskActions: readonly { readonly at: Date; readonly what: string; readonly by?: string }[];
  /** For each address this user's events came from (last 24 h): the users locked out of the portal from it. */
  readonly locksByIp: readonly { readonly ip: string; readonly users: readonly string[] }[];
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
  | 'helpdesk-recent'
  | 'locks-from-ip';

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

/** What the helpdesk did, in words: the bot's own actions and the helpdesk-* portal events. */
const HELPDESK_DID: Record<string, string> = {
  'account.unlock': 'unlocked the account',
  'helpdesk-unlock': 'unlocked the portal account',
  'portal.unlock': 'unlocked the portal account',
  'password.reset': 'reset the password',
  'password.reset.view': 'reset the password',
  'helpdesk-password-reset': 'reset the password',
  'pin.sms': 'issued a helpdesk PIN',
  'pin.view': 'issued a helpdesk PIN',
  'helpdesk-pin-issued': 'issued a helpdesk PIN',
  'tap.sms': 'issued a Temporary Access Pass',
  'tap.view': 'issued a Temporary Access Pass',
  'helpdesk-verify': 'checked the caller with an SMS code',
};

function helpdeskDid(action: { readonly what: string; readonly by?: string }): string {
  const did = HELPDESK_DID[action.what] ?? 'acted on the account';
  return action.by ? `${action.by} ${did}` : `someone ${did}`;
}

/** The indicators that fire, each a sentence; times in `zone` (the viewer's, display only) beside UTC. */
export function vishingIndicators(facts: IndicatorFacts, t: IndicatorThresholds, zone?: string): Indicator[] {
  const { now, events } = facts;
  const out: Indicator[] = [];

  const failedAnswers = events.filter((e) => e.type === 'challenge' && e.outcome === 'failure' && !isPinFailure(e) && within(e, now, HOUR_MS));
  if (failedAnswers.length >= t.failedAnswersPerHour) {
    out.push({ rule: 'failed-answers', text: `${plural(failedAnswers.length, 'failed answer')} ${span(failedAnswers, zone)}${fromWhere(failedAnswers)}` });
  }

  const pinFailures = events.filter((e) => isPinFailure(e) && within(e, now, DAY_MS));
  if (pinFailures.length >= t.pinFailuresPerDay) {
    out.push({ rule: 'pin-failures', text: `${plural(pinFailures.length, 'failed PIN verification')} ${span(pinFailures, zone)}${fromWhere(pinFailures)}` });
  }

  for (const o of facts.newOrigins) {
    const what = WHAT[o.event.type] ?? o.event.type;
    const kind = o.field === 'ip' ? 'an address' : 'a client';
    out.push({ rule: 'new-origin', text: `${what} at ${clockTime(o.event.at, zone)} from ${kind} not seen for this user in the previous 90 days: ${o.value}` });
  }

  const enrollmentChanges = events.filter((e) => e.type === 'enrollment-change' && e.outcome === 'success' && within(e, now, DAY_MS));
  if (enrollmentChanges.length > 0) {
    const latest = enrollmentChanges[0] as PortalEvent;
    const what = latest.detail ? ` (${latest.detail})` : '';
    out.push({
      rule: 'enrollment-changed',
      text: `Enrollment changed${what} at ${clockTime(latest.at, zone)}, less than 24 hours ago${enrollmentChanges.length > 1 ? ` (${enrollmentChanges.length} changes)` : ''}`,
    });
  }

  const acted = facts.helpdeskActions.filter((a) => within(a, now, HOUR_MS)).sort((a, b) => b.at.getTime() - a.at.getTime());
  if (acted.length > 0) {
    const latest = acted[0] as (typeof acted)[number];
    out.push({
      rule: 'helpdesk-recent',
      text: `The helpdesk already acted on this user at ${clockTime(latest.at, zone)} (${helpdeskDid(latest)})${acted.length > 1 ? `, ${plural(acted.length, 'action')} in the last hour` : ''}`,
    });
  }

  for (const { ip, users } of facts.locksByIp) {
    if (users.length >= t.lockedUsersPerIp) {
      out.push({ rule: 'locks-from-ip', text: `${users.length} users' portal accounts locked from ${ip} in the last 24 hours` });
    }
  }
  return out;
}
