// The self-service portal's rules (issue 10): challenges (helpdesk PIN, security questions, a one-time code
// by SMS to the registered mobile, the current AD password for a first enrollment), the portal lock, and
// the actions after a passed challenge (unlock the AD account, reset the password, enroll, register a
// mobile proven by a code sent to it). The portal's pages only translate forms to these calls.
//
// - Unknown logins do the same work and get the same answers as known ones: a PIN check against no user,
//   questions drawn from the configured list by an HMAC of the login (shuffled like real ones), failures
//   recorded as portal events (marked unknown) and counted by the same store step up to the same lock,
//   under the login's canonical spelling (unknownLoginKey). An SMS code is sent after the answer
//   (never awaited by the page), so whether a text went out, and to where, shows neither in the page nor
//   in its timing.
// - The lock is one atomic store step per attempt (PortalAttemptRepository): a place is taken before the
//   answer is judged, so concurrent answers never get more than PORTAL_LOCK_AFTER judged failures.
// - The current password (a first enrollment) is tried by a real bind only where it may be used and within a
//   budget below the directory's lockout (domain/lockout-policy.ts), so the portal can never lock an AD account;
//   every other try binds as no account and takes as long as a real wrong bind.
// - Every attempt and result is a portal event with IP and client; every directory write is also a sync
//   transaction (system `active-directory`). Protected accounts (domain/protection.ts) pass no challenge.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DirectoryEntry } from '../../domain/directory-user';
import { isHelpdeskError } from '../../domain/errors';
import { type BindBudget, passwordBindBudget } from '../../domain/lockout-policy';
import { passwordRulesText, refusalReason, type PasswordRules } from '../../domain/password-rules';
import { DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE, portalUserKey, type PortalAccount, type PortalEventInput } from '../../domain/portal';
import { type Protection, protectionReason } from '../../domain/protection';
import { DEFAULT_TEXT_BUDGET } from '../../domain/text-budget';
import { DEFAULT_EVENTS_PER_USER_HOUR } from '../../domain/vishing-thresholds';
import type { AnswerCipher } from '../../ports/answer-cipher.port';
import type { Clock } from '../../ports/clock.port';
import type { Directory } from '../../ports/directory.port';
import type { Logger } from '../../ports/logger.port';
import type { AttemptPlace } from '../../ports/portal.port';
import type { SmsSender } from '../../ports/sms.port';
import type { Store } from '../../ports/store.port';
import { roomForEvents } from '../portal-data';
import { userNamedBy, type OneTimeCodes } from '../kernel';
import { claimPasswordBind } from './password-binds';
import { hhmm, maskedNumber } from '../secrets';
import { NOTICE_COMBINED_MS, TextBudget } from './text-budget';

export interface SelfServiceSettings {
  readonly lockAfter: number;
  readonly questionsAsked: number;
  readonly questions: readonly string[];
  readonly minQuestions: number;
  readonly minAnswerLength: number;
  /** Challenges and SMS sign-ins per account (all its spellings) or unknown login per minute (PORTAL_LOGIN_RATE_PER_MINUTE). */
  readonly loginAttemptsPerMinute?: number;
}

export interface SelfServiceDeps {
  readonly directory: Directory;
  /** Only the repositories the portal's rules use. */
  readonly store: Pick<Store, 'enrollments' | 'portalAccounts' | 'portalAttempts' | 'portalEvents' | 'portalMobiles' | 'quotas'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly cipher: AnswerCipher;
  readonly pins: OneTimeCodes;
  /** The portal's own SMS codes (sign-in, and proving a mobile being registered). */
  readonly codes: OneTimeCodes;
  /** Unset: no SMS here (no Twilio, no dev outbox), so no SMS sign-in and no mobile registration. */
  readonly sms?: SmsSender;
  /** The portal's texts per account, per number and in total (SMS_*); unset: the default budget on this store. */
  readonly texts?: TextBudget;
  readonly orgName: string;
  /** NOTIFY_AFTER_RESET: a notice without any secret after a portal reset or a changed mobile; `contact`: whom to call. */
  readonly notice?: { readonly contact?: string };
  readonly protection: Protection;
  /** Keys the made-up questions of unknown logins (so they are stable per login). */
  readonly decoyKey: Buffer;
  /**
   * The directory's UPN and mail suffixes (lower case, no @): an unknown login's failures count under its
   * local part when it ends in one of them, as a real account's count across its spellings.
   */
  readonly loginSuffixes: readonly string[];
  readonly settings: SelfServiceSettings;
  /** PORTAL_EVENTS_PER_USER_HOUR: the bound on the events anyone can make us write for one user (src/service/portal-data/event-flood.ts). */
  readonly eventsPerUserHour?: number;
}

