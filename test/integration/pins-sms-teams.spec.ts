// Helpdesk PINs and SMS resets over the Bot Framework protocol, against Samba AD, with Twilio reached
// through its official client on a loopback server that checks the documented request (path, form
// fields, Basic auth). `pin <user> sms` sends one SMS with an 8-digit PIN to the mobile the directory has,
// and the PIN is nowhere else: not in a reply, a log line, the audit trail, a portal event or any store
// row. POST /api/portal/pins/verify accepts it once; wrong tries count across a replacement PIN. `reset
// <user> sms` sets a password a real bind proves (then must-change, data 773). A failing Twilio leaves no
// valid PIN and says so.
import assert from 'node:assert/strict';
import { Attribute, Change } from 'ldapts';
import { TwilioSmsSender } from '../../src/adapters/twilio/twilio-sms';
import { VERBS } from '../../src/domain/verbs';
import { cardText } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { PORTAL_TOKEN, portalCall } from '../helpers/portal-api-client';
import { asAdmin, ldapBindAs, rawUser, resetSeededUser, USERS } from '../helpers/samba';
import { capturingLogger, storeDump, whereFound } from '../helpers/secret-capture';
import { button, teamsChat, type Card } from '../helpers/teams-chat';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioFake } from '../helpers/twilio-fake';


/** Seeded users given a mobile for this file (only jdoe has one in the seed). */
const MOBILES: Record<string, string> = { [USERS.jsmith]: '+1 555 0142', [USERS.cobrien]: '+353 1 555 0143', [USERS.resetme]: '+1 555 0144' };

