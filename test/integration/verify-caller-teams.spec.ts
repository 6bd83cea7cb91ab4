// Caller verification over the Bot Framework protocol, against Samba AD, with Twilio reached through its
// official client on a loopback server: `verify <user>` / the details card's "Verify caller" button send a
// 6-digit code to the mobile the directory has; the agent types the code the caller reads back into the
// card (verify.check); the details card then says "caller verified by code at T". Three wrong codes fail
// it. With VERIFY_REQUIRED, `pin` before a verification is refused and works after it. The code appears
// in no card, log line, audit record, portal event, ticket comment or store row.
import assert from 'node:assert/strict';
import { Attribute, Change } from 'ldapts';
import { ticketOutbox } from '../../src/adapters/tickets/ticket-outbox';
import { TwilioSmsSender } from '../../src/adapters/twilio/twilio-sms';
import { VERBS } from '../../src/domain/verbs';
import { cardText } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { asAdmin, lockOut, rawUser, resetSeededUser, USERS } from '../helpers/samba';
import { capturingLogger, storeDump, whereFound } from '../helpers/secret-capture';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';
import { button, teamsChat, type Card } from '../helpers/teams-chat';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioFake } from '../helpers/twilio-fake';


const ZOE_MOBILE = '+1 555 0145';

