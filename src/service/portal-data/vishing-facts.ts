// Gathers what the vishing rules (src/domain/vishing-indicators.ts) look at, from the store. Each fact is
// its own indexed query over its own window: failed challenges, PIN verifications and sign-ins, enrollment
// changes and resets of the last 24 hours, whether a reset's address or client was seen before, the users
// locked out from the same addresses, and how many events arrived in the last hour. Nothing else written
// for the user (page views, SMS requests, a flood) can push one of them out.
import type { PortalEvent } from '../../domain/portal';
import {
  DAY_MS, HOUR_MS, SEEN_TYPES, SEEN_WINDOW_MS, SESSION_MS, vishingIndicators, type IndicatorFacts, type NewOrigin,
} from '../../domain/vishing-indicators';
import type { UseCaseEnv, IndicatorView } from '../kernel';

/** Per query: far more than any threshold, and bounded by the flood bound per hour (src/service/portal-data/event-flood.ts). */
const MAX_EVENTS = 200;
const MAX_ORIGINS = 20;
const MAX_IPS = 5;

export async function gatherFacts(env: UseCaseEnv<'portalEvents'>, user: string): Promise<IndicatorFacts> {
  const now = env.clock.now();
  const { portalEvents } = env.store;
  const since = new Date(now.getTime() - DAY_MS);
  const [failedChallenges, failedPinVerifications, failedSignIns, enrollmentChanges, resets, eventsLastHour] = await Promise.all([
    portalEvents.list({ user, type: 'challenge', outcome: 'failure', since, limit: MAX_EVENTS }),
    portalEvents.list({ user, type: 'pin-verify', outcome: 'failure', since, limit: MAX_EVENTS }),
    portalEvents.list({ user, type: 'sign-in', outcome: 'failure', since, limit: MAX_EVENTS }),
    portalEvents.list({ user, type: 'enrollment-change', outcome: 'success', since, limit: MAX_ORIGINS }),
    portalEvents.list({ user, type: 'password-reset', outcome: 'success', since, limit: MAX_ORIGINS }),
    portalEvents.countArrived(user, new Date(now.getTime() - HOUR_MS)),
  ]);

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
