// Caller verification over signed Slack requests, against Samba AD and a loopback Twilio: the details
// message's "Verify caller" button sends the code and answers a form with an input block; the code typed
// there (block_actions state) marks the caller verified on the details message. The code is in no message.
import assert from 'node:assert/strict';
import { TwilioSmsSender } from '../../src/adapters/twilio/twilio-sms';
import { VERBS } from '../../src/domain/verbs';
import { silentLogger } from '../../src/ports/logger.port';
import { blockKitProblems } from '../helpers/slack-block-limits';
import { buttonByVerb, startSlackHarness, textOf, type SlackHarness } from '../helpers/slack-harness';
import { lockOut, MAIL_DOMAIN, resetSeededUser, USERS } from '../helpers/samba';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioFake } from '../helpers/twilio-fake';

const AGENT = 'U0AGENT01';

describe('Caller verification over signed Slack requests, Twilio on loopback, against Samba AD', function () {
  this.timeout(30_000);
  let h: SlackHarness;
  let twilio: TwilioFake;

  before(async () => {
    twilio = await new TwilioFake().start();
    h = await startSlackHarness({
      slackUsers: [{ id: AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' }],
      sms: new TwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: TWILIO_FROM, apiUrl: twilio.url, timeoutMs: 1500, logger: silentLogger }),
    });
  });
  after(async () => {
    await h?.close();
    await twilio?.stop();
  });

  it('Verify caller → a code by SMS and an input block; a wrong code says so; the typed right code marks the details message', async () => {
    const { answer: details } = await h.ask(AGENT, `user ${USERS.jdoe}`);
    assert.doesNotMatch(textOf(details), /Caller verified/);
    const { answer: form } = await h.press(AGENT, buttonByVerb(details, VERBS.verifySend));
    assert.deepEqual(blockKitProblems(form.body), []);
    assert.match(textOf(form), /A code was sent by SMS to the mobile of John Doe \(jdoe\) \(…0199\)/);
    const blocks = form.body.blocks as { type: string; block_id?: string; element?: { action_id?: string } }[];
    const input = blocks.find((b) => b.type === 'input');
    assert.ok(input?.block_id && input.element?.action_id, 'an input block for the code');
    const code = /\b(\d{6})\b/.exec(twilio.messages.at(-1)?.body ?? '')?.[1];
    assert.ok(code && twilio.messages.at(-1)?.to === '+15550199');
    const typed = (value: string) => ({ [input.block_id as string]: { [input.element?.action_id as string]: { type: 'plain_text_input', value } } });

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const { answer: refused } = await h.press(AGENT, buttonByVerb(form, VERBS.verifyCheck), { state: typed(wrong) });
    assert.match(textOf(refused), /That is not the code that was sent/);
    const { answer: verified } = await h.press(AGENT, buttonByVerb(refused, VERBS.verifyCheck), { state: typed(code) });
    assert.match(textOf(verified), /Caller verified\* — caller verified by code at \d\d:\d\d UTC/);
    assert.ok(!h.fake.calls.some((c) => JSON.stringify(c.body).includes(code)), 'the code is in no message');
  });

  it('after a verification and an unlock by the agent the message warns of nothing; three failed portal answers put the vishing box second, under the name', async () => {
    const second = (call: { body: Record<string, unknown> }) => JSON.stringify((call.body.blocks as unknown[])[1]);
    try {
      await lockOut(USERS.jdoe);
      const { answer: form } = await h.ask(AGENT, `verify ${USERS.jdoe}`);
      const input = (form.body.blocks as { type: string; block_id?: string; element?: { action_id?: string } }[]).find((b) => b.type === 'input');
      const code = /\b(\d{6})\b/.exec(twilio.messages.at(-1)?.body ?? '')?.[1] ?? '';
      const state = { [input?.block_id as string]: { [input?.element?.action_id as string]: { type: 'plain_text_input', value: code } } };
      const { answer: verified } = await h.press(AGENT, buttonByVerb(form, VERBS.verifyCheck), { state });
      assert.match(textOf(verified), /Caller verified/);
      const { answer: confirm } = await h.press(AGENT, buttonByVerb(verified, VERBS.accountUnlock));
      const { answer: done } = await h.press(AGENT, buttonByVerb(confirm, VERBS.confirmAccept));
      assert.match(textOf(done), /unlocked/i);
      const { answer: quiet } = await h.ask(AGENT, `user ${USERS.jdoe}`);
      assert.match(textOf(quiet), /Caller verified/);
      assert.doesNotMatch(textOf(quiet), /Possible vishing|already acted/, "the helpdesk's own work is no warning");

      await h.store.portalEvents.append([3, 2, 1].map((m) => ({
        user: USERS.jdoe, type: 'challenge', outcome: 'failure' as const, detail: 'questions', ip: '203.0.113.7',
        at: new Date(h.clock.now().getTime() - m * 60_000), category: 'self-service' as const, unknownUser: false,
      })));
      const { answer: warned } = await h.ask(AGENT, `user ${USERS.jdoe}`);
      assert.deepEqual(blockKitProblems(warned.body), []);
      assert.match(second(warned), /Possible vishing: verify the caller before acting\*\\n• 3 failed answers between \d\d:\d\d and \d\d:\d\d UTC from 203\.0\.113\.7/);
    } finally {
      await resetSeededUser(USERS.jdoe);
    }
  });
});
