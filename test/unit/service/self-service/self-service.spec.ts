// The portal's rules as SelfService holds them (the pages are tested in Chromium, test/e2e/portal.spec.ts):
// one event per PIN check, the password proving a first enrollment only, SMS sign-in codes (only to the
// registered mobile, capped, single use), and registration codes good only for the number they went to.
import assert from 'node:assert/strict';
import { HelpdeskError } from '../../../../src/domain/errors';
import { CALLER_CODE_POLICY } from '../../../../src/domain/one-time-code';
import { verifyHelpdeskPin } from '../../../../src/service/secrets/helpdesk-pins';
import type { Directory } from '../../../../src/ports/directory.port';
import type { SmsMessage, SmsSender } from '../../../../src/ports/sms.port';
import { OneTimeCodes } from '../../../../src/service/kernel/one-time-codes';
import { e164, SelfService } from '../../../../src/service/self-service/self-service';
import { silentLogger } from '../../../../src/ports/logger.port';
import { DEMO_SETTINGS, demoFixture, type Fixture } from '../../../helpers/service-fixture';
import { DEFAULT_PORTAL_QUESTIONS } from '../../../../src/config/load-config';

const FROM = { ip: '198.51.100.4', userAgent: 'unit' };
const USER = 'john.doe';

class RecordingSms implements SmsSender {
  readonly kind = 'outbox' as const;
  readonly sent: SmsMessage[] = [];
  failing = false;
  async send(message: SmsMessage) {
    if (this.failing) throw new Error('provider down');
    this.sent.push(message);
    return { id: `m${this.sent.length}` };
  }
  lastCode(): string {
    return /\b(\d{6})\b/.exec(this.sent.at(-1)?.body ?? '')?.[1] ?? '';
  }
}

/** The demo directory, with the current password of every account being `Current-Pass-1`. */
function withPasswords(directory: Directory): Directory {
  return Object.assign(Object.create(directory) as Directory, { checkPassword: async (_dn: string, password: string) => password === 'Current-Pass-1' });
}

const NO_ACCOUNT = 'CN=nobody';
const DEMO_DOMAIN = 'demo.example';

/** The demo directory with passwords (`Current-Pass-1`), recording the DN of every bind; `policy` replaces its lockout policy. */
function bindsOf(directory: Directory, policy?: Directory['lockoutPolicy']): { directory: Directory; dns: string[] } {
  const dns: string[] = [];
  const recording = Object.assign(Object.create(withPasswords(directory)) as Directory, {
    checkPassword: async (dn: string, password: string) => {
      dns.push(dn);
      return dn !== NO_ACCOUNT && password === 'Current-Pass-1';
    },
    ...(policy ? { lockoutPolicy: policy } : {}),
  });
  return { directory: recording, dns };
}

