// Gathers what the vishing rules (src/domain/vishing-indicators.ts) look at, from the store. Each fact is
// its own indexed query over its own window: failed challenges, PIN verifications and sign-ins, enrollment
// changes and resets of the last 24 hours, whether a reset's address or client was seen before, the users
// locked out from the same addresses, and how many events arrived in the last hour. Nothing else written
// for the user (page views, SMS requests, a flood) can push one of them out.
import type { PortalEvent } from '../../domain/portal';
import {
  DAY_MS, HOUR_MS, SEEN_TYPES, SEEN_WINDOW_MS, SESSION_MS, vishingIndicators, type IndicatorFacts, type NewOrigin,
} from '../../domain/vishing-indicators';
import type { PortalCardQuery, PortalCardState } from '../../ports/portal.port';
import type { UseCaseEnv, IndicatorView } from '../kernel';

/** Per query: far more than any threshold, and bounded by the flood bound per hour (src/service/portal-data/event-flood.ts). */
const MAX_EVENTS = 200;
const MAX_ORIGINS = 20;
const MAX_IPS = 5;

/** The recent events the rules look at, per (type, outcome); a details card reads them with its state (PortalCardQuery). */
const RECENT = [
  { type: 'challenge', outcome: 'failure', limit: MAX_EVENTS },
  { type: 'pin-verify', outcome: 'failure', limit: MAX_EVENTS },
  { type: 'sign-in', outcome: 'failure', limit: MAX_EVENTS },
  { type: 'enrollment-change', outcome: 'success', limit: MAX_ORIGINS },
  { type: 'password-reset', outcome: 'success', limit: MAX_ORIGINS },
] as const;

/** What to read for the facts at `now`: the part of a details card's PortalCardQuery that is theirs. */
export function indicatorWindow(now: Date): Pick<PortalCardQuery, 'since' | 'recent' | 'arrivedSince'> {
  return { since: new Date(now.getTime() - DAY_MS), recent: RECENT, arrivedSince: new Date(now.getTime() - HOUR_MS) };
}

export async function gatherFacts(env: UseCaseEnv<'portalEvents'>, user: string): Promise<IndicatorFacts> {
  const now = env.clock.now();
  const { portalEvents } = env.store;
  const { since, recent, arrivedSince } = indicatorWindow(now);
  const [lists, eventsLastHour] = await Promise.all([
    Promise.all(recent.map(({ type, outcome, limit }) => portalEvents.list({ user, type, outcome, since, limit }))),
    portalEvents.countArrived(user, arrivedSince),
  ]);
  return factsFrom(env, user, now, lists, eventsLastHour);
}

/** `lists`: the RECENT events, in its order; the origins and the locks by address are read only when there are some. */
async function factsFrom(env: UseCaseEnv<'portalEvents'>, user: string, now: Date, lists: readonly (readonly PortalEvent[])[], eventsLastHour: number): Promise<IndicatorFacts> {
  const { portalEvents } = env.store;
  const since = new Date(now.getTime() - DAY_MS);
  const [failedChallenges = [], failedPinVerifications = [], failedSignIns = [], enrollmentChanges = [], resets = []] = lists;

  const newOrigins: NewOrigin[] = [];
  for (const e of [...resets, ...enrollmentChanges].sort((a, b) => b.at.getTime() - a.at.getTime())) {
    // Seen: a successful sign-in that arrived before this event's own session, and was not back-dated.
    const window = { user, types: SEEN_TYPES, from: new Date(e.at.getTime() - SEEN_WINDOW_MS), to: new Date(e.at.getTime() - SESSION_MS) };
    if (e.ip && !(await portalEvents.seenFrom({ ...window, field: 'ip', value: e.ip }))) newOrigins.push({ event: e, field: 'ip', value: e.ip });
    else if (e.userAgent && !(await portalEvents.seenFrom({ ...window, field: 'userAgent', value: e.userAgent }))) {
      newOrigins.push({ event: e, field: 'client', value: e.userAgent });
    }
  }

  const latestFirst = (list: readonly PortalEvent[]) => [...list].sort((a, b) => b.at.getTime() - a.at.getTime());
  const ips = [...new Set(latestFirst([...failedChallenges, ...failedPinVerifications, ...failedSignIns, ...resets, ...enrollmentChanges])
    .map((e) => e.ip).filter((ip): ip is string => ip !== undefined))].slice(0, MAX_IPS);
  const locksByIp = await Promise.all(ips.map(async (ip) => ({ ip, users: await portalEvents.usersLockedFrom(ip, since) })));

  return { now, failedChallenges, failedPinVerifications, enrollmentChanges, newOrigins, locksByIp, eventsLastHour };
}

/** `timeZone`: the viewer's, for the times in the texts (UTC beside); none for text many people read. */
export async function indicatorsFor(env: UseCaseEnv<'portalEvents'>, user: string, timeZone?: string): Promise<IndicatorView[]> {
  return vishingIndicators(await gatherFacts(env, user), env.settings.indicators, timeZone);
}

/** The same, from a details card's one read (PortalCardState, read with indicatorWindow(now)). */
export async function indicatorsFromCard(env: UseCaseEnv<'portalEvents'>, user: string, now: Date, state: PortalCardState, timeZone?: string): Promise<IndicatorView[]> {
  return vishingIndicators(await factsFrom(env, user, now, state.recent, state.arrived), env.settings.indicators, timeZone);
}