/** Refusals anyone can cause without proving anything (SMS code requests, sign-ins while locked): bounded per user and hour. */
const ANONYMOUS_FAILURES: ReadonlySet<string> = new Set(['code-sent', 'sign-in']);

/** Where a request came from (every portal event carries it). */
export interface Origin {
  readonly ip: string;
  readonly userAgent: string;
}

export type ChallengeResult =
  | { readonly ok: true; readonly user: string }
  /** too-many: over PORTAL_LOGIN_RATE_PER_MINUTE for this account (or unknown login); nothing was judged or recorded. */
  | { readonly ok: false; readonly reason: 'wrong' | 'locked' | 'too-many' };

export type Method = 'pin' | 'questions' | 'sms' | 'password';

export type Refusal = { readonly ok: false; readonly message: string };
export type ActionResult = { readonly ok: true } | Refusal;
export type UnlockResult = { readonly ok: true; readonly wasLocked: boolean } | Refusal;

/** The AD account as the portal's home page shows it to its owner. */
export interface AccountStatus {
  readonly locked: boolean;
  readonly lockedAt?: Date;
  readonly passwordExpired: boolean;
  readonly passwordMustChange: boolean;
  readonly passwordExpiresAt?: Date;
}

/** Answers compare after lower-casing, Unicode normalisation and collapsing spaces. */
export function normaliseAnswer(answer: string): string {
  return answer.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

const LOCKED_MESSAGE = 'This portal account is locked. Please call the helpdesk.';
const TOO_MANY: ChallengeResult = { ok: false, reason: 'too-many' };
const RULES_FOR_MS = 10 * 60_000;
/** Bound as instead of an account whose password must not be tried: no account, so nothing counts anywhere. */
const NO_ACCOUNT_DN = 'CN=nobody';
/** Real wrong binds whose durations are kept, and the duration assumed before the first (Samba's p50 is about 100 ms). */
const WRONG_BINDS_KEPT = 32;
const FIRST_WRONG_BIND_MS = 100;
/** The key a registration code is kept under (beside the user's sign-in code), and the registered number sealed for. */
const mobileKey = (user: string): string => `${user}#mobile`;
const pendingMobileKey = (user: string): string => `${user}#pending-mobile`;

/** A mobile number as typed → E.164 (+ and 8–15 digits, spaces, dots, dashes and brackets dropped), or undefined. */
export function e164(typed: string): string | undefined {
  const compact = typed.trim().replace(/[\s().-]/g, '').replace(/^00/, '+');
  return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : undefined;
}

export class SelfService {
  private readonly texts: TextBudget;
  private rules?: { readonly value: PasswordRules | undefined; readonly at: number };
  /** Texts still being sent after their page was answered (tests and shutdown wait for them). */
  private readonly sending = new Set<Promise<void>>();
  /** How long the last real wrong password binds took (ms), for the tries that make none. */
  private wrongBindMs: readonly number[] = [];

  constructor(private readonly deps: SelfServiceDeps) {
    this.texts = deps.texts ?? new TextBudget(deps.store.quotas, deps.clock, createHmac('sha256', deps.decoyKey).update('sms-numbers').digest(), DEFAULT_TEXT_BUDGET);
  }

  get settings(): SelfServiceSettings {
    return this.deps.settings;
  }

  /** Which challenges this portal offers (SMS only where texts can be sent). */
  get methods(): readonly Method[] {
    return this.deps.sms ? ['pin', 'questions', 'sms', 'password'] : ['pin', 'questions', 'password'];
  }

  /** The rules this user's new password must meet, in words, for the reset page. */
  async passwordRulesText(user: string): Promise<string> {
    return passwordRulesText(await this.rulesFor((await this.find(user))?.dn));
  }

  /** The user's fine-grained policy (an AD PSO) where one applies and can be read, else the domain's rules. */
  private async rulesFor(dn: string | undefined): Promise<PasswordRules | undefined> {
    if (dn) {
      try {
        const own = await this.deps.directory.userPasswordRules(dn);
        if (own) return own;
      } catch (e) {
        this.deps.logger.warn({ code: isHelpdeskError(e) ? e.code : 'unknown' }, 'a user’s password policy not read from the directory');
      }
    }
    return this.domainRules();
  }

  /** The domain's password rules, asked at most every 10 minutes; undefined when it does not say. */
  private async domainRules(): Promise<PasswordRules | undefined> {
    const now = this.deps.clock.now().getTime();
    if (this.rules && now - this.rules.at < RULES_FOR_MS) return this.rules.value;
    let value: PasswordRules | undefined;
    try {
      value = await this.deps.directory.passwordRules();
    } catch (e) {
      this.deps.logger.warn({ code: isHelpdeskError(e) ? e.code : 'unknown' }, 'password rules not read from the directory');
    }
    this.rules = { value, at: now };
    return value;
  }

  /** Resolves when every text started so far (sign-in codes, notices) has been sent or has failed. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.sending]);
  }

  /** An SMS sign-in for `login`, counted as one of its attempts (withinLoginRate): false when over the rate. */
  async takeAttempt(login: string): Promise<boolean> {
    return this.withinLoginRate(await this.find(login), login);
  }

  /**
   * One challenge or SMS sign-in, counted in the store under the login's attemptKey (so across spellings and
   * processes): false when over PORTAL_LOGIN_RATE_PER_MINUTE. Challenges take it on the entry they already found.
   */
  private async withinLoginRate(entry: DirectoryEntry | null, login: string): Promise<boolean> {
    const perMinute = this.deps.settings.loginAttemptsPerMinute ?? DEFAULT_LOGIN_ATTEMPTS_PER_MINUTE;
    return (await this.deps.store.quotas.take(`portal-login:${this.attemptKey(entry, login)}`, perMinute, 60_000, this.deps.clock.now())).ok;
  }

  /** The questions to ask this login: `questionsAsked` of the enrolled ones in random order (positions). */
  async questionsFor(login: string): Promise<{ position: number; question: string }[]> {
    const entry = await this.find(login);
    const enrollment = entry ? await this.deps.store.enrollments.get(portalUserKey(entry.sAMAccountName)) : null;
    const n = this.deps.settings.questionsAsked;
    if (enrollment && enrollment.questions.length > 0) {
      return shuffle(enrollment.questions.map((q) => ({ position: q.position, question: q.question }))).slice(0, n);
    }
    // Not enrolled or unknown: questions that look enrolled, the same set each time for this login (under
    // its canonical spelling, as a real account's are the same under each of its spellings), asked in a
    // random order as real ones are.
    const list = this.deps.settings.questions;
    const seed = createHmac('sha256', this.deps.decoyKey).update(entry ? portalUserKey(entry.sAMAccountName) : this.unknownLoginKey(login)).digest();
    const picked: { position: number; question: string }[] = [];
    for (let i = 0; picked.length < Math.min(n, list.length) && i < seed.length; i++) {
      const q = list[(seed[i] ?? 0) % list.length] as string;
      if (!picked.some((p) => p.question === q)) picked.push({ position: 100 + picked.length, question: q });
    }
    return shuffle(picked);
  }

  async challengePin(login: string, pin: string, from: Origin): Promise<ChallengeResult> {
    const entry = await this.find(login);
    if (!(await this.withinLoginRate(entry, login))) return TOO_MANY;
    const place = await this.takePlace(entry, login);
    if (!place) return this.lockedAnswer(entry, login, 'pin', from);
    // The same check as verifyHelpdeskPin (helpdesk-pins.ts), on the entry already found; the challenge event
    // below is its one record (the vishing indicators count it once).
    const verdict = await this.deps.pins.check(entry ? portalUserKey(entry.sAMAccountName) : undefined, pin.slice(0, 64));
    return this.conclude(place, entry, login, 'pin', verdict.valid, from, verdict.valid ? undefined : verdict.reason);
  }

  /**
   * Starts an SMS sign-in: a known, unlocked, unprotected login with a registered mobile gets a code by
   * text, sent after this resolves. Resolves the same way, at the same speed, for every login.
   */
  async sendSignInCode(login: string, from: Origin): Promise<void> {
    const sms = this.deps.sms;
    if (!sms) return;
    const entry = await this.find(login);
    if (!entry) return this.recordUnknown(login, 'code-sent', from, 'sms: unknown login, nothing sent');
    if (await this.isLocked(entry)) return;
    const user = portalUserKey(entry.sAMAccountName);
    const mobile = await this.registeredMobile(user);
    if (!mobile) return this.record(user, 'code-sent', false, from, 'sms: no registered mobile, nothing sent');
    const job = this.textSignInCode(sms, user, entry, mobile, from).finally(() => this.sending.delete(job));
    this.sending.add(job);
  }

  async challengeSmsCode(login: string, code: string, from: Origin): Promise<ChallengeResult> {
    const entry = await this.find(login);
    if (!(await this.withinLoginRate(entry, login))) return TOO_MANY;
    const place = await this.takePlace(entry, login);
    if (!place) return this.lockedAnswer(entry, login, 'sms', from);
    const verdict = await this.deps.codes.check(entry ? portalUserKey(entry.sAMAccountName) : undefined, code.trim().slice(0, 64));
    return this.conclude(place, entry, login, 'sms', verdict.valid, from, verdict.valid ? undefined : verdict.reason);
  }

  /** Registering a mobile, step 1: a code to that number (the user is signed in). */
  async startMobileRegistration(user: string, typed: string, from: Origin): Promise<{ readonly ok: true; readonly number: string } | Refusal> {
    const sms = this.deps.sms;
    if (!sms) return { ok: false, message: 'Text messages are not set up here, so a mobile cannot be registered.' };
    const number = e164(typed);
    if (!number) return { ok: false, message: 'Please type the number in international format, starting with + and the country code (for example +44 7700 900123).' };
    if (!this.texts.allows(number)) {
      await this.record(user, 'code-sent', false, from, `mobile registration: refused, ${maskedNumber(number)} is not in an allowed country (${this.texts.allowedCountries.join(', ')})`);
      return { ok: false, message: `Mobiles from this country cannot be registered here. Please use a number starting with ${this.texts.allowedCountries.join(' or ')}.` };
    }
    const t = await this.target(user);
    if ('refused' in t) return t.refused;
    const budget = await this.texts.claimCode(user, number);
    if (!budget.ok) {
      await this.record(user, 'code-sent', false, from, `mobile registration: no code sent to ${maskedNumber(number)}: ${budget.why}`);
      return { ok: false, message: `Too many texts were sent for this account or to this number. Please try again after ${hhmm(budget.until)}.` };
    }
    let issued;
    try {
      issued = await this.deps.codes.issue(mobileKey(user), 'portal', number);
    } catch (e) {
      if (isHelpdeskError(e) && e.code === 'PIN.LOCKED') return { ok: false, message: 'Too many wrong codes. Please try again tomorrow or call the helpdesk.' };
      throw e;
    }
    try {
      await sms.send({ to: number, body: `${this.deps.orgName}: your code to register this mobile is ${issued.code}. It works until ${hhmm(issued.expiresAt)}. If you did not ask for it, ignore this text.` });
    } catch (e) {
      await this.deps.codes.revoke(mobileKey(user), issued.code, number);
      await this.record(user, 'code-sent', false, from, `mobile registration: the text to ${maskedNumber(number)} failed`, undefined, errorText(e));
      return { ok: false, message: `We could not send a text to ${maskedNumber(number)}. Please check the number and try again.` };
    }
    await this.record(user, 'code-sent', true, from, `mobile registration: code sent to ${maskedNumber(number)}`);
    return { ok: true, number };
  }

  /**
   * The number waiting for its registration code, sealed for the session's state: sessions are plain rows
   * in the store, and a phone number is personal data (bound to this user: another user's token does not open).
   */
  sealPendingMobile(user: string, number: string): string {
    const sealed = this.deps.cipher.seal(pendingMobileKey(user), number);
    return [sealed.iv, sealed.tag, sealed.ciphertext].map((b) => b.toString('base64url')).join('.');
  }

  /** The number sealed by sealPendingMobile, or undefined when the token is not one of this user's. */
  pendingMobile(user: string, token: string | undefined): string | undefined {
    const [iv, tag, ciphertext, ...rest] = (token ?? '').split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !ciphertext || rest.length > 0) return undefined;
    try {
      return this.deps.cipher.open(pendingMobileKey(user), { iv, tag, ciphertext });
    } catch {
      return undefined;
    }
  }

  /** Registering a mobile, step 2: the code sent to `number` proves the user holds it. */
  async confirmMobile(user: string, number: string, code: string, from: Origin): Promise<ActionResult> {
    const verdict = await this.deps.codes.check(mobileKey(user), code.trim().slice(0, 64), number);
    if (!verdict.valid) {
      await this.record(user, 'enrollment-change', false, from, `mobile ${maskedNumber(number)} not registered: code ${verdict.reason}`);
      return { ok: false, message: verdict.reason === 'invalid' ? 'That code did not match. Please try again.' : 'That code no longer works. Please ask for a new one.' };
    }
    const t = await this.target(user);
    if ('refused' in t) return t.refused;
    const now = this.deps.clock.now();
    const previous = await this.registeredMobile(user);
    await this.deps.store.portalMobiles.put(user, { number: this.deps.cipher.seal(mobileKey(user), number), registeredAt: now });
    const account = await this.deps.store.portalAccounts.get(user);
    const methods = [...new Set([...(account?.methods ?? []), 'mobile'])];
    await this.deps.store.portalAccounts.put({ ...this.fresh(user, account), enrolled: true, methods, updatedAt: now });
    await this.record(user, 'enrollment-change', true, from, `mobile ${maskedNumber(number)} registered`);
    // The number it replaces hears of it: a takeover that swaps the mobile does not go unnoticed.
    if (previous && previous !== number) this.notify(user, [previous], 'mobile-changed', `the mobile for your portal sign-in codes was changed to ${maskedNumber(number)}`, from);
    return { ok: true };
  }

  async challengeQuestions(login: string, answers: readonly { position: number; answer: string }[], from: Origin): Promise<ChallengeResult> {
    const entry = await this.find(login);
    if (!(await this.withinLoginRate(entry, login))) return TOO_MANY;
    const place = await this.takePlace(entry, login);
    if (!place) return this.lockedAnswer(entry, login, 'questions', from);
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
    return this.conclude(place, entry, login, 'questions', right, from);
  }

  /**
   * First enrollment: the current AD password, by a real bind. Counts toward the lock like a challenge. A
   * wrong bind counts in AD too, so the bind is made only for an account that may enroll this way (not
   * protected, not enrolled yet) and within its bind budget (below AD's lockout, counted in the store).
   * Every other try binds as a DN that is no account instead: it answers alike, at about the same speed.
   */
  async challengePassword(login: string, password: string, from: Origin): Promise<ChallengeResult> {
    const entry = await this.find(login);
    if (!(await this.withinLoginRate(entry, login))) return TOO_MANY;
    const place = await this.takePlace(entry, login);
    if (!place) return this.lockedAnswer(entry, login, 'password', from);
    // An unknown login reads the domain's policy as a known one reads its own, for the same directory work.
    const noBind = entry ? await this.whyNoBind(entry) : (await this.bindBudget(undefined), undefined);
    if (entry && !noBind) return this.conclude(place, entry, login, 'password', await this.timedBind(entry.dn, password), from);
    await this.bindAsNoAccount(password);
    return this.conclude(place, entry, login, 'password', false, from, noBind);
  }

  /** A real bind; how long a wrong one took is kept for bindAsNoAccount. */
  private async timedBind(dn: string, password: string): Promise<boolean> {
    const started = performance.now();
    const right = await this.deps.directory.checkPassword(dn, password);
    if (!right) this.wrongBindMs = [...this.wrongBindMs, performance.now() - started].slice(-WRONG_BINDS_KEPT);
    return right;
  }

  /**
   * A bind as no account, then a wait to as long as one of the last real wrong binds took (picked at random):
   * a DC records a wrong password before it answers, which makes a real bind slower than one that names no
   * account, and that difference would tell which accounts the portal still binds for.
   */
  private async bindAsNoAccount(password: string): Promise<void> {
    const started = performance.now();
    const like = this.wrongBindMs.length > 0 ? (this.wrongBindMs[randomInt(this.wrongBindMs.length)] as number) : FIRST_WRONG_BIND_MS;
    await this.deps.directory.checkPassword(NO_ACCOUNT_DN, password);
    const wait = started + like - performance.now();
    if (wait > 0) await sleep(wait);
  }

  /** What the home page tells the signed-in user about their AD account (undefined: not one the portal serves). */
  async accountStatus(user: string): Promise<AccountStatus | undefined> {
    const t = await this.target(user);
    if ('refused' in t) return undefined;
    const a = t.entry.account;
    return {
      locked: a.locked, ...(a.lockedAt ? { lockedAt: a.lockedAt } : {}), passwordExpired: a.passwordExpired,
      passwordMustChange: a.passwordMustChange, ...(a.passwordExpiresAt ? { passwordExpiresAt: a.passwordExpiresAt } : {}),
    };
  }

  /** Unlocks the user's AD account; one that is not locked is left alone and answered so (`wasLocked: false`). */
  async unlockAccount(user: string, from: Origin): Promise<UnlockResult> {
    const t = await this.target(user);
    if ('refused' in t) return t.refused;
    if (!t.entry.account.locked) {
      await this.record(user, 'account-unlock', true, from, 'the account was not locked: nothing to unlock');
      return { ok: true, wasLocked: false };
    }
    const dn = t.entry.dn;
    try {
      await this.deps.directory.unlock(dn);
    } catch (e) {
      await this.record(user, 'account-unlock', false, from, 'the directory refused the unlock', { operation: 'unlock', error: errorText(e) });
      return { ok: false, message: 'The directory could not unlock your account just now. Please try again later or call the helpdesk.' };
    }
    await this.record(user, 'account-unlock', true, from, 'account unlocked on the portal', { operation: 'unlock' });
    return { ok: true, wasLocked: true };
  }

  async resetPassword(user: string, password: string, repeat: string, from: Origin): Promise<ActionResult> {
    if (password !== repeat) return { ok: false, message: 'The two passwords are not the same.' };
    if (password.length === 0 || password.length > 256) return { ok: false, message: 'Please type a new password.' };
    const t = await this.target(user);
    if ('refused' in t) return t.refused;
    try {
      await this.deps.directory.setPassword(t.entry.dn, password, { mustChange: false });
    } catch (e) {
      const policy = isHelpdeskError(e) && e.code === 'DIR.PASSWORD_POLICY';
      await this.record(user, 'password-reset', false, from, policy ? 'refused by the password policy' : 'the directory refused the reset', { operation: 'set-password', error: errorText(e) });
      if (!policy) return { ok: false, message: 'The directory could not set your password just now. Please try again later or call the helpdesk.' };
      return { ok: false, message: `The directory refused this password: ${refusalReason(password, user, await this.rulesFor(t.entry.dn))}` };
    }
    await this.record(user, 'password-reset', true, from, 'password reset on the portal', { operation: 'set-password' });
    const registered = await this.registeredMobile(user);
    this.notify(user, [t.entry.contact.mobile, registered], 'password-reset', 'your password was reset on the self-service portal', from);
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

  /** Unknown and ambiguous logins alike: null. */
  private find(login: string): Promise<DirectoryEntry | null> {
    return userNamedBy(this.deps.directory, login);
  }

  private async isLocked(entry: DirectoryEntry): Promise<boolean> {
    return (await this.deps.store.portalAccounts.get(portalUserKey(entry.sAMAccountName)))?.locked === true;
  }

  /**
   * Whose attempts the per-login rate counts: the account a login names (every spelling of it alike), else
   * the unknown login's canonical form, as its failures are counted.
   */
  private attemptKey(entry: DirectoryEntry | null, login: string): string {
    return entry ? portalUserKey(entry.sAMAccountName) : this.unknownLoginKey(login);
  }

  /**
   * The key a login nobody has counts its failures under: its local part when it ends in one of the
   * directory's suffixes ("ghost@corp.example.test" and "ghost" share one count, as a real account's
   * spellings do), else the login as typed. A made-up login whose local part is a real account's login
   * shares that account's count: stricter for both, never looser.
   */
  private unknownLoginKey(login: string): string {
    const key = portalUserKey(login);
    const at = key.lastIndexOf('@');
    return at > 0 && this.deps.loginSuffixes.includes(key.slice(at + 1)) ? key.slice(0, at) : key;
  }

  /**
   * Takes a place among the attempts of this login's account (or of the unknown login) before the answer
   * is judged: the same store step for every login. Null: locked, or every place is taken.
   */
  private takePlace(entry: DirectoryEntry | null, login: string): Promise<AttemptPlace | null> {
    const key = entry ? portalUserKey(entry.sAMAccountName) : this.unknownLoginKey(login);
    return this.deps.store.portalAttempts.reserve(key, this.deps.settings.lockAfter, this.deps.clock.now());
  }

  private async registeredMobile(user: string): Promise<string | undefined> {
    const row = await this.deps.store.portalMobiles.get(user);
    if (!row) return undefined;
    try {
      return this.deps.cipher.open(mobileKey(user), row.number);
    } catch {
      return undefined; // a tampered or foreign row sends nothing
    }
  }

  private async textSignInCode(sms: SmsSender, user: string, entry: DirectoryEntry, mobile: string, from: Origin): Promise<void> {
    try {
      if (await this.protectedBecause(entry)) return await this.record(user, 'code-sent', false, from, 'sms: refused, a protected account cannot use the portal');
      // A mobile registered before SMS_ALLOWED_COUNTRIES was narrowed is not texted either.
      if (!this.texts.allows(mobile)) return await this.record(user, 'code-sent', false, from, `sms: not sent, ${maskedNumber(mobile)} is not in an allowed country`);
      const budget = await this.texts.claimCode(user, mobile);
      if (!budget.ok) return await this.record(user, 'code-sent', false, from, `sms: not sent to ${maskedNumber(mobile)}: ${budget.why}`);
      const issued = await this.deps.codes.issue(user, 'portal');
      try {
        await sms.send({ to: mobile, body: `${this.deps.orgName}: your sign-in code is ${issued.code}. It works once, until ${hhmm(issued.expiresAt)}. Nobody from the helpdesk will ask you for it.` });
      } catch (e) {
        await this.deps.codes.revoke(user, issued.code);
        return await this.record(user, 'code-sent', false, from, `sms: the text to ${maskedNumber(mobile)} failed`, undefined, errorText(e));
      }
      await this.record(user, 'code-sent', true, from, `sms: code sent to ${maskedNumber(mobile)}`);
    } catch (e) {
      const locked = isHelpdeskError(e) && e.code === 'PIN.LOCKED';
      this.deps.logger.warn({ user, code: isHelpdeskError(e) ? e.code : 'unknown' }, 'portal sign-in code not sent');
      await this.record(user, 'code-sent', false, from, locked ? 'sms: too many wrong codes, nothing sent' : 'sms: not sent').catch(() => undefined);
    }
  }

  /**
   * A notice without any secret to each distinct number, sent after the page is answered (NOTIFY_AFTER_RESET).
   * Notices of one kind within NOTICE_COMBINED_MS are combined into the first; each text takes its place in
   * the budget. A notice not sent changes nothing that was done; it is a portal event, saying why.
   */
  private notify(user: string, numbers: readonly (string | undefined)[], kind: 'password-reset' | 'mobile-changed', what: string, from: Origin): void {
    const sms = this.deps.sms;
    const notice = this.deps.notice;
    if (!sms || !notice) return;
    const seen = new Set<string>();
    const targets = numbers.map((n) => n?.trim() ?? '').filter((to) => {
      const digits = to.replace(/\D/g, '');
      return digits.length >= 6 && !seen.has(digits) && seen.add(digits);
    });
    if (targets.length === 0) return;
    const body = `${this.deps.orgName}: ${what} at ${hhmm(this.deps.clock.now())}. If this was not you, ${notice.contact ? `call ${notice.contact}` : 'call the IT helpdesk'} now.`;
    const job = this.sendNotice(sms, user, targets, kind, what, body, from).catch(() => undefined).finally(() => this.sending.delete(job));
    this.sending.add(job);
  }

  private async sendNotice(sms: SmsSender, user: string, targets: readonly string[], kind: string, what: string, body: string, from: Origin): Promise<void> {
    if (!(await this.texts.firstNotice(user, kind))) {
      const minutes = NOTICE_COMBINED_MS / 60_000;
      return this.record(user, 'notice-sent', false, from, `notice not sent: ${what}; combined with the same notice sent within the last ${minutes} minutes`);
    }
    for (const to of targets) {
      const budget = await this.texts.claimNotice(to);
      if (!budget.ok) {
        await this.record(user, 'notice-sent', false, from, `notice to ${maskedNumber(to)} not sent: ${what}; ${budget.why}`);
        continue;
      }
      await sms.send({ to, body })
        .then(() => this.record(user, 'notice-sent', true, from, `notice to ${maskedNumber(to)}: ${what}`))
        .catch((e: unknown) => this.record(user, 'notice-sent', false, from, `notice to ${maskedNumber(to)} not sent: ${what}`, undefined, errorText(e)));
    }
  }

  private async lockedAnswer(entry: DirectoryEntry | null, login: string, method: string, from: Origin): Promise<ChallengeResult> {
    const detail = `refused: the portal account is locked (${method})`;
    await (entry ? this.record(portalUserKey(entry.sAMAccountName), 'sign-in', false, from, detail) : this.recordUnknown(login, 'sign-in', from, detail));
    return { ok: false, reason: 'locked' };
  }

  /**
   * Records the result and settles the attempt's place: a pass starts the count again, a failure keeps its
   * place, and the failure that takes the last place locks (one portal-lock event). Known and unknown
   * logins do the same store work: the place, the event and the failure commit together.
   */
  private async conclude(
    place: AttemptPlace, entry: DirectoryEntry | null, login: string, method: Method, passed: boolean, from: Origin, why?: string,
  ): Promise<ChallengeResult> {
    const failure = why ? `${method} (${why})` : method;
    const attempts = this.deps.store.portalAttempts;
    const now = this.deps.clock.now();
    const user = entry ? portalUserKey(entry.sAMAccountName) : undefined;
    if (user && entry && passed) {
      if (await this.protectedBecause(entry)) {
        await Promise.all([
          attempts.release(place, now), this.record(user, 'challenge', false, from, `${method}: refused, a protected account cannot use the portal`),
        ]);
        return { ok: false, reason: 'wrong' };
      }
      await Promise.all([
        attempts.pass(place, now),
        this.deps.store.portalEvents.append([this.event(user, 'challenge', true, from, method), this.event(user, 'sign-in', true, from, `signed in (${method})`)]),
      ]);
      return { ok: true, user };
    }
    const [{ locks }] = await Promise.all([
      attempts.fail(place, this.deps.settings.lockAfter, now),
      user ? this.record(user, 'challenge', false, from, failure) : this.recordUnknown(login, 'challenge', from, failure),
      // A known user's failures show on the helpdesk's card and in the portal API, under an account.
      ...(user ? [this.deps.store.portalAccounts.ensure(user, now)] : []),
    ]);
    if (locks) {
      const detail = `locked after ${this.deps.settings.lockAfter} failed challenges`;
      await (user
        ? this.record(user, 'portal-lock', true, from, detail)
        : this.deps.store.portalEvents.append([{ ...this.event(portalUserKey(login), 'portal-lock', true, from, detail), unknownUser: true }]));
      // A login nobody has is not logged: it may be a password typed in the wrong field.
      this.deps.logger.warn({ ...(user ? { user } : { unknownLogin: true }), ip: from.ip }, 'portal account locked');
    }
    return { ok: false, reason: locks ? 'locked' : 'wrong' };
  }

  private fresh(user: string, account: PortalAccount | null): PortalAccount {
    return account ?? { user, enrolled: false, methods: [], locked: false, failedAttempts: 0, updatedAt: this.deps.clock.now() };
  }

  /**
   * Why this account's password must not be tried by a bind, or undefined after a bind was claimed for it.
   * The three questions are asked every time, so a refusal takes as long as a bind that is allowed.
   */
  private async whyNoBind(entry: DirectoryEntry): Promise<string | undefined> {
    const user = portalUserKey(entry.sAMAccountName);
    const [isProtected, account, budget] = await Promise.all([
      this.protectedBecause(entry), this.deps.store.portalAccounts.get(user), this.bindBudget(entry.dn),
    ]);
    if (isProtected) return 'no bind: a protected account';
    // A password alone proves a first enrollment only: a phished password must not replace the questions.
    if (account?.enrolled) return 'no bind: enrolled already';
    // The user's own recent typos, as the DC that answered the lookup counts them, use up the portal's room first.
    if (budget.max > 0 && (entry.account.badPwdCount ?? 0) >= budget.max) return 'no bind: the account has recent wrong passwords';
    if (!(await claimPasswordBind(this.deps.store.quotas, user, this.deps.clock.now(), budget))) return 'no bind: too many password tries for the directory’s lockout';
    return undefined;
  }

  /** The binds this user's (or without dn, the domain's) lockout policy leaves the portal; none when it cannot be read. */
  private async bindBudget(dn: string | undefined): Promise<BindBudget> {
    try {
      return passwordBindBudget(await this.deps.directory.lockoutPolicy(dn));
    } catch (e) {
      this.deps.logger.warn({ code: isHelpdeskError(e) ? e.code : 'unknown' }, 'a user’s lockout policy not read from the directory: no password check');
      return passwordBindBudget(undefined);
    }
  }

  private async protectedBecause(entry: DirectoryEntry): Promise<boolean> {
    const groups = await this.deps.directory.groupsOf(entry.dn, entry.memberOf);
    return protectionReason(entry, groups, this.deps.protection) !== undefined;
  }

  /** Re-checked before every directory write (the session may be older than a group change). */
  private async target(user: string): Promise<{ entry: DirectoryEntry } | { refused: Refusal }> {
    const entry = await this.find(user);
    if (entry && !(await this.protectedBecause(entry))) return { entry };
    return { refused: { ok: false, message: 'This account cannot be changed on the self-service portal. Please call the helpdesk.' } };
  }

  private async record(
    user: string, type: string, success: boolean, from: Origin, detail: string, sync?: { operation: string; error?: string }, error?: string,
  ): Promise<void> {
    if (!success && (await this.floodBounded(user, type))) return;
    const events: PortalEventInput[] = [this.event(user, type, success, from, detail, error)];
    if (sync) {
      events.push({
        ...this.event(user, type, success, from, detail, sync.error), category: 'sync', system: 'active-directory', operation: sync.operation,
        status: success ? 'succeeded' : 'failed',
      });
    }
    await this.deps.store.portalEvents.append(events);
  }

  /**
   * A failed attempt on a login the directory does not know (or that names two accounts), under the
   * login as typed: sprays stay visible, and a store that cannot be written fails it as it fails a known one.
   */
  private async recordUnknown(login: string, type: string, from: Origin, detail: string): Promise<void> {
    if (await this.floodBounded(portalUserKey(login), type)) return;
    await this.deps.store.portalEvents.append([{ ...this.event(portalUserKey(login), type, false, from, detail), unknownUser: true }]);
  }

  /** An anonymous refusal over the user's hourly bound is not stored (the flood indicator shows the hour). */
  private async floodBounded(user: string, type: string): Promise<boolean> {
    if (!ANONYMOUS_FAILURES.has(type)) return false;
    const perHour = this.deps.eventsPerUserHour ?? DEFAULT_EVENTS_PER_USER_HOUR;
    return (await roomForEvents(this.deps.store.portalEvents, user, this.deps.clock.now(), perHour)) === 0;
  }

  private event(user: string, type: string, success: boolean, from: Origin, detail: string, error?: string): PortalEventInput {
    return {
      user, type, outcome: success ? 'success' : 'failure', at: this.deps.clock.now(), ip: from.ip, userAgent: from.userAgent.slice(0, 512),
      unknownUser: false, detail, category: 'self-service', ...(error ? { error: error.slice(0, 500) } : {}),
    };
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
