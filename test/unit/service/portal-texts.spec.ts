// SMS pumping (issue 16, item 4): the portal's texts through the real Twilio client to the loopback Twilio,
// which counts what would be billed. Codes are bounded per account, every text per number and in total per
// hour, repeated notices are combined, registered mobiles may be limited to country codes, and the counts
// live in the store: a new SelfService, or a new connection to the same file (another process), counts on.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store';
import { TwilioSmsSender } from '../../../src/adapters/twilio/twilio-sms';
import { DEFAULT_PORTAL_QUESTIONS } from '../../../src/config/load-config';
import { CALLER_CODE_POLICY } from '../../../src/domain/one-time-code';
import { DEFAULT_TEXT_BUDGET, type TextBudgetSettings } from '../../../src/domain/text-budget';
import type { Store } from '../../../src/ports/store.port';
import { silentLogger } from '../../../src/ports/logger.port';
import { OneTimeCodes } from '../../../src/service/kernel/one-time-codes';
import { SelfService } from '../../../src/service/self-service/self-service';
import { TextBudget } from '../../../src/service/self-service/text-budget';
import { DEMO_SETTINGS, demoFixture, type Fixture } from '../../helpers/service-fixture';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioFake } from '../../helpers/twilio-fake';

const FROM = { ip: '198.51.100.4', userAgent: 'unit' };
const USER = 'john.doe';
const OTHER = 'jane.smith';
const PREMIUM = '+447700900123';

