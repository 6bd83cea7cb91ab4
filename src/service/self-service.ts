// The self-service portal's rules (issue 10): challenges (helpdesk PIN, security questions, the current AD
// password for a first enrollment), the portal lock, and the actions after a passed challenge (unlock the
// AD account, reset the password, enroll). The portal's pages only translate forms to these calls.
//
// - Unknown logins do the same work and get the same answers as known ones: a PIN check against no user,
//   questions drawn from the configured list by an HMAC of the login, failures counted in memory up to
//   the same lock.
// - Every attempt and result is a portal event with IP and client; every directory write is also a sync
//   transaction (system `active-directory`). Protected accounts (domain/protection.ts) pass no challenge.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { DirectoryEntry } from '../domain/directory-user';
import { isHelpdeskError } from '../domain/errors';
import { portalUserKey, type PortalAccount, type PortalEventInput } from '../domain/portal';
import { type Protection, protectionReason } from '../domain/protection';
import type { AnswerCipher } from '../ports/answer-cipher.port';
import type { Clock } from '../ports/clock.port';
import type { Directory } from '../ports/directory.port';
import type { Logger } from '../ports/logger.port';
import type { Store } from '../ports/store.port';
import { verifyHelpdeskPin } from './helpdesk-pins';
import type { OneTimeCodes } from './one-time-codes';

export interface SelfServiceSettings {
  readonly lockAfter: number;
  readonly questionsAsked: number;
  readonly questions: readonly string[];
  readonly minQuestions: number;
  readonly minAnswerLength: number;
}

export interface SelfServiceDeps {
  readonly directory: Directory;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly cipher: AnswerCipher;
  readonly pins: OneTimeCodes;
  readonly protection: Protection;
  /** Keys the made-up questions of unknown logins (so they are stable per login). */
  readonly decoyKey: Buffer;
  readonly settings: SelfServiceSettings;
}

/** Where a request came from (every portal event carries it). */
export interface Origin {
  readonly ip: string;
  readonly userAgent: string;
}

export type ChallengeResult =
  | { readonly ok: true; readonly user: string }
  | { readonly ok: false; readonly reason: 'wrong' | 'locked' };

