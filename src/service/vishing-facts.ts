// Gathers what the vishing rules (src/domain/vishing-indicators.ts) look at, from the store: the user's
// last 24 hours of portal events, whether a reset's address or client was seen before, what the
// helpdesk did in the last hour, and how many users were locked out from the same addresses.
import { actsOnAccount, ACTIONS, type Action } from '../domain/policy';
import {
  DAY_MS, HOUR_MS, SEEN_WINDOW_MS, SESSION_MS, vishingIndicators, type IndicatorFacts, type NewOrigin,
} from '../domain/vishing-indicators';
import type { UseCaseEnv } from './use-case';
import type { IndicatorView } from './views';

const MAX_EVENTS = 500;
const MAX_IPS = 5;
/** A helpdesk-* event this close to an account change by the same person is that change's own record. */
const SAME_CHANGE_MS = 60_000;

const isAction = (a: string): a is Action => Object.prototype.hasOwnProperty.call(ACTIONS, a);

/** The agent a helpdesk-* event's detail names ("by jdoe, sent by SMS", "by jdoe: …", older "… (agent jdoe)"). */
function agentIn(detail: string | undefined): { by?: string } {
  const m = /\(agent ([^\s,()]+)\)|^by ([^\s,:()]+)(?:[,:]|$)/.exec(detail ?? '');
  const by = m?.[1] ?? m?.[2];
  return by ? { by } : {};
}

export async function gatherFacts(env: UseCaseEnv, user: string, login: string): Promise<IndicatorFacts> {
  const now = env.clock.now();
  const { portalEvents } = env.store;
  const events = await portalEvents.list({ user, since: new Date(now.getTime() - DAY_MS), limit: MAX_EVENTS });

  const newOrigins: NewOrigin[] = [];
  for (const e of events) {
    if ((e.type !== 'password-reset' && e.type !== 'enrollment-change') || e.outcome !== 'success') continue;
    const from = new Date(e.at.getTime() - SEEN_WINDOW_MS);
    const to = new Date(e.at.getTime() - SESSION_MS);
    if (e.ip && !(await portalEvents.seenFrom(user, 'ip', e.ip, from, to))) newOrigins.push({ event: e, field: 'ip', value: e.ip });
    else if (e.userAgent && !(await portalEvents.seenFrom(user, 'userAgent', e.userAgent, from, to))) {
      newOrigins.push({ event: e, field: 'client', value: e.userAgent });
    }
  }

  const hourAgo = now.getTime() - HOUR_MS;
  // Account changes through the bot come from the change-limit table (indexed by target and time, kept for
  // an hour): the audit trail holds every lookup of a user too, which makes it the slower place to ask.
  const changes = await env.store.accountChanges.recent(login, new Date(hourAgo), 50);
  const bot = changes.filter((c) => isAction(c.action) && actsOnAccount(c.action)).map((c) => ({ at: c.at, what: c.action, by: c.actor }));
  // A change made through this bot also leaves a helpdesk-* portal event moments later: count it once.
  const sameChange = (e: { at: Date; by?: string }) =>
    bot.some((c) => c.by === e.by && Math.abs(c.at.getTime() - e.at.getTime()) <= SAME_CHANGE_MS);
  const helpdeskActions = [
    ...bot,
    ...events
      .filter((e) => e.type.startsWith('helpdesk-') && e.at.getTime() >= hourAgo)
      .map((e) => ({ at: e.at, what: e.type, ...agentIn(e.detail) }))
      .filter((e) => !sameChange(e)),
  ];

  const ips = [...new Set(events.map((e) => e.ip).filter((ip): ip is string => ip !== undefined))].slice(0, MAX_IPS);
  const since = new Date(now.getTime() - DAY_MS);
  const locksByIp = await Promise.all(ips.map(async (ip) => ({ ip, users: await portalEvents.usersLockedFrom(ip, since) })));

  return { now, events, newOrigins, helpdeskActions, locksByIp };
}

/** `timeZone`: the viewer's, for the times in the texts (UTC beside); none for text many people read. */
export async function indicatorsFor(env: UseCaseEnv, user: string, login: string, timeZone?: string): Promise<IndicatorView[]> {
  return vishingIndicators(await gatherFacts(env, user, login), env.settings.indicators, timeZone);
}
