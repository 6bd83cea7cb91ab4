// What the portal API does with what it receives (the rules; src/portal/api only translates HTTP):
// events are filed under the user's sAMAccountName when the directory knows them (flagged otherwise), carry
// their arrival time (and a mark when their own time lies far from it), and are bounded per user and hour;
// portal accounts are read and written, and enrollment answers are sealed before they reach the store.
import { DEFAULT_EVENTS_PER_USER_HOUR } from '../../domain/vishing-thresholds';
import { isSkewed, portalUserKey, type EventCategory, type PortalAccount, type PortalEvent, type PortalEventInput, type SyncStatus } from '../../domain/portal';
import type { AnswerCipher } from '../../ports/answer-cipher.port';
import type { Clock } from '../../ports/clock.port';
import type { Directory } from '../../ports/directory.port';
import type { Store } from '../../ports/store.port';
import { roomForEvents } from './event-flood';
import { userNamedBy } from '../kernel';

export interface IncomingEvent {
  readonly id?: string;
  readonly user: string;
  readonly type: string;
  readonly outcome: 'success' | 'failure';
  readonly at: string;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly detail?: string;
  readonly category?: EventCategory;
  readonly system?: string;
  readonly operation?: string;
  readonly status?: SyncStatus;
  readonly error?: string;
}

export interface AccountState {
  readonly user: string;
  readonly knownToDirectory: boolean;
  readonly enrolled: boolean;
  readonly methods: readonly string[];
  readonly locked: boolean;
  readonly lockedAt?: string;
  readonly failedAttempts: number;
  readonly enrollmentChangedAt?: string;
  readonly lastActivity?: EventSummary;
  /** The latest events, newest first (what the helpdesk did shows here too: helpdesk-unlock, …). */
  readonly recentEvents: readonly EventSummary[];
}

interface EventSummary {
  readonly at: string;
  readonly type: string;
  readonly outcome: string;
  readonly detail?: string;
}

export interface PortalIntakeDeps {
  readonly directory: Directory;
  readonly store: Pick<Store, 'enrollments' | 'portalAccounts' | 'portalEvents'>;
  readonly clock: Clock;
  readonly cipher: AnswerCipher;
  /** PORTAL_EVENTS_PER_USER_HOUR: events stored per user per hour; the rest of a batch is dropped (and counted). */
  readonly eventsPerUserHour?: number;
}

const RECENT_EVENTS = 10;

function summary(e: PortalEvent): EventSummary {
  return { at: e.at.toISOString(), type: e.type, outcome: e.outcome, ...(e.detail ? { detail: e.detail } : {}) };
}

export class PortalIntake {
  constructor(private readonly deps: PortalIntakeDeps) {}

  /** The key a login is filed under, and whether the directory knows it. */
  async resolve(login: string): Promise<{ user: string; known: boolean }> {
    // An ambiguous login (one account's login is another's mail) is filed as unknown, not a failed batch.
    const entry = await userNamedBy(this.deps.directory, login);
    return entry ? { user: portalUserKey(entry.sAMAccountName), known: true } : { user: portalUserKey(login), known: false };
  }