export type ActionResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Answers compare after lower-casing, Unicode normalisation and collapsing spaces. */
export function normaliseAnswer(answer: string): string {
  return answer.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

const LOCKED_MESSAGE = 'This portal account is locked. Please call the helpdesk.';
const MAX_DECOY_FAILURES = 10_000;

export class SelfService {
  /** Failed challenges of logins the directory does not know: the same lock, without a row. */
  private readonly decoyFailures = new Map<string, number>();

  constructor(private readonly deps: SelfServiceDeps) {}

  get settings(): SelfServiceSettings {
    return this.deps.settings;
  }

  /** The questions to ask this login: `questionsAsked` of the enrolled ones in random order (positions). */
  async questionsFor(login: string): Promise<{ position: number; question: string }[]> {
    const entry = await this.find(login);
    const enrollment = entry ? await this.deps.store.enrollments.get(portalUserKey(entry.sAMAccountName)) : null;
    const n = this.deps.settings.questionsAsked;
    if (enrollment && enrollment.questions.length > 0) {
      return shuffle(enrollment.questions.map((q) => ({ position: q.position, question: q.question }))).slice(0, n);
    }
    // Not enrolled or unknown: questions that look enrolled, the same ones each time for this login.
    const list = this.deps.settings.questions;
    const seed = createHmac('sha256', this.deps.decoyKey).update(portalUserKey(login)).digest();
    const picked: { position: number; question: string }[] = [];
    for (let i = 0; picked.length < Math.min(n, list.length) && i < seed.length; i++) {
      const q = list[(seed[i] ?? 0) % list.length] as string;
      if (!picked.some((p) => p.question === q)) picked.push({ position: 100 + picked.length, question: q });
    }
    return picked;
  }

  async challengePin(login: string, pin: string, from: Origin): Promise<ChallengeResult> {
    const entry = await this.find(login);
    if (await this.isLocked(entry, login)) return this.lockedAnswer(entry, 'pin', from);
    const verdict = await verifyHelpdeskPin({ directory: this.deps.directory, store: this.deps.store, clock: this.deps.clock, pins: this.deps.pins }, login, pin, from);
    return this.conclude(entry, login, 'pin', verdict.valid, from);
  }

  async challengeQuestions(login: string, answers: readonly { position: number; answer: string }[], from: Origin): Promise<ChallengeResult> {
    const entry = await this.find(login);
    if (await this.isLocked(entry, login)) return this.lockedAnswer(entry, 'questions', from);
    const key = entry ? portalUserKey(entry.sAMAccountName) : undefined;
    const enrollment = key ? await this.deps.store.enrollments.get(key) : null;
    let right = enrollment !== null && answers.length >= Math.min(this.deps.settings.questionsAsked, enrollment.questions.length) && answers.length > 0;
    for (const a of answers) {
      const stored = enrollment?.questions.find((q) => q.position === a.position);
      let expected = 'x';
      try {
        if (stored && key) expected = this.deps.cipher.open(key, stored.answer);
      } catch {
        right = false; // a tampered or foreign row never matches
      }
      if (!stored || !sameText(normaliseAnswer(expected), normaliseAnswer(a.answer))) right = false;
    }
    return this.conclude(entry, login, 'questions', right, from);
  }

  /** First enrollment: the current AD password, by a real bind. Counts toward the lock like a challenge. */
  async challengePassword(login: string, password: string, from: Origin): Promise<ChallengeResult> {
    const entry = await this.find(login);
    if (await this.isLocked(entry, login)) return this.lockedAnswer(entry, 'password', from);
    const right = entry ? await this.deps.directory.checkPassword(entry.dn, password) : (await this.deps.directory.checkPassword('CN=nobody', password), false);
    return this.conclude(entry, login, 'password', right, from);
  }

  async unlockAccount(user: string, from: Origin): Promise<ActionResult> {
    const t = await this.target(user);
    if ('refused' in t) return t.refused;
    const dn = t.dn;
    try {
      await this.deps.directory.unlock(dn);
    } catch (e) {
      await this.record(user, 'account-unlock', false, from, 'the directory refused the unlock', { operation: 'unlock', error: errorText(e) });
      return { ok: false, message: 'The directory could not unlock your account just now. Please try again later or call the helpdesk.' };
    }
    await this.record(user, 'account-unlock', true, from, 'account unlocked on the portal', { operation: 'unlock' });
    return { ok: true };
  }

  async resetPassword(user: string, password: string, repeat: string, from: Origin): Promise<ActionResult> {
    if (password !== repeat) return { ok: false, message: 'The two passwords are not the same.' };
    if (password.length === 0 || password.length > 256) return { ok: false, message: 'Please type a new password.' };
    const t = await this.target(user);
    if ('refused' in t) return t.refused;
    const dn = t.dn;
    try {
      await this.deps.directory.setPassword(dn, password, { mustChange: false });
    } catch (e) {
      const policy = isHelpdeskError(e) && e.code === 'DIR.PASSWORD_POLICY';
      await this.record(user, 'password-reset', false, from, policy ? 'refused by the password policy' : 'the directory refused the reset', { operation: 'set-password', error: errorText(e) });
      return { ok: false, message: policy ? `The directory refused this password: ${errorText(e).replace(/^the directory refused the password: /, '')}` : 'The directory could not set your password just now. Please try again later or call the helpdesk.' };
    }
    await this.record(user, 'password-reset', true, from, 'password reset on the portal', { operation: 'set-password' });
    return { ok: true };
  }

  /** Replaces the enrollment: `minQuestions` distinct configured questions, answers of `minAnswerLength`. */
  async enroll(user: string, answers: readonly { question: string; answer: string }[], from: Origin): Promise<ActionResult> {
    const s = this.deps.settings;
    const filled = answers.filter((a) => a.question !== '' || a.answer.trim() !== '');
    if (filled.some((a) => !s.questions.includes(a.question))) return { ok: false, message: 'Please choose each question from the list.' };
    if (new Set(filled.map((a) => a.question)).size !== filled.length) return { ok: false, message: 'Please choose different questions.' };
    if (filled.length < s.minQuestions) return { ok: false, message: `Please answer at least ${s.minQuestions} questions.` };
    if (filled.some((a) => normaliseAnswer(a.answer).length < s.minAnswerLength || a.answer.length > 200)) {
      return { ok: false, message: `Each answer needs at least ${s.minAnswerLength} characters.` };
    }
    const t = await this.target(user);
    if ('refused' in t) return t.refused;
    const now = this.deps.clock.now();
    const sealed = filled.map((a) => ({ question: a.question, answer: this.deps.cipher.seal(user, normaliseAnswer(a.answer)) }));
    await this.deps.store.enrollments.replace(user, sealed, now);
    const account = await this.deps.store.portalAccounts.get(user);
    const methods = [...new Set([...(account?.methods ?? []), 'questions'])];
    await this.deps.store.portalAccounts.put({ ...this.fresh(user, account), enrolled: true, methods, updatedAt: now });
    await this.record(user, 'enrollment-change', true, from, `${filled.length} security questions enrolled`);
    return { ok: true };
  }

  private async find(login: string): Promise<DirectoryEntry | null> {
    const trimmed = login.trim();
    if (trimmed.length === 0 || trimmed.length > 256) return null;
    try {
      return await this.deps.directory.findByLogin(trimmed);
    } catch (e) {
      if (isHelpdeskError(e) && e.code === 'DIR.USER_NOT_FOUND') return null;
      throw e;
    }
  }

  private async isLocked(entry: DirectoryEntry | null, login: string): Promise<boolean> {
    if (!entry) return (this.decoyFailures.get(portalUserKey(login)) ?? 0) >= this.deps.settings.lockAfter;
    return (await this.deps.store.portalAccounts.get(portalUserKey(entry.sAMAccountName)))?.locked === true;
  }

  private async lockedAnswer(entry: DirectoryEntry | null, method: string, from: Origin): Promise<ChallengeResult> {
    if (entry) await this.record(portalUserKey(entry.sAMAccountName), 'sign-in', false, from, `refused: the portal account is locked (${method})`);
    return { ok: false, reason: 'locked' };
  }

  /** Records the result; a failure counts toward the lock; a pass by a protected account is refused. */
  private async conclude(entry: DirectoryEntry | null, login: string, method: string, passed: boolean, from: Origin): Promise<ChallengeResult> {
    if (!entry) {
      const key = portalUserKey(login);
      if (this.decoyFailures.size >= MAX_DECOY_FAILURES) this.decoyFailures.clear();
      const n = (this.decoyFailures.get(key) ?? 0) + 1;
      this.decoyFailures.set(key, n);
      return { ok: false, reason: n >= this.deps.settings.lockAfter ? 'locked' : 'wrong' };
    }
    const user = portalUserKey(entry.sAMAccountName);
    if (passed && (await this.protectedBecause(entry))) {
      await this.record(user, 'challenge', false, from, `${method}: refused, a protected account cannot use the portal`);
      return { ok: false, reason: 'wrong' };
    }
    await this.record(user, 'challenge', passed, from, method);
    const now = this.deps.clock.now();
    const account = await this.deps.store.portalAccounts.get(user);
    if (passed) {
      if (account && account.failedAttempts > 0) await this.deps.store.portalAccounts.put({ ...account, failedAttempts: 0, updatedAt: now });
      await this.record(user, 'sign-in', true, from, `signed in (${method})`);
      return { ok: true, user };
    }
    const failed = (account?.failedAttempts ?? 0) + 1;
    const locks = failed >= this.deps.settings.lockAfter;
    await this.deps.store.portalAccounts.put({
      ...this.fresh(user, account), failedAttempts: failed, updatedAt: now, ...(locks ? { locked: true, lockedAt: now } : {}),
    });
    if (locks) {
      await this.record(user, 'portal-lock', true, from, `locked after ${failed} failed challenges`);
      this.deps.logger.warn({ user, ip: from.ip }, 'portal account locked');
    }
    return { ok: false, reason: locks ? 'locked' : 'wrong' };
  }

  private fresh(user: string, account: PortalAccount | null): PortalAccount {
    return account ?? { user, enrolled: false, methods: [], locked: false, failedAttempts: 0, updatedAt: this.deps.clock.now() };
  }

  private async protectedBecause(entry: DirectoryEntry): Promise<boolean> {
    const groups = await this.deps.directory.groupsOf(entry.dn, entry.memberOf);
    return protectionReason(entry, groups, this.deps.protection) !== undefined;
  }

  /** Re-checked before every directory write (the session may be older than a group change). */
  private async target(user: string): Promise<{ dn: string } | { refused: ActionResult }> {
    const entry = await this.find(user);
    if (entry && !(await this.protectedBecause(entry))) return { dn: entry.dn };
    return { refused: { ok: false, message: 'This account cannot be changed on the self-service portal. Please call the helpdesk.' } };
  }

  private async record(
    user: string, type: string, success: boolean, from: Origin, detail: string, sync?: { operation: string; error?: string },
  ): Promise<void> {
    const base = { user, outcome: success ? 'success' : 'failure', at: this.deps.clock.now(), ip: from.ip, userAgent: from.userAgent.slice(0, 512), unknownUser: false } as const;
    const events: PortalEventInput[] = [{ ...base, type, detail, category: 'self-service' }];
    if (sync) {
      events.push({
        ...base, type, detail, category: 'sync', system: 'active-directory', operation: sync.operation,
        status: success ? 'succeeded' : 'failed', ...(sync.error ? { error: sync.error.slice(0, 500) } : {}),
      });
    }
    await this.deps.store.portalEvents.append(events);
  }
}

export { LOCKED_MESSAGE };

function sameText(a: string, b: string): boolean {
  const x = createHmac('sha256', 'cmp').update(a).digest();
  const y = createHmac('sha256', 'cmp').update(b).digest();
  return timingSafeEqual(x, y);
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