describe('Caller verification (verify <user>, Verify caller) over the Teams protocol, Twilio on loopback, against Samba AD', function () {
  this.timeout(60_000);
  let h: BotHarness;
  let twilio: TwilioFake;
  let agent: TeamsMember;
  const capture = capturingLogger();
  const cards: string[] = [];
  const tickets = ticketOutbox();

  before(async () => {
    twilio = await new TwilioFake().start();
    const { dn } = await rawUser(USERS.zmuller, ['1.1']);
    await asAdmin((c) => c.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: [ZOE_MOBILE] }) })]));
    const sms = new TwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: TWILIO_FROM, apiUrl: twilio.url, timeoutMs: 1500, logger: capture.logger });
    h = await startBotHarness({
      sms, logger: capture.logger, ticketSink: tickets,
      settings: { verifyRequired: true, changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } },
    });
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
  });
  after(async () => {
    await h?.close();
    await twilio?.stop();
    const { dn } = await rawUser(USERS.zmuller, ['1.1']);
    await asAdmin((c) => c.modify(dn, [new Change({ operation: 'delete', modification: new Attribute({ type: 'mobile', values: [] }) })]));
  });

  const say = (text: string) => teamsChat(h, cards).say(agent, text);
  /** A press; `typed` is what the agent typed into the card's inputs. */
  const click = (action: Card | undefined, typed: Record<string, string> = {}) => teamsChat(h, cards).press(agent, action, typed);
  const hasCodeInput = (card: Card) => JSON.stringify(card).includes('"id":"code"');

  const lastCode = (to: string): string => {
    const sms = twilio.messages.at(-1);
    assert.equal(sms?.to, to);
    const m = /\b(\d{6})\b/.exec(sms?.body ?? '');
    assert.ok(m?.[1], `a 6-digit code in "${(sms?.body ?? '').replace(/\d/g, '#')}"`);
    return m[1];
  };

  const otherThan = (code: string, i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');

  it('with VERIFY_REQUIRED, pin before a verification is refused; "Verify caller" sends the code, the right code marks the card, then pin works', async () => {
    await say(`escalate ${USERS.jdoe} caller says they are locked out`);

    const refused = await say(`pin ${USERS.jdoe} sms`);
    assert.match(cardText(refused), /Verify the caller first: run "verify jdoe"/);
    assert.ok(!button(refused, VERBS.confirmAccept), 'no confirm step offered');
    const sentBefore = twilio.messages.length;
    assert.equal(sentBefore, 0, 'no PIN went out');

    const details = await say(`user ${USERS.jdoe}`);
    assert.doesNotMatch(cardText(details), /caller verified/i);
    const form = await click(button(details, VERBS.verifySend));
    assert.match(cardText(form), /A code was sent by SMS to the mobile of John Doe \(jdoe\) \(…0199\)/);
    assert.ok(hasCodeInput(form), 'the card asks for the code');
    assert.equal(twilio.messages.length, 1, 'one SMS');
    assert.deepEqual(twilio.problems, [], 'the official client sent the documented request');
    const code = lastCode('+15550199');
    assert.ok(!/Alice|hd\.agent/i.test(twilio.messages.at(-1)?.body ?? ''), 'the SMS does not name the agent');
    assert.ok(!JSON.stringify(form).includes(code), 'the form does not show the code');

    const verified = await click(button(form, VERBS.verifyCheck), { code });
    assert.match(cardText(verified), /John Doe/);
    assert.match(cardText(verified), /caller verified by code at \d\d:\d\d UTC/);

    const again = await say(`user ${USERS.jdoe}`);
    assert.match(cardText(again), /caller verified by code at/, 'the details card keeps saying so');

    const confirm = await say(`pin ${USERS.jdoe} sms`);
    const done = await click(button(confirm, VERBS.confirmAccept));
    assert.match(cardText(done), /Helpdesk PIN sent/);

    // Audited and a portal event, never the code; the open ticket gets a follow-up without it.
    const audit = await h.store.audit.list({ limit: 100 });
    assert.ok(audit.some((e) => e.action === 'verify.send' && e.outcome === 'success' && /delivery: sms to …0199/.test(e.detail ?? '')));
    assert.ok(audit.some((e) => e.action === 'verify.check' && e.outcome === 'success' && e.detail === 'caller verified by code'));
    const events = await h.store.portalEvents.list({ user: USERS.jdoe, limit: 20, type: 'helpdesk-verify' });
    assert.deepEqual(events.map((e) => e.outcome), ['success', 'success']);
    const deadline = Date.now() + 5000;
    const comment = () => tickets.entries().find((e) => e.event === 'comment' && /verified the caller with a one-time code/.test(e.text));
    while (!comment() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(comment(), 'the open ticket got the follow-up');

    const leaks = whereFound(code, {
      reply: cards,
      log: capture.lines,
      store: storeDump(h.dbPath),
      audit: audit.map((e) => JSON.stringify(e)),
      portal: (await h.store.portalEvents.list({ user: USERS.jdoe, limit: 100 })).map((e) => JSON.stringify(e)),
      tickets: tickets.entries().map((e) => e.text),
    });
    assert.deepEqual(leaks, [], 'the code is only in the SMS');
  });

  it('after a verification and an unlock by the agent the card warns of nothing; three failed portal answers put the vishing box second, under the name', async () => {
    const box = (card: Card) => (card.body as Record<string, unknown>[])[1]!;
    try {
      await lockOut(USERS.jdoe);
      const form = await say(`verify ${USERS.jdoe}`);
      const verified = await click(button(form, VERBS.verifyCheck), { code: lastCode('+15550199') });
      assert.match(cardText(verified), /CALLER VERIFIED/);
      const confirm = await click(button(verified, VERBS.accountUnlock));
      assert.match(cardText(await click(button(confirm, VERBS.confirmAccept))), /unlocked/i);
      const quiet = await say(`user ${USERS.jdoe}`);
      assert.match(cardText(quiet), /CALLER VERIFIED/);
      assert.doesNotMatch(JSON.stringify(quiet), /Possible vishing|already acted/, "the helpdesk's own work is no warning");
      assert.notEqual(box(quiet).style, 'attention');

      await h.store.portalEvents.append([3, 2, 1].map((m) => ({
        user: USERS.jdoe, type: 'challenge', outcome: 'failure' as const, detail: 'questions', ip: '203.0.113.7', userAgent: 'curl/8',
        at: new Date(h.clock.now().getTime() - m * 60_000), category: 'self-service' as const, unknownUser: false,
      })));
      const warned = await say(`user ${USERS.jdoe}`);
      assert.equal(box(warned).type, 'Container');
      assert.equal(box(warned).style, 'attention');
      assert.match(cardText({ type: 'AdaptiveCard', body: [box(warned)] }), /^⚠ Possible vishing: verify the caller before acting\n• \n3 failed answers between \d\d:\d\d CES?T \(\d\d:\d\d UTC\) and \d\d:\d\d CES?T \(\d\d:\d\d UTC\) from 203\.0\.113\.7$/);
    } finally {
      await resetSeededUser(USERS.jdoe);
    }
  });

  it('verify zmuller: three wrong codes fail it — the right code then does not verify, and pin stays refused', async () => {
    const sent = twilio.messages.length;
    const form = await say(`verify ${USERS.zmuller}`);
    assert.equal(twilio.messages.length, sent + 1);
    const code = lastCode('+15550145');
    let card = form;
    let earlier = form;
    for (let i = 0; i < 3; i++) {
      earlier = card;
      card = await click(button(card, VERBS.verifyCheck), { code: otherThan(code, i) });
      // The third wrong code spends the last try, and the card says so at once.
      assert.match(cardText(card), i < 2 ? /That is not the code that was sent/ : /Three wrong codes/);
    }
    assert.ok(!hasCodeInput(card) && !button(card, VERBS.verifyCheck), 'no more tries offered');
    const late = await click(button(earlier, VERBS.verifyCheck), { code }); // the right code, from an earlier card's button
    assert.match(cardText(late), /Caller not verified/);
    assert.match(cardText(late), /Three wrong codes/);

    const details = await say(`user ${USERS.zmuller}`);
    assert.doesNotMatch(cardText(details), /caller verified/i);
    assert.match(cardText(await say(`pin ${USERS.zmuller} sms`)), /Verify the caller first/);
    const failures = await h.store.portalEvents.list({ user: USERS.zmuller, limit: 20, type: 'helpdesk-verify' });
    assert.equal(failures.filter((e) => e.outcome === 'failure').length, 4, 'every refused code is a portal event');
    assert.deepEqual(whereFound(code, { reply: cards, log: capture.lines, store: storeDump(h.dbPath) }), []);
  });

  it('a typed answer that is not a code gets one polite answer and spends no try', async () => {
    const form = await say(`verify ${USERS.zmuller}`);
    assert.match(cardText(form), /Too many wrong verification codes were tried/, 'the failures carry over: no new code yet');
    const details = await say(`user ${USERS.jdoe}`);
    const next = await click(button(details, VERBS.verifySend));
    for (const junk of ["12'); DROP TABLE audit;--", 'one two three', '']) {
      const answer = await click(button(next, VERBS.verifyCheck), { code: junk });
      assert.match(cardText(answer), /6-digit code/);
    }
    const code = lastCode('+15550199');
    assert.match(cardText(await click(button(next, VERBS.verifyCheck), { code })), /caller verified by code at/);
  });

  it('in a channel, the typed verify sends nothing on the shared card\'s refreshes: only the Send code press sends one code', async () => {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user: agent, conversation: 'channel', text: `verify ${USERS.jdoe}` }));
    assert.equal(res.status, 200, res.text);
    const reply = h.connector.replies.slice(before)[0];
    assert.ok(reply);
    const shared = reply.activity.attachments?.[0]?.content as Card;
    assert.ok(!/John Doe|0199/.test(cardText(shared)), 'nothing about the user on the card everyone sees');
    const show = button(shared, VERBS.requestShow);
    assert.ok(show);
    const sent = twilio.messages.length;
    const refresh = async () => {
      const r = await postActivity(h.url, teamsInvoke({
        serviceUrl: h.connector.url, user: agent, conversation: 'channel', verb: VERBS.requestShow,
        data: show.data as Record<string, unknown>, replyToId: reply.answeredId, trigger: 'automatic',
      }));
      assert.equal(r.status, 200, r.text);
      return (r.body as { value: unknown }).value as Card;
    };
    const own = await refresh();
    await refresh();
    assert.equal(twilio.messages.length, sent, 'no SMS from refreshes');
    assert.match(cardText(own), /Send a one-time code by SMS to the mobile of John Doe \(jdoe\) \(…0199\)\?/);
    assert.ok(!hasCodeInput(own) && !button(own, VERBS.verifyCheck));
    const form = await click(button(own, VERBS.verifySend));
    assert.equal(twilio.messages.length, sent + 1, 'one SMS, on the press');
    assert.ok(hasCodeInput(form));
  });
});