describe('Helpdesk PINs and SMS resets over the Teams protocol, Twilio on loopback, against Samba AD', function () {
  this.timeout(60_000);
  let h: BotHarness;
  let twilio: TwilioFake;
  let sms: TwilioSmsSender;
  let agent: TeamsMember;
  const capture = capturingLogger();
  const cards: string[] = [];

  before(async () => {
    twilio = await new TwilioFake().start();
    for (const [sam, mobile] of Object.entries(MOBILES)) {
      const { dn } = await rawUser(sam, ['1.1']);
      await asAdmin((c) => c.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: [mobile] }) })]));
    }
    sms = new TwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: TWILIO_FROM, apiUrl: twilio.url, timeoutMs: 1500, logger: capture.logger });
    h = await startBotHarness({
      portalApiToken: PORTAL_TOKEN, sms, logger: capture.logger,
      settings: { changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } },
    });
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
  });
  after(async () => {
    await h?.close();
    await twilio?.stop();
    for (const sam of Object.keys(MOBILES)) {
      const { dn } = await rawUser(sam, ['1.1']);
      await asAdmin((c) => c.modify(dn, [new Change({ operation: 'delete', modification: new Attribute({ type: 'mobile', values: [] }) })]));
    }
    await resetSeededUser(USERS.resetme);
  });
  beforeEach(() => {
    twilio.mode = 'ok';
  });

  const say = (text: string) => teamsChat(h, cards).say(agent, text);
  const click = (action: Card | undefined) => teamsChat(h, cards).press(agent, action);

  /** `pin <user> sms`, confirmed: the result card. */
  async function pinBySms(user: string): Promise<Card> {
    const confirm = await say(`pin ${user} sms`);
    assert.match(cardText(confirm), /Send a new helpdesk PIN to the mobile of/);
    return click(button(confirm, VERBS.confirmAccept));
  }

  const verify = async (user: string, pin: string) => {
    const res = await portalCall(h.url, 'POST', '/api/portal/pins/verify', { user, pin });
    assert.equal(res.status, 200);
    return res.body as { valid: boolean; reason?: string };
  };

  const lastPin = (): string => {
    const body = twilio.messages.at(-1)?.body ?? '';
    const m = /\b(\d{8})\b/.exec(body);
    assert.ok(m?.[1], `an 8-digit PIN in "${body.replace(/\d/g, '#')}"`);
    return m[1];
  };

  it('pin jdoe sms by an agent: one SMS to the directory mobile with an 8-digit PIN, nowhere else; verified once, then used', async () => {
    const sent = twilio.messages.length;
    const result = await pinBySms(USERS.jdoe);
    assert.match(cardText(result), /Helpdesk PIN sent/);
    assert.match(cardText(result), /…0199/);
    assert.equal(twilio.messages.length, sent + 1, 'one SMS');
    const sms = twilio.messages.at(-1);
    assert.equal(sms?.to, '+15550199', 'to the mobile in the directory, in E.164');
    assert.ok(!/Alice|hd\.agent/i.test(sms?.body ?? ''), 'the SMS does not name the agent');
    assert.deepEqual(twilio.problems, [], 'the official client sent the documented request');
    const pin = lastPin();
    assert.ok(sms && sms.body.length <= 160, 'one SMS segment');

    const leaks = whereFound(pin, {
      reply: cards,
      log: capture.lines,
      store: storeDump(h.dbPath),
      audit: (await h.store.audit.list({ limit: 1000 })).map((e) => JSON.stringify(e)),
      portal: (await h.store.portalEvents.list({ user: USERS.jdoe, limit: 100 })).map((e) => JSON.stringify(e)),
    });
    assert.deepEqual(leaks, [], 'the PIN is only in the SMS');
    const events = await h.store.portalEvents.list({ user: USERS.jdoe, limit: 10, type: 'helpdesk-pin-issued' });
    assert.match(events[0]?.detail ?? '', /by hd\.agent, sent by SMS/);

    assert.deepEqual(await verify(USERS.jdoe, pin), { valid: true });
    assert.deepEqual(await verify(USERS.jdoe, pin), { valid: false, reason: 'used' });
    assert.deepEqual(await verify(`${USERS.jdoe}@corp.example.test`, pin), { valid: false, reason: 'used' }, 'by UPN too');
  });

  it('five wrong PINs make the right one fail; an unknown user gets the same answer as a wrong PIN', async () => {
    await pinBySms(USERS.jsmith);
    const pin = lastPin();
    const wrong = pin === '00000000' ? '11111111' : '00000000';
    for (let i = 0; i < 5; i++) assert.deepEqual(await verify(USERS.jsmith, wrong), { valid: false, reason: 'invalid' });
    assert.deepEqual(await verify(USERS.jsmith, pin), { valid: false, reason: 'locked' });
    assert.deepEqual(await verify('nobody.at.all', pin), { valid: false, reason: 'invalid' });
    const failures = await h.store.portalEvents.list({ user: USERS.jsmith, limit: 20, type: 'pin-verify' });
    assert.equal(failures.filter((e) => e.outcome === 'failure').length, 6, 'every try is a portal event');
  });

  it('a new PIN after three wrong tries still has only two left', async () => {
    await pinBySms(USERS.cobrien);
    const first = lastPin();
    const wrong = (p: string) => (p.startsWith('9') ? '1' : '9') + p.slice(1);
    for (let i = 0; i < 3; i++) assert.equal((await verify(USERS.cobrien, wrong(first))).reason, 'invalid');
    await pinBySms(USERS.cobrien);
    const second = lastPin();
    assert.deepEqual(await verify(USERS.cobrien, first), { valid: false, reason: 'invalid' }, 'the old PIN was replaced (4th wrong try)');
    assert.deepEqual(await verify(USERS.cobrien, wrong(second)), { valid: false, reason: 'invalid' });
    assert.deepEqual(await verify(USERS.cobrien, second), { valid: false, reason: 'locked' }, 'two tries were left, both used');
    const refused = await pinBySms(USERS.cobrien);
    assert.match(cardText(refused), /Too many wrong PINs were tried/, 'no third PIN while the failures count');
  });

  for (const [mode, words] of [
    ['server-error', /did not take the message/],
    ['invalid-number', /refused the mobile number/],
    ['hang', /did not take the message/],
    ['unverified-sender', /refused our sender number/],
  ] as const) {
    it(`a failing Twilio (${mode}) leaves no valid PIN and tells the agent clearly`, async () => {
      const before = twilio.requests;
      twilio.mode = mode;
      const result = await pinBySms(USERS.jdoe);
      assert.equal(twilio.requests, before + 1);
      const text = cardText(result);
      assert.match(text, words);
      assert.match(text, /No PIN is valid/);
      // Whatever PIN was generated is withdrawn: even the right one fails (it never reached anyone).
      const row = storeDump(h.dbPath).find((r) => r.startsWith('pins: ') && r.includes(`"user":"${USERS.jdoe}"`));
      assert.ok(row, 'the PIN row exists');
      const { expires_at: expiresAt, used_at: usedAt } = JSON.parse(row.slice('pins: '.length)) as { expires_at: number; used_at: number | null };
      assert.equal(usedAt, null);
      assert.ok(expiresAt <= Date.now(), 'withdrawn: expired at once');
      const audit = await h.store.audit.list({ limit: 5 });
      assert.ok(audit.some((e) => e.action === 'pin.sms' && e.outcome === 'failure' && e.code?.startsWith('SMS.')), 'audited as a failure with the SMS code');
    });
  }

  it('reset resetme sms: a password a real bind proves (then must-change, data 773), delivered by SMS only', async () => {
    const confirm = await say(`reset ${USERS.resetme} sms`);
    assert.equal(button(confirm, VERBS.confirmAcceptKeep), undefined, 'by default no reset that keeps the password is offered');
    assert.doesNotMatch(cardText(confirm), /no change at next logon/i);
    const result = await click(button(confirm, VERBS.confirmAccept));
    assert.match(cardText(result), /reset and sent by SMS to their mobile \(…0144\)/);
    const sms = twilio.messages.at(-1);
    assert.equal(sms?.to, '+15550144');
    const password = /new password is (\S+?)( -|\.$)/.exec(sms?.body ?? '')?.[1];
    assert.ok(password && password.length === 16, 'a 16-character password in the SMS');
    const bind = await ldapBindAs(USERS.resetme, password);
    assert.equal(bind.ok ? 'ok' : bind.data, '773', 'the new password is right and must be changed (data 773)');
    assert.deepEqual(whereFound(password, { reply: cards, log: capture.lines, store: storeDump(h.dbPath) }), []);
    const events = await h.store.portalEvents.list({ user: USERS.resetme, limit: 5, type: 'helpdesk-password-reset' });
    assert.equal(events[0]?.outcome, 'success');
  });

  it('reset … sms whose SMS fails says plainly that the password was set and what to do next', async () => {
    twilio.mode = 'server-error';
    const confirm = await say(`reset ${USERS.resetme} sms`);
    const result = await click(button(confirm, VERBS.confirmAccept));
    const text = cardText(result);
    assert.match(text, /Password reset, but the SMS was not sent/);
    assert.match(text, /was changed in the directory/);
    assert.match(text, /run "reset resetme sms" again/);
  });

  describe('with RESET_ALLOW_KEEP on', () => {
    let keeping: BotHarness;
    before(async () => {
      keeping = await startBotHarness({
        sms, logger: capture.logger,
        settings: { resetMayKeepPassword: true, changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } },
      });
      keeping.connector.addMember(agent);
    });
    after(async () => {
      await keeping?.close();
      await resetSeededUser(USERS.resetme);
    });

    it('the keep choice is set apart from Confirm, in its own words; choosing it sets a password with pwdLastSet ≠ 0', async () => {
      const confirm = await teamsChat(keeping, cards).say(agent, `reset ${USERS.resetme} sms`);
      const keep = button(confirm, VERBS.confirmAcceptKeep);
      assert.ok(keep, 'the choice exists');
      const rowOf = (a: Card | undefined) => actionRows(confirm).find((row) => row.includes(a as Card));
      assert.ok(rowOf(button(confirm, VERBS.confirmAccept)), 'Confirm is in a row of buttons');
      assert.notEqual(rowOf(keep), rowOf(button(confirm, VERBS.confirmAccept)), 'not a sibling button of Confirm');
      assert.deepEqual(rowOf(keep), [keep], 'alone in its own row');
      assert.match(cardText(confirm), /Another choice.*without asking them for a new one at next logon/s);
      const result = await teamsChat(keeping, cards).press(agent, keep);
      assert.match(cardText(result), /need not change it at next logon/);
      const { pwdLastSet } = await rawUser(USERS.resetme, ['pwdLastSet']);
      assert.notEqual(String(pwdLastSet), '0', 'pwdLastSet is not 0: no change at next logon');
      const password = /new password is (\S+?)( -|\.$)/.exec(twilio.messages.at(-1)?.body ?? '')?.[1] ?? '';
      assert.deepEqual(await ldapBindAs(USERS.resetme, password), { ok: true }, 'the new password works as it is');
    });
  });

  it('a user with no mobile gets a clear answer and no PIN is kept', async () => {
    const before = twilio.requests;
    const answer = await say(`pin ${USERS.locky} sms`);
    assert.match(cardText(answer), /has no mobile number in the directory/);
    assert.equal(twilio.requests, before);
    assert.ok(!storeDump(h.dbPath).some((r) => r.startsWith('pins: ') && r.includes(`"user":"${USERS.locky}"`)));
  });
});

/** The card's rows of buttons: each ActionSet's actions, and the card's own actions. */
function actionRows(card: Card): Card[][] {
  const rows: Card[][] = [];
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) return o.forEach(walk);
    if (typeof o !== 'object' || o === null) return;
    const node = o as Card;
    if ((node.type === 'ActionSet' || node.type === 'AdaptiveCard') && Array.isArray(node.actions)) rows.push(node.actions as Card[]);
    Object.values(node).forEach(walk);
  };
  walk(card);
  return rows;
}