describe('SelfService: the portal’s texts are bounded (SMS pumping), in the store', () => {
  let twilio: TwilioFake;
  let f: Fixture;
  let dir: string;
  let store: Store;
  before(async () => {
    twilio = await new TwilioFake().start();
  });
  after(() => twilio?.stop());
  beforeEach(async () => {
    twilio.messages.length = 0;
    twilio.requests = 0;
    dir = await mkdtemp(join(tmpdir(), 'portal-texts-'));
    store = openSqliteStore({ path: join(dir, 'helpdesk.db'), auditKey: Buffer.alloc(32, 7) });
    f = demoFixture({ store });
  });
  afterEach(async () => {
    await store.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  function portalOn(on: Store, budget: Partial<TextBudgetSettings> = {}): SelfService {
    const sms = new TwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: TWILIO_FROM, apiUrl: twilio.url, timeoutMs: 2000, logger: silentLogger });
    return new SelfService({
      directory: f.directory, store: on, clock: f.clock, logger: silentLogger, cipher: f.cipher, pins: f.service.pins, sms,
      codes: new OneTimeCodes(on.portalCodes, f.clock, Buffer.alloc(32, 3), CALLER_CODE_POLICY, 'codes'), orgName: 'Demo Corp', notice: {},
      protection: DEMO_SETTINGS.protection, decoyKey: Buffer.alloc(32, 4), loginSuffixes: [],
      texts: new TextBudget(on.quotas, f.clock, Buffer.alloc(32, 6), { ...DEFAULT_TEXT_BUDGET, ...budget }),
      settings: { lockAfter: 5, questionsAsked: 3, questions: DEFAULT_PORTAL_QUESTIONS, minQuestions: 3, minAnswerLength: 3 },
    });
  }
  const textsTo = (number: string) => twilio.messages.filter((m) => m.to === number).length;
  const events = async (user: string, type: string) => (await store.portalEvents.list({ user, type, limit: 100 })).reverse();
  async function register(portal: SelfService, user: string, number: string): Promise<void> {
    assert.deepEqual(await portal.startMobileRegistration(user, number, FROM), { ok: true, number });
    const code = /\b(\d{6})\b/.exec(twilio.messages.at(-1)?.body ?? '')?.[1] ?? '';
    assert.deepEqual(await portal.confirmMobile(user, number, code, FROM), { ok: true });
    await portal.idle();
  }

  it('10 password resets text the registered number once: repeats are combined, each a portal event saying so', async () => {
    const portal = portalOn(store);
    await register(portal, USER, PREMIUM);
    const before = { texts: textsTo(PREMIUM), requests: twilio.requests };
    for (let i = 0; i < 10; i++) {
      assert.deepEqual(await portal.resetPassword(USER, `Brand-New-Pass-${i}x`, `Brand-New-Pass-${i}x`, FROM), { ok: true });
      await portal.idle();
    }
    assert.equal(textsTo(PREMIUM) - before.texts, 1, 'one notice for ten resets');
    assert.equal(twilio.requests - before.requests, 2, 'and one to the directory mobile (which the fake refuses: it is not in E.164)');
    const combined = (await events(USER, 'notice-sent')).filter((e) => e.detail?.startsWith('notice not sent'));
    assert.equal(combined.length, 9);
    assert.ok(combined.every((e) => e.outcome === 'failure'));
    assert.match(combined[0]?.detail ?? '', /^notice not sent: your password was reset on the self-service portal; combined with the same notice sent within the last 15 minutes$/);
  });

  it('resets spread over an hour, sign-in codes and a second account all together text one number at most 3 times an hour', async () => {
    const portal = portalOn(store);
    await register(portal, USER, PREMIUM); // 1
    for (let i = 0; i < 10; i++) {
      await portal.sendSignInCode(USER, FROM);
      await portal.idle();
      await portal.resetPassword(USER, `Brand-New-Pass-${i}x`, `Brand-New-Pass-${i}x`, FROM);
      await portal.idle();
      f.clock.advance(5 * 60_000);
    }
    assert.equal(textsTo(PREMIUM), 3, 'within the hour since the registration code: three texts in all');
    f.clock.advance(10 * 60_000);
    twilio.messages.length = 0;
    // A second enrolled account registers the same number: it is the number that counts.
    for (let i = 0; i < 10; i++) {
      await portal.startMobileRegistration(OTHER, PREMIUM, FROM);
      await portal.startMobileRegistration(USER, PREMIUM, FROM);
      await portal.sendSignInCode(USER, FROM);
      await portal.idle();
    }
    assert.equal(textsTo(PREMIUM), 3, 'three texts to the number in the hour, whoever asked');
    const refused = (await events(OTHER, 'code-sent')).filter((e) => e.outcome === 'failure');
    assert.match(refused.at(-1)?.detail ?? '', /^mobile registration: no code sent to …0123: this number was sent 3 texts in the last hour; the next one can go after \d\d:\d\d UTC$/);
    assert.match((await portal.startMobileRegistration(OTHER, PREMIUM, FROM) as { message: string }).message, /^Too many texts were sent for this account or to this number\. Please try again after \d\d:\d\d UTC\.$/);
  });

  it('counts survive a new SelfService and a new connection to the same store file (a restart, a second replica)', async () => {
    const first = portalOn(store);
    await register(first, USER, PREMIUM);
    await first.sendSignInCode(USER, FROM);
    await first.idle();
    assert.equal(textsTo(PREMIUM), 2);
    const secondStore = openSqliteStore({ path: join(dir, 'helpdesk.db'), auditKey: Buffer.alloc(32, 7) });
    try {
      const second = portalOn(secondStore);
      for (let i = 0; i < 5; i++) {
        await second.sendSignInCode(USER, FROM);
        await second.idle();
      }
      await portalOn(store).sendSignInCode(USER, FROM);
      await first.idle();
      assert.equal(textsTo(PREMIUM), 3, 'the account’s three codes, counted across both');
    } finally {
      await secondStore.close();
    }
  });

  it('the total for the hour holds across accounts and numbers', async () => {
    const portal = portalOn(store, { total: 4 });
    await register(portal, USER, '+447700900001');
    await register(portal, OTHER, '+447700900002');
    for (const user of [USER, OTHER, USER, OTHER]) {
      await portal.sendSignInCode(user, FROM);
      await portal.idle();
    }
    assert.equal(twilio.messages.length, 4, 'two registrations and two sign-in codes');
    assert.match((await events(OTHER, 'code-sent')).at(-1)?.detail ?? '', /the portal sent its 4 texts for the hour/);
  });

  it('SMS_ALLOWED_COUNTRIES: a number elsewhere is refused politely at registration, nothing is texted, and it is a portal event', async () => {
    const portal = portalOn(store, { allowedCountries: ['+1', '+44'] });
    const refused = await portal.startMobileRegistration(USER, '+882 1234 5678', FROM);
    assert.deepEqual(refused, { ok: false, message: 'Mobiles from this country cannot be registered here. Please use a number starting with +1 or +44.' });
    assert.equal(twilio.requests, twilio.messages.length, 'no request reached Twilio for it');
    assert.equal(twilio.messages.length, 0);
    const event = (await events(USER, 'code-sent')).at(-1);
    assert.deepEqual([event?.outcome, event?.detail], ['failure', 'mobile registration: refused, …5678 is not in an allowed country (+1, +44)']);
    await register(portal, USER, PREMIUM);
    assert.equal(textsTo(PREMIUM), 1, 'a number in an allowed country is texted');
  });
});
