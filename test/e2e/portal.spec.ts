// The self-service portal in Debian's Chromium (phone-sized viewport, screenshots in test-output/), against
// Samba AD, with the agent's side over the Bot Framework protocol and Twilio on loopback.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Attribute, Change } from 'ldapts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { aesGcmAnswerCipher } from '../../src/adapters/secrets/answer-cipher';
import { TwilioSmsSender } from '../../src/adapters/twilio/twilio-sms';
import { VERBS } from '../../src/domain/verbs';
import { portalMount } from '../../src/portal/portal-routes';
import { silentLogger } from '../../src/ports/logger.port';
import { SelfService } from '../../src/service/self-service/self-service';
import { OneTimeCodes } from '../../src/service/kernel/one-time-codes';
import { CALLER_CODE_POLICY } from '../../src/domain/one-time-code';
import { DEFAULT_PORTAL_QUESTIONS } from '../../src/config/load-config';
import { cardText } from '../helpers/adaptive-card-sdk';
import { launchChromium, ROOT } from '../helpers/app-process';
import { SAMBA_SETTINGS, startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { asAdmin, ldapBindAs, lockOut, MAIL_DOMAIN, rawUser, resetSeededUser, sambaInfo, SEED_PASSWORD, USERS } from '../helpers/samba';
import { button, teamsChat, type Card } from '../helpers/teams-chat';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioFake } from '../helpers/twilio-fake';

const OUT = path.join(ROOT, 'test-output');

/** Adds a fine-grained password policy (as an administrator would) that applies to `login`; its DN. */
async function passwordPolicyFor(login: string, rules: { minLength: number; history: number }): Promise<string> {
  const { baseDN } = sambaInfo();
  const dn = `CN=Portal Test PSO,CN=Password Settings Container,CN=System,${baseDN}`;
  await asAdmin(async (c) => {
    const user = (await c.search(baseDN, { scope: 'sub', filter: `(sAMAccountName=${login})`, attributes: ['cn'] })).searchEntries[0]?.dn;
    assert.ok(user, login);
    await c.del(dn).catch(() => undefined);
    await c.add(dn, {
      objectClass: 'msDS-PasswordSettings', 'msDS-PasswordSettingsPrecedence': '10', 'msDS-PasswordReversibleEncryptionEnabled': 'FALSE',
      'msDS-PasswordHistoryLength': String(rules.history), 'msDS-PasswordComplexityEnabled': 'TRUE', 'msDS-MinimumPasswordLength': String(rules.minLength),
      'msDS-MinimumPasswordAge': '0', 'msDS-MaximumPasswordAge': '-36288000000000', 'msDS-LockoutThreshold': '0',
      'msDS-LockoutObservationWindow': '-18000000000', 'msDS-LockoutDuration': '-18000000000', 'msDS-PSOAppliesTo': user,
    });
  });
  return dn;
}