describe('SelfService: the portal’s challenges and enrollment rules', () => {
  let f: Fixture;
  let sms: RecordingSms;
  let portal: SelfService;
  let portalOn: (directory: Directory, eventsPerUserHour?: number) => SelfService;
  beforeEach(() => {
    f = demoFixture();
    sms = new RecordingSms();
    portalOn = (directory, eventsPerUserHour) => new SelfService({
      directory, store: f.store, clock: f.clock, logger: silentLogger, cipher: f.cipher, pins: f.service.pins,
      codes: new OneTimeCodes(f.store.portalCodes, f.clock, Buffer.alloc(32, 3), CALLER_CODE_POLICY, 'codes'), sms, orgName: 'Demo Corp', notice: { contact: '+1 555 0100' },
      protection: DEMO_SETTINGS.protection, decoyKey: Buffer.alloc(32, 4), loginSuffixes: ['demo.example'],
      settings: { lockAfter: 5, questionsAsked: 3, questions: DEFAULT_PORTAL_QUESTIONS, minQuestions: 3, minAnswerLength: 3 },
      ...(eventsPerUserHour ? { eventsPerUserHour } : {}),
    });
    portal = portalOn(withPasswords(f.directory));
  });
  const dnOf = async (login: string) => (await f.directory.findByLogin(login))?.dn;
  const events = async (type?: string) => (await f.store.portalEvents.list({ user: USER, limit: 50, ...(type ? { type } : {}) })).reverse();
  const enroll = () => portal.enroll(USER, DEFAULT_PORTAL_QUESTIONS.slice(0, 3).map((question) => ({ question, answer: 'an answer' })), FROM);

  it('a wrong helpdesk PIN on the portal is one challenge event (with its reason and the IP), not two', async () => {
    assert.deepEqual(await portal.challengePin(USER, '00000000', FROM), { ok: false, reason: 'wrong' });
    const seen = await events();
    assert.deepEqual(seen.map((e) => [e.type, e.outcome, e.detail, e.ip]), [['challenge', 'failure', 'pin (invalid)', FROM.ip]]);
  });

  it('the current password proves a first enrollment only: once enrolled, the right password answers as a wrong one does, and no bind is made', async () => {
    const binds = bindsOf(f.directory);
    portal = portalOn(binds.directory);
    assert.deepEqual(await portal.challengePassword(USER, 'Current-Pass-1', FROM), { ok: true, user: USER });
    assert.deepEqual(await enroll(), { ok: true });
    f.clock.advance(60 * 60_000); // the bind budget is no reason here
    assert.deepEqual(await portal.challengePassword(USER, 'Current-Pass-1', FROM), { ok: false, reason: 'wrong' });
    assert.deepEqual(await portal.challengePassword(USER, 'wrong', FROM), { ok: false, reason: 'wrong' });
    assert.deepEqual(binds.dns, [await dnOf(USER), NO_ACCOUNT, NO_ACCOUNT], 'only the first enrollment bound as the user');
    assert.deepEqual((await events('challenge')).map((e) => [e.outcome, e.detail]),
      [['success', 'password'], ['failure', 'password (no bind: enrolled already)'], ['failure', 'password (no bind: enrolled already)']]);
    assert.equal((await f.store.portalAccounts.get(USER))?.failedAttempts, 2, 'both count toward the portal lock');
  });

  it('a protected account is never bound as: a right password answers and counts as a wrong one', async () => {
    const binds = bindsOf(f.directory);
    portal = portalOn(binds.directory);
    assert.deepEqual(await portal.challengePassword('admin.root', 'Current-Pass-1', FROM), { ok: false, reason: 'wrong' });
    assert.deepEqual(await portal.challengePassword('admin.root', 'wrong', FROM), { ok: false, reason: 'wrong' });
    assert.deepEqual(binds.dns, [NO_ACCOUNT, NO_ACCOUNT]);
    assert.equal((await f.store.portalAccounts.get('admin.root'))?.failedAttempts, 2);
  });

  it('binds one account at most once per 31 minutes under a lockout threshold of 3, whatever the spelling; a try over it answers as a wrong one', async () => {
    const binds = bindsOf(f.directory);
    portal = portalOn(binds.directory);
    const spellings = [USER, `${USER}@${DEMO_DOMAIN}`.toUpperCase(), ` ${USER.toUpperCase()} `];
    for (const login of spellings) assert.deepEqual(await portal.challengePassword(login, 'wrong', FROM), { ok: false, reason: 'wrong' });
    const otherProcess = portalOn(binds.directory);
    assert.deepEqual(await otherProcess.challengePassword(spellings[1] as string, 'Current-Pass-1', FROM), { ok: false, reason: 'wrong' },
      'another process shares the count; even the right password makes no bind');
    assert.deepEqual(binds.dns, [await dnOf(USER), NO_ACCOUNT, NO_ACCOUNT, NO_ACCOUNT]);
    f.clock.advance(31 * 60_000);
    assert.deepEqual(await portal.challengePassword(USER, 'Current-Pass-1', FROM), { ok: true, user: USER });
    assert.equal(binds.dns.filter((dn) => dn !== NO_ACCOUNT).length, 2);
    assert.match((await events('challenge')).at(1)?.detail ?? '', /^password \(no bind: too many password tries/);
  });

  it('makes no bind for an account whose own recent wrong passwords already fill the budget (badPwdCount)', async () => {
    const binds = bindsOf(f.directory);
    const typed = Object.assign(Object.create(binds.directory) as Directory, {
      findByLogin: async (login: string) => {
        const entry = await binds.directory.findByLogin(login);
        return entry && { ...entry, account: { ...entry.account, badPwdCount: 1 } };
      },
    });
    assert.deepEqual(await portalOn(typed).challengePassword(USER, 'Current-Pass-1', FROM), { ok: false, reason: 'wrong' });
    assert.deepEqual(binds.dns, [NO_ACCOUNT]);
    assert.match((await events('challenge')).at(-1)?.detail ?? '', /no bind: the account has recent wrong passwords/);
  });

  it('makes no bind when the lockout policy cannot be read (a PSO the service account may not read) or allows none', async () => {
    const binds = bindsOf(f.directory, async () => { throw new HelpdeskError('DIR.INSUFFICIENT_RIGHTS'); });
    assert.deepEqual(await portalOn(binds.directory).challengePassword(USER, 'Current-Pass-1', FROM), { ok: false, reason: 'wrong' });
    const strict = bindsOf(f.directory, async () => ({ threshold: 2, observationWindowMs: 30 * 60_000, durationMs: undefined, source: 'pso' }));
    assert.deepEqual(await portalOn(strict.directory).challengePassword(USER, 'Current-Pass-1', FROM), { ok: false, reason: 'wrong' });
    assert.deepEqual([...binds.dns, ...strict.dns], [NO_ACCOUNT, NO_ACCOUNT]);
  });

  it('anonymous SMS sign-in requests are bounded per user and hour (known and unknown logins); a failed answer after them is still recorded', async () => {
    const bounded = portalOn(withPasswords(f.directory), 30);
    for (let i = 0; i < 50; i++) {
      await bounded.sendSignInCode(i % 2 ? USER : 'John.Doe@demo.example', { ip: `203.0.113.${i}`, userAgent: 'spray' });
      await bounded.sendSignInCode('nobody.at.all', FROM);
    }
    assert.equal((await f.store.portalEvents.list({ user: USER, type: 'code-sent', limit: 100 })).length, 30);
    assert.equal((await f.store.portalEvents.list({ user: 'nobody.at.all', type: 'code-sent', limit: 100 })).length, 30);
    await bounded.challengeQuestions(USER, [{ position: 1, answer: 'wrong' }], FROM);
    assert.equal((await events('challenge')).at(-1)?.outcome, 'failure', 'a failed answer is never dropped');
    f.clock.advance(61 * 60_000);
    await bounded.sendSignInCode(USER, FROM);
    assert.equal((await f.store.portalEvents.list({ user: USER, type: 'code-sent', limit: 100 })).length, 31, 'a new hour, new room');
  });

  it('a sign-in code goes only to the mobile registered on the portal, at most 3 codes an hour for the account (the registration code counts), and works once', async () => {
    await portal.sendSignInCode(USER, FROM);
    await portal.idle();
    assert.equal(sms.sent.length, 0, 'no registered mobile (the directory’s mobile is not used): nothing sent');
    assert.match((await events('code-sent')).at(-1)?.detail ?? '', /no registered mobile/);

    assert.deepEqual(await portal.startMobileRegistration(USER, '+44 7700-900.123', FROM), { ok: true, number: '+447700900123' });
    assert.deepEqual(await portal.confirmMobile(USER, '+447700900123', sms.lastCode(), FROM), { ok: true });
    assert.deepEqual((await f.store.portalAccounts.get(USER))?.methods, ['mobile']);

    for (let i = 0; i < 4; i++) {
      await portal.sendSignInCode(USER, FROM);
      await portal.idle();
    }
    const signIns = sms.sent.slice(1);
    assert.equal(signIns.length, 2, 'the registration code and two sign-in codes make the hour’s three');
    assert.ok(signIns.every((m) => m.to === '+447700900123'));
    assert.equal((await events('code-sent')).at(-1)?.detail, 'sms: not sent to …0123: this account was sent 3 codes in the last hour; the next one can go after 10:00 UTC');
    const code = sms.lastCode();
    assert.deepEqual(await portal.challengeSmsCode(USER, code, FROM), { ok: true, user: USER });
    assert.deepEqual(await portal.challengeSmsCode(USER, code, FROM), { ok: false, reason: 'wrong' }, 'used');
    f.clock.advance(15 * 60_000);
    await portal.sendSignInCode(USER, FROM);
    await portal.idle();
    assert.equal(sms.sent.length, 3, 'not after 15 minutes');
    f.clock.advance(45 * 60_000);
    await portal.sendSignInCode(USER, FROM);
    await portal.idle();
    assert.equal(sms.sent.length, 4, 'sent again an hour after the first');
  });

  it('an unknown login and a locked portal account get no text; a failed text is audited as failed', async () => {
    await portal.sendSignInCode('nobody.at.all', FROM);
    await portal.startMobileRegistration(USER, '+447700900123', FROM);
    await portal.confirmMobile(USER, '+447700900123', sms.lastCode(), FROM);
    sms.failing = true;
    await portal.sendSignInCode(USER, FROM);
    await portal.idle();
    const failed = (await events('code-sent')).at(-1);
    assert.equal(failed?.outcome, 'failure');
    assert.match(failed?.detail ?? '', /the text to …0123 failed/);
    sms.failing = false;
    for (let i = 0; i < 5; i++) await portal.challengePin(USER, '00000000', FROM);
    assert.equal((await f.store.portalAccounts.get(USER))?.locked, true);
    f.clock.advance(15 * 60_000);
    await portal.sendSignInCode(USER, FROM);
    await portal.idle();
    assert.equal(sms.sent.length, 1, 'only the registration code was ever sent');
  });

  it('decoy questions (unknown or unenrolled login): the same set every time and under every spelling, in a random order like real ones', async () => {
    await enroll();
    const orders = async (login: string) => {
      const seen = [];
      for (let i = 0; i < 30; i++) seen.push((await portal.questionsFor(login)).map((q) => q.question));
      return { orders: new Set(seen.map((q) => q.join('|'))).size, sets: new Set(seen.map((q) => [...q].sort().join('|'))) };
    };
    for (const login of [USER, 'conor.obrien', 'ghost.user']) {
      const { orders: n, sets } = await orders(login);
      assert.ok(n > 1, `${login}: shuffled (${n} orders in 30)`);
      assert.equal(sets.size, 1, `${login}: one set of questions`);
    }
    assert.deepEqual((await orders('Ghost.User@demo.example')).sets, (await orders('ghost.user')).sets, 'the same decoys under the UPN-like spelling');
  });

  it('an unknown login counts its failures across spellings as a real account does: 3 as the login + 2 as login@suffix lock both', async () => {
    for (const login of ['conor.obrien', 'ghost.user']) {
      for (let i = 0; i < 3; i++) assert.equal((await portal.challengePin(login, '00000000', FROM)).ok, false);
      assert.deepEqual(await portal.challengePin(`${login}@demo.example`, '00000000', FROM), { ok: false, reason: 'wrong' });
      assert.deepEqual(await portal.challengePin(`${login.toUpperCase()}@DEMO.EXAMPLE`, '00000000', FROM), { ok: false, reason: 'locked' }, login);
      assert.deepEqual(await portal.challengePin(login, '00000000', FROM), { ok: false, reason: 'locked' }, `${login}: locked under every spelling`);
    }
    assert.deepEqual(await portal.challengePin('ghost.user@elsewhere.test', '00000000', FROM), { ok: false, reason: 'wrong' }, 'not one of the directory’s suffixes: its own count');
  });

  it('attempts on an unknown login are portal events too (marked unknown, with the IP, never the PIN) and lock it in every process; a store that cannot be written fails them as it fails a known one', async () => {
    const nobody = 'Nobody.At.All';
    assert.deepEqual(await portal.challengePin(nobody, '31415926', FROM), { ok: false, reason: 'wrong' });
    await portal.sendSignInCode(nobody, FROM);
    for (let i = 0; i < 5; i++) await portal.challengeQuestions(nobody, [{ position: 100, answer: 'a guess' }], FROM);
    const seen = (await f.store.portalEvents.list({ user: 'nobody.at.all', limit: 50 })).reverse();
    assert.deepEqual(seen.map((e) => [e.type, e.outcome, e.detail, e.unknownUser, e.ip]), [
      ['challenge', 'failure', 'pin (invalid)', true, FROM.ip],
      ['code-sent', 'failure', 'sms: unknown login, nothing sent', true, FROM.ip],
      ...Array.from({ length: 4 }, () => ['challenge', 'failure', 'questions', true, FROM.ip]),
      ['portal-lock', 'success', 'locked after 5 failed challenges', true, FROM.ip],
      ['sign-in', 'failure', 'refused: the portal account is locked (questions)', true, FROM.ip],
    ], 'five failures lock the made-up account, as they lock a real one');
    assert.ok(!JSON.stringify(seen).includes('31415926') && !JSON.stringify(seen).includes('a guess'), 'no PIN or answer in any event');
    assert.equal(await f.store.portalAccounts.get('nobody.at.all'), null, 'no portal account is made for a login nobody has');
    const otherProcess = portalOn(withPasswords(f.directory)); // e.g. a PORTAL=only instance on the same store
    assert.deepEqual(await otherProcess.challengePin(nobody, '12345678', FROM), { ok: false, reason: 'locked' }, 'the made-up lock is in the store, not in one process');

    const broken = new HelpdeskError('STORE.UNAVAILABLE', 'disk full');
    f.store.portalEvents.append = async () => { throw broken; };
    await assert.rejects(portal.challengePin(USER, '00000000', FROM), broken);
    await assert.rejects(portal.challengePin('someone.else', '00000000', FROM), broken, 'the same failure for a login nobody has');
  });

  it('the number waiting for its code is kept sealed in the session, and opens only for its own user', () => {
    const token = portal.sealPendingMobile(USER, '+447700900123');
    assert.ok(!token.includes('7700900123') && !Buffer.from(token.replaceAll('.', ''), 'base64url').toString('latin1').includes('7700900123'));
    assert.equal(portal.pendingMobile(USER, token), '+447700900123');
    assert.equal(portal.pendingMobile('jane.smith', token), undefined, 'another user’s session cannot carry it over');
    assert.equal(portal.pendingMobile(USER, token.slice(0, -2) + (token.endsWith('AA') ? 'AB' : 'AA')), undefined, 'changed: it does not open');
    assert.equal(portal.pendingMobile(USER, '+447700900123'), undefined, 'a plain number from an older session is not taken');
    assert.equal(portal.pendingMobile(USER, undefined), undefined);
  });

  it('a registration code proves only the number it was sent to', async () => {
    await portal.startMobileRegistration(USER, '+447700900111', FROM);
    await portal.startMobileRegistration(USER, '+447700900222', FROM); // another tab, another number
    const code = sms.lastCode();
    assert.equal((await portal.confirmMobile(USER, '+447700900111', code, FROM)).ok, false, 'the code went to …0222');
    assert.deepEqual(await portal.confirmMobile(USER, '+447700900222', code, FROM), { ok: true });
    await portal.sendSignInCode(USER, FROM);
    await portal.idle();
    assert.equal(sms.sent.at(-1)?.to, '+447700900222');
  });

  it('a login naming two accounts is answered as an unknown one (no error page that would tell them apart)', async () => {
    const ambiguous = Object.assign(Object.create(f.directory) as Directory, {
      findByLogin: async () => { throw new HelpdeskError('DIR.AMBIGUOUS', undefined, { query: 'j.doe@demo.example' }); },
    });
    const twice = portalOn(ambiguous);
    assert.deepEqual(await twice.challengePin('j.doe@demo.example', '12345678', FROM), { ok: false, reason: 'wrong' });
    assert.equal((await twice.questionsFor('j.doe@demo.example')).length, 3, 'made-up questions, as for an unknown login');
    await twice.sendSignInCode('j.doe@demo.example', FROM);
    assert.equal(sms.sent.length, 0);
    assert.deepEqual(await verifyHelpdeskPin({ directory: ambiguous, store: f.store, clock: f.clock, pins: f.service.pins }, 'j.doe@demo.example', '12345678'), { valid: false, reason: 'invalid' });
  });

  it('after a portal reset, and when the registered mobile changes, the phones hear of it (no secret in the text)', async () => {
    await portal.startMobileRegistration(USER, '+447700900111', FROM);
    await portal.confirmMobile(USER, '+447700900111', sms.lastCode(), FROM);
    const before = sms.sent.length;
    assert.deepEqual(await portal.resetPassword(USER, 'Brand-New-Pass-7', 'Brand-New-Pass-7', FROM), { ok: true });
    await portal.idle();
    const notices = sms.sent.slice(before);
    assert.deepEqual(notices.map((m) => m.to).sort(), ['+1 555 0188', '+447700900111'], 'the directory mobile and the registered one');
    for (const m of notices) {
      assert.match(m.body, /^Demo Corp: your password was reset on the self-service portal at \d\d:\d\d UTC\. If this was not you, call \+1 555 0100 now\.$/);
      assert.ok(!m.body.includes('Brand-New-Pass-7'));
    }
    await portal.startMobileRegistration(USER, '+447700900222', FROM);
    await portal.confirmMobile(USER, '+447700900222', sms.lastCode(), FROM);
    await portal.idle();
    const swap = sms.sent.at(-1);
    assert.equal(swap?.to, '+447700900111', 'the number it replaces is told');
    assert.match(swap?.body ?? '', /the mobile for your portal sign-in codes was changed to …0222/);
    assert.equal((await events('notice-sent')).filter((e) => e.outcome === 'success').length, 3);
  });

  it('takes mobile numbers in international format only', () => {
    assert.equal(e164('+1 (555) 010-0199'), '+15550100199');
    assert.equal(e164('0044 7700 900123'), '+447700900123');
    for (const bad of ['07700 900123', '+0 123 456 789', '+1 555', 'call me', '+1234567890123456']) assert.equal(e164(bad), undefined, bad);
  });
});