  /** `overLimit`: events dropped because their user's hour was full (only when there were any). */
  async acceptEvents(events: readonly IncomingEvent[]): Promise<{ accepted: number; duplicates: number; unknownUsers: number; overLimit?: number }> {
    const resolved = new Map<string, { user: string; known: boolean }>();
    for (const login of new Set(events.map((e) => portalUserKey(e.user)))) resolved.set(login, await this.resolve(login));
    const arrivedAt = this.deps.clock.now();
    const perHour = this.deps.eventsPerUserHour ?? DEFAULT_EVENTS_PER_USER_HOUR;
    const room = new Map<string, number>();
    for (const user of new Set([...resolved.values()].map((w) => w.user))) room.set(user, await roomForEvents(this.deps.store.portalEvents, user, arrivedAt, perHour));
    const inputs: PortalEventInput[] = [];
    let overLimit = 0;
    for (const e of events) {
      const who = resolved.get(portalUserKey(e.user)) ?? { user: portalUserKey(e.user), known: false };
      const left = room.get(who.user) ?? 0;
      if (left <= 0) {
        overLimit++;
        continue;
      }
      room.set(who.user, left - 1);
      const at = new Date(e.at);
      inputs.push({
        ...(e.id ? { eventId: e.id } : {}),
        user: who.user,
        type: e.type,
        outcome: e.outcome,
        at,
        ...(e.ip ? { ip: e.ip } : {}),
        ...(e.userAgent ? { userAgent: e.userAgent } : {}),
        ...(e.detail ? { detail: e.detail } : {}),
        category: e.category ?? 'self-service',
        ...(e.system ? { system: e.system } : {}),
        ...(e.operation ? { operation: e.operation } : {}),
        ...(e.status ? { status: e.status } : {}),
        ...(e.error ? { error: e.error } : {}),
        unknownUser: !who.known,
        arrivedAt,
        ...(isSkewed(at, arrivedAt) ? { skewed: true } : {}),
      });
    }
    const accepted = inputs.length ? await this.deps.store.portalEvents.append(inputs) : 0;
    return { accepted, duplicates: inputs.length - accepted, unknownUsers: inputs.filter((e) => e.unknownUser).length, ...(overLimit ? { overLimit } : {}) };
  }

  /** null: neither the directory nor the store knows this login. */
  async account(login: string): Promise<AccountState | null> {
    const { user, known } = await this.resolve(login);
    const { portalAccounts, portalEvents, enrollments } = this.deps.store;
    const [account, recent, lastSelfService, enrollment] = await Promise.all([
      portalAccounts.get(user),
      portalEvents.list({ user, limit: RECENT_EVENTS }),
      portalEvents.list({ user, category: 'self-service', limit: 1 }),
      enrollments.get(user),
    ]);
    if (!known && !account && recent.length === 0) return null;
    const last = lastSelfService[0];
    return {
      user,
      knownToDirectory: known,
      enrolled: account?.enrolled ?? false,
      methods: account?.methods ?? [],
      locked: account?.locked ?? false,
      ...(account?.locked && account.lockedAt ? { lockedAt: account.lockedAt.toISOString() } : {}),
      failedAttempts: account?.failedAttempts ?? 0,
      ...(enrollment ? { enrollmentChangedAt: enrollment.updatedAt.toISOString() } : {}),
      ...(last ? { lastActivity: summary(last) } : {}),
      recentEvents: recent.map(summary),
    };
  }

  /** A locked account without a lockedAt is locked as of now. */
  async putAccount(login: string, body: Omit<PortalAccount, 'user' | 'updatedAt'>): Promise<AccountState> {
    const { user } = await this.resolve(login);
    const now = this.deps.clock.now();
    const { locked, lockedAt, failedAttempts, ...rest } = body;
    await this.deps.store.portalAccounts.put({ ...rest, user, updatedAt: now });
    await this.deps.store.portalAccounts.setLock(user, { locked, ...(lockedAt ? { lockedAt } : {}), failedAttempts }, now);
    return (await this.account(user)) as AccountState;
  }

  /** Seals each answer (fresh nonce, the user as associated data) and marks the account enrolled. */
  async putEnrollment(login: string, questions: readonly { question: string; answer: string }[]): Promise<void> {
    const { user } = await this.resolve(login);
    const now = this.deps.clock.now();
    const sealed = questions.map((q) => ({ question: q.question, answer: this.deps.cipher.seal(user, q.answer) }));
    await this.deps.store.enrollments.replace(user, sealed, now);
    const account = await this.deps.store.portalAccounts.get(user);
    const methods = [...new Set([...(account?.methods ?? []), 'questions'])];
    await this.deps.store.portalAccounts.put({ user, enrolled: true, methods, updatedAt: now });
  }
}