describe('Self-service portal in Chromium against Samba AD (agent over the Bot Framework protocol, Twilio on loopback)', function () {
  this.timeout(120_000);
  let h: BotHarness;
  let twilio: TwilioFake;
  let agent: TeamsMember;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let selfService: SelfService;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    twilio = await new TwilioFake().start();
    const { dn } = await rawUser(USERS.locky, ['1.1']);
    await asAdmin((c) => c.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: ['+1 555 0177'] }) })]));
    const sms = new TwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: TWILIO_FROM, apiUrl: twilio.url, timeoutMs: 1500, logger: silentLogger });
    h = await startBotHarness({ sms, settings: { changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } } });
    selfService = new SelfService({
      directory: h.directory, store: h.store, clock: h.clock, logger: silentLogger, cipher: aesGcmAnswerCipher(randomBytes(32)),
      pins: h.service.pins, protection: SAMBA_SETTINGS.protection, decoyKey: randomBytes(32), loginSuffixes: [MAIL_DOMAIN],
      codes: new OneTimeCodes(h.store.portalCodes, h.clock, randomBytes(32), CALLER_CODE_POLICY, 'codes'), sms, orgName: 'Corp Example',
      settings: { lockAfter: 5, questionsAsked: 3, questions: DEFAULT_PORTAL_QUESTIONS, minQuestions: 3, minAnswerLength: 3 },
    });
    portalMount({
      selfService, sessions: h.store.portalSessions, clock: h.clock, logger: silentLogger, orgName: 'Corp Example', production: false,
      sessionIdleMs: 600_000, sessionMaxMs: 1_800_000, ratePerMinute: 1000, pageRatePerMinute: 1000, csrfKey: randomBytes(32),
    })(h.http.server);
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    browser = await launchChromium();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    page = await context.newPage();
  });
  afterEach(async () => context?.close());
  after(async () => {
    await browser?.close();
    await h?.close();
    await twilio?.stop();
    const { dn } = await rawUser(USERS.locky, ['1.1']);
    await asAdmin((c) => c.modify(dn, [new Change({ operation: 'delete', modification: new Attribute({ type: 'mobile', values: [] }) })]));
    for (const u of [USERS.locky, USERS.resetme, USERS.jsmith, USERS.cobrien]) await resetSeededUser(u);
  });

  const portal = () => `${h.url.replace('127.0.0.1', 'localhost')}/portal/`;
  const shot = (name: string) => page.screenshot({ path: path.join(OUT, `portal-${name}.png`), fullPage: true });

  const say = (text: string) => teamsChat(h).say(agent, text);
  const confirm = (card: Card) => teamsChat(h).press(agent, button(card, VERBS.confirmAccept));

  async function signIn(login: string, method: 'pin' | 'questions' | 'sms' | 'password'): Promise<void> {
    await page.goto(portal());
    await page.getByLabel('Your login or e-mail address').fill(login);
    await page.getByLabel({ pin: 'With a PIN from the helpdesk', questions: 'With my security questions', sms: 'With a code sent to my mobile', password: 'First time: enroll with my current password' }[method]).check();
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  async function pinChallenge(login: string, pin: string): Promise<void> {
    await signIn(login, 'pin');
    await page.getByLabel('The PIN the helpdesk sent you').fill(pin);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('a user locked by real binds gets a PIN by SMS from the agent, signs in and unlocks; the old password binds; the PIN is spent', async () => {
    await lockOut(USERS.locky);
    const locked = await ldapBindAs(USERS.locky, SEED_PASSWORD);
    assert.equal(locked.ok ? 'ok' : locked.data, '775', 'locked by real wrong-password binds');
    await confirm(await say(`pin ${USERS.locky} sms`));
    const pin = /\b(\d{8})\b/.exec(twilio.messages.at(-1)?.body ?? '')?.[1];
    assert.ok(pin, 'a PIN by SMS');

    await page.goto(portal());
    await shot('sign-in');
    await pinChallenge(USERS.locky, pin);
    await page.getByText(`Hello ${USERS.locky}`).waitFor();
    // The home page says what state the AD account is in, server-rendered: locked since when, the password's expiry.
    const status = page.getByRole('list', { name: 'Your account now' });
    assert.match(await status.innerText(), /Your account is locked \(since \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    assert.match(await status.innerText(), /Your password (expires on \d{4}-\d\d-\d\d \d\d:\d\d UTC|does not expire)\.|You must choose a new password/);
    await shot('home');
    await page.getByRole('button', { name: 'Unlock my account' }).click();
    await page.getByText('Your account is unlocked').waitFor();
    await shot('unlocked');
    assert.deepEqual(await ldapBindAs(USERS.locky, SEED_PASSWORD), { ok: true });
    assert.match(await status.innerText(), /Your account is not locked\./);
    // Pressed again, on an account that is not locked: said so, nothing claimed, nothing written to the directory.
    const syncBefore = (await h.store.portalEvents.list({ user: USERS.locky, limit: 50, category: 'sync' })).length;
    await page.getByRole('button', { name: 'Unlock my account' }).click();
    await page.getByText('Your account was not locked, so nothing was changed.').waitFor();
    assert.equal(await page.getByText('Your account is unlocked').count(), 0);
    assert.equal((await h.store.portalEvents.list({ user: USERS.locky, limit: 50, category: 'sync' })).length, syncBefore, 'no directory write');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out').waitFor();
    await shot('signed-out');

    await signIn(USERS.locky, 'pin');
    await page.getByLabel('The PIN the helpdesk sent you').fill(pin);
    await shot('pin-challenge');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That did not match').waitFor();
    const sync = await h.store.portalEvents.list({ user: USERS.locky, limit: 20, category: 'sync' });
    assert.ok(sync.some((e) => e.type === 'account-unlock' && e.system === 'active-directory' && e.status === 'succeeded' && e.ip), 'a sync transaction with the IP');
  });

  it('first enrollment proven by the current password; answers stored as ciphertext only; then questions sign-in and a password reset a real bind proves', async () => {
    await signIn(USERS.resetme, 'password');
    await page.getByLabel('Your current password').fill(SEED_PASSWORD);
    await shot('password-challenge');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const answers = ['Biscuit the Dog', 'Ljubljana', 'Middlemarch'];
    for (let i = 0; i < 3; i++) {
      await page.getByLabel(`Question ${i + 1}`).selectOption(DEFAULT_PORTAL_QUESTIONS[i] as string);
      await page.getByLabel(`Answer ${i + 1}`).fill(answers[i] as string);
    }
    await shot('enroll');
    await page.getByRole('button', { name: 'Save my security questions' }).click();
    await page.getByText('Your security questions are saved').waitFor();
    // Proven by the password only: no reset or unlock in this session.
    assert.equal(await page.getByRole('button', { name: 'Unlock my account' }).count(), 0);
    const db = new Database(h.dbPath, { readonly: true });
    const raw = JSON.stringify(db.prepare('SELECT * FROM enrollments').all());
    db.close();
    for (const a of answers) assert.ok(!raw.toLowerCase().includes(a.toLowerCase()), `plaintext ${a} in the store`);
    await page.getByRole('button', { name: 'Sign out' }).click();

    // Enrolled now: the password alone opens nothing more (it proves a first enrollment only), and the right one
    // answers as a wrong one does: no bind is made for an enrolled account, so nothing tells the two apart.
    await signIn(USERS.resetme, 'password');
    await page.getByLabel('Your current password').fill(SEED_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That did not match').waitFor();
    await shot('enrolled-password');
    assert.equal(await page.getByText('enrolled before').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Save my security questions' }).count(), 0);

    await signIn(USERS.resetme, 'questions');
    await shot('questions');
    for (let i = 0; i < 3; i++) {
      const label = await page.locator(`label[for=answer${i}]`).innerText();
      const k = DEFAULT_PORTAL_QUESTIONS.indexOf(label);
      await page.getByLabel(label).fill(`  ${(answers[k] as string).toUpperCase()} `); // case and spacing do not matter
    }
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Reset my password' }).click();
    // The rules shown are the domain's own (read from its domain object, as an administrator sees them).
    const domain = await asAdmin(async (c) => (await c.search(sambaInfo().baseDN, { scope: 'base', attributes: ['minPwdLength', 'pwdHistoryLength', 'pwdProperties'] })).searchEntries[0]);
    assert.equal(String(domain?.pwdProperties), '1', 'the test domain has complexity on');
    assert.equal(await page.locator('#policy').innerText(),
      `Your new password needs at least ${String(domain?.minPwdLength)} characters; characters of three kinds out of upper case, lower case, digits and symbols; not your login or your name; not one of your last ${String(domain?.pwdHistoryLength)} passwords. The directory checks it when you save it.`);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await page.getByText(`The directory refused this password: it is shorter than ${String(domain?.minPwdLength)} characters.`).waitFor();
    await shot('password-refused');

    // A fine-grained policy (PSO) for this user: its rules are shown, and its refusals explained by them.
    const pso = await passwordPolicyFor(USERS.resetme, { minLength: 12, history: 3 });
    try {
      await page.goto(`${portal()}password`);
      assert.equal(await page.locator('#policy').innerText(),
        'Your new password needs at least 12 characters; characters of three kinds out of upper case, lower case, digits and symbols; not your login or your name; not one of your last 3 passwords. The directory checks it when you save it.');
      await page.getByLabel('New password', { exact: true }).fill('Abcdef-1234');
      await page.getByLabel('New password again').fill('Abcdef-1234');
      await page.getByRole('button', { name: 'Set my new password' }).click();
      await page.getByText('The directory refused this password: it is shorter than 12 characters.').waitFor();
      assert.equal((await ldapBindAs(USERS.resetme, 'Abcdef-1234')).ok, false, 'the domain would take it; the policy refused it');
    } finally {
      await asAdmin((c) => c.del(pso));
    }
    await page.getByLabel('New password', { exact: true }).fill('onlylowercase123');
    await page.getByLabel('New password again').fill('onlylowercase123');
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await page.getByText('The directory refused this password: it needs characters of three kinds out of upper case, lower case, digits and symbols.').waitFor();
    const fresh = 'Portal!Reset-2026x';
    await page.getByLabel('New password', { exact: true }).fill(fresh);
    await page.getByLabel('New password again').fill(fresh);
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await page.getByText('Your new password is set').waitFor();
    assert.deepEqual(await ldapBindAs(USERS.resetme, fresh), { ok: true });
    assert.equal((await ldapBindAs(USERS.resetme, SEED_PASSWORD)).ok, false, 'the old password no longer binds');
  });

  it('five wrong answers lock the portal account only; the agent sees it in user and audit (with the IP); unlock-portal lets the user in again', async () => {
    for (let i = 0; i < 5; i++) {
      await signIn(USERS.jsmith, 'questions');
      for (const field of await page.locator('input[name^=answer]').all()) await field.fill('not my answer');
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await page.getByText('This portal account is locked. Please call the helpdesk.').waitFor();
    await shot('locked');
    assert.deepEqual(await ldapBindAs(USERS.jsmith, SEED_PASSWORD), { ok: true }, 'AD untouched');
    assert.match(cardText(await say(`user ${USERS.jsmith}`)), /Locked since/);
    const audit = cardText(await say(`audit ${USERS.jsmith}`));
    assert.match(audit, /127\.0\.0\.1/);
    assert.equal(audit.match(/questions/g)?.length, 5, `five failed question challenges in the audit:\n${audit}`);
    const result = await confirm(await say(`unlock-portal ${USERS.jsmith}`));
    assert.match(cardText(result), /Portal account unlocked/);
    await pinChallenge(USERS.jsmith, '00000000');
    await page.getByText('That did not match').waitFor();
  });

  it('a mobile registered with a code sent to it (stored sealed); then an SMS code signs in, once; an unknown login or one without a mobile gets the same page and no text', async () => {
    await signIn(USERS.cobrien, 'password');
    await page.getByLabel('Your current password').fill(SEED_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${portal()}mobile`);
    await page.getByLabel('Your mobile number').fill('07700 900123');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByText('Please type the number in international format').waitFor();
    await page.getByLabel('Your mobile number').fill('+44 7700 900123');
    await shot('mobile');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByText('We sent a 6-digit code to').waitFor();
    await page.getByText('+447700900123').waitFor();
    const sessions = new Database(h.dbPath, { readonly: true });
    const stateRows = JSON.stringify(sessions.prepare('SELECT state FROM portal_sessions').all());
    sessions.close();
    assert.ok(stateRows.includes('pendingMobile') && !stateRows.includes('900123'), 'the number waiting for its code is sealed in the session row');
    const sent = twilio.messages.at(-1);
    assert.equal(sent?.to, '+447700900123');
    const registration = /\b(\d{6})\b/.exec(sent?.body ?? '')?.[1] as string;
    assert.ok(registration, sent?.body);
    await page.getByLabel('The code from the text message').fill(registration === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Register this mobile' }).click();
    await page.getByText('That code did not match').waitFor();
    await page.getByLabel('The code from the text message').fill(registration);
    await shot('mobile-code');
    await page.getByRole('button', { name: 'Register this mobile' }).click();
    await page.getByText('Your mobile is registered').waitFor();
    const db = new Database(h.dbPath, { readonly: true });
    const raw = JSON.stringify(db.prepare('SELECT * FROM portal_mobiles').all());
    db.close();
    assert.ok(raw.includes('cobrien') && !raw.includes('7700900123') && !raw.includes('900123'), 'the number is stored sealed');
    assert.match(cardText(await say(`user ${USERS.cobrien}`)), /mobile \(SMS codes\)/);
    await page.getByRole('button', { name: 'Sign out' }).click();

    const before = twilio.messages.length;
    await signIn(USERS.cobrien, 'sms');
    await selfService.idle();
    assert.equal(twilio.messages.length, before + 1, 'one sign-in code by SMS');
    const text = twilio.messages.at(-1);
    assert.equal(text?.to, '+447700900123');
    assert.match(text?.body ?? '', /^Corp Example: your sign-in code is \d{6}\. It works once, until \d\d:\d\d UTC\. Nobody from the helpdesk will ask you for it\.$/);
    const code = /\b(\d{6})\b/.exec(text?.body ?? '')?.[1] as string;
    const knownPage = (await page.locator('main').innerText()).replace(USERS.cobrien, 'LOGIN');
    await page.getByLabel('The code from the text message').fill(code);
    await shot('sms-challenge');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Unlock my account' }).waitFor();
    assert.deepEqual(await selfService.challengeSmsCode(USERS.cobrien, code, { ip: '127.0.0.1', userAgent: 'replay' }), { ok: false, reason: 'wrong' }, 'the code works once');

    for (const login of ['nobody.here', USERS.zmuller]) {
      await context.clearCookies();
      await signIn(login, 'sms');
      await selfService.idle();
      assert.equal((await page.locator('main').innerText()).replace(login, 'LOGIN'), knownPage, `${login}: the same page`);
    }
    assert.equal(twilio.messages.length, before + 1, 'no text to an unknown login or one without a registered mobile');
    const audit = cardText(await say(`audit ${USERS.cobrien}`));
    assert.match(audit, /code sent to …0123/);
    assert.match(audit, /mobile …0123 registered/);
  });

  it('an unknown login gets the same pages as a known one; a post without its CSRF token changes nothing; a protected account is refused', async () => {
    const seen: string[] = [];
    for (const login of [USERS.zmuller, 'nobody.here']) {
      await pinChallenge(login, '12345678');
      seen.push((await page.locator('main').innerText()).replace(login, 'LOGIN'));
    }
    assert.equal(seen[0], seen[1]);
    const db = new Database(h.dbPath, { readonly: true });
    const attempts = db.prepare("SELECT type, outcome, detail, unknown_user AS unknownUser, ip FROM portal_events WHERE user = 'nobody.here' AND type = 'challenge'").all();
    db.close();
    assert.deepEqual(attempts, [{ type: 'challenge', outcome: 'failure', detail: 'pin (invalid)', unknownUser: 1, ip: '127.0.0.1' }], 'the attempt on a login nobody has is kept, marked unknown, without the PIN');
    await page.goto(portal());
    const res = await page.request.post(`${portal()}sign-in`, { form: { login: USERS.zmuller, method: 'pin' } });
    assert.equal(res.status(), 403);
    await confirm(await say(`pin ${USERS.domainAdmin} sms`)).catch(() => undefined);
    await signIn(USERS.domainAdmin, 'password');
    await page.getByLabel('Your current password').fill(SEED_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That did not match').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save my security questions' }).count(), 0);
  });
});
