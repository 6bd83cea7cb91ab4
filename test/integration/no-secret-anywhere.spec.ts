// A full run of every flow that makes a secret — pin sms, an agent's pin view approved by a supervisor,
// reset sms, a supervisor's reset view, caller verification — over the Bot Framework protocol against
// Samba AD and a loopback Twilio, capturing everything the run left behind: every log line (the real pino
// logger into a buffer), every audit record, every activity the connector received and every invoke
// response, every row of every SQLite table and the raw bytes of the database, WAL and SHM files. Each
// generated PIN, password and code appears in none of them, except the one card of its authorised viewer
// (the requester's PIN view, the supervisor's shown password); SMS secrets appear in no card at all.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Attribute, Change } from 'ldapts';
import { TwilioSmsSender } from '../../src/adapters/twilio/twilio-sms';
import { VERBS } from '../../src/domain/verbs';
import { cardActions, cardText } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { asAdmin, rawUser, resetSeededUser, USERS } from '../helpers/samba';
import { capturingLogger, storeDump } from '../helpers/secret-capture';
import { postActivity, teamsInvoke, teamsMessage, type TeamsConversation } from '../helpers/teams-activities';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioFake } from '../helpers/twilio-fake';

type Card = Record<string, unknown>;

const RESETME_MOBILE = '+1 555 0146';

/** The secret as typed and as a card shows it (groups of four), not part of a longer run of letters or digits. */
function patternsOf(secret: string): RegExp[] {
  const grouped = secret.match(/.{1,4}/g)?.join(' ') ?? secret;
  return [...new Set([secret, grouped])].map((s) => new RegExp(`(?<![0-9A-Za-z])${s}(?![0-9A-Za-z])`));
}

describe('No secret anywhere: a full run of pin sms, pin view approval, reset sms, reset view and verify (Teams, Samba AD, loopback Twilio)', function () {
  this.timeout(90_000);
  let h: BotHarness;
  let twilio: TwilioFake;
  let agent: TeamsMember;
  let supervisor: TeamsMember;
  const capture = capturingLogger();
  /** Every invoke response, by who received it and what it answered. */
  const responses: { label: string; text: string }[] = [];

  before(async () => {
    twilio = await new TwilioFake().start();
    const { dn } = await rawUser(USERS.resetme, ['1.1']);
    await asAdmin((c) => c.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'mobile', values: [RESETME_MOBILE] }) })]));
    const sms = new TwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: TWILIO_FROM, apiUrl: twilio.url, timeoutMs: 1500, logger: capture.logger });
    h = await startBotHarness({ sms, logger: capture.logger, settings: { changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 } } });
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    supervisor = h.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
  });
  after(async () => {
    await h?.close();
    await twilio?.stop();
    const { dn } = await rawUser(USERS.resetme, ['1.1']);
    await asAdmin((c) => c.modify(dn, [new Change({ operation: 'delete', modification: new Attribute({ type: 'mobile', values: [] }) })]));
    await resetSeededUser(USERS.resetme);
  });

  async function say(who: TeamsMember, text: string, conversation: TeamsConversation = 'personal'): Promise<{ card: Card; messageId: string }> {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user: who, conversation, text }));
    assert.equal(res.status, 200, res.text);
    const reply = h.connector.replies.slice(before)[0];
    assert.ok(reply, `a reply to "${text}"`);
    return { card: reply.activity.attachments?.[0]?.content as Card, messageId: reply.answeredId };
  }

  async function press(label: string, who: TeamsMember, action: Card | undefined, opts: { conversation?: TeamsConversation; messageId?: string; trigger?: 'manual' | 'automatic'; typed?: Record<string, string> } = {}): Promise<Card> {
    assert.ok(action, `${label}: the button is missing`);
    const res = await postActivity(h.url, teamsInvoke({
      serviceUrl: h.connector.url, user: who, conversation: opts.conversation ?? 'personal', verb: String(action.verb),
      data: { ...(action.data as Record<string, unknown>), ...opts.typed }, ...(opts.messageId ? { replyToId: opts.messageId } : {}), trigger: opts.trigger ?? 'manual',
    }));
    assert.equal(res.status, 200, res.text);
    responses.push({ label, text: res.text });
    return (res.body as { value: unknown }).value as Card;
  }

  const button = (card: Card, verb: string) => cardActions(card).find((a) => a.verb === verb);
  const lastSms = () => twilio.messages.at(-1)?.body ?? '';
  const grab = (re: RegExp, what: string): string => {
    const m = re.exec(lastSms());
    assert.ok(m?.[1], `${what} in the last SMS`);
    return m[1];
  };

  it('leaves each PIN, password and code only where its authorised viewer sees it', async () => {
    // 1. pin sms (agent): the PIN goes to the SMS only.
    const pinConfirm = await say(agent, `pin ${USERS.jdoe} sms`);
    assert.match(cardText(await press('pin sms: result', agent, button(pinConfirm.card, VERBS.confirmAccept))), /Helpdesk PIN sent/);
    const smsPin = grab(/\b(\d{8})\b/, 'the PIN');

    // 2. pin view by an agent in a channel: an approval; a supervisor approves; the requester's refresh shows it once.
    const ask = await say(agent, `pin ${USERS.jsmith} view`, 'channel');
    const approvalId = String((button(ask.card, VERBS.approvalApprove)?.data as Record<string, unknown>).approvalId);
    const channel = { conversation: 'channel' as const, messageId: ask.messageId };
    assert.match(cardText(await press('approval: approver', supervisor, button(ask.card, VERBS.approvalApprove), channel)), /Approved/);
    const shown = await press('approval: requester view', agent, { verb: VERBS.approvalShow, data: { approvalId } }, { ...channel, trigger: 'automatic' });
    const viewPin = /\b(\d{4} \d{4})\b/.exec(cardText(shown))?.[1]?.replace(' ', '');
    assert.ok(viewPin, 'the requester sees the PIN');
    await press('approval: requester again', agent, { verb: VERBS.approvalShow, data: { approvalId } }, { ...channel, trigger: 'automatic' });

    // 3. reset sms (agent): the password goes to the SMS only.
    const resetConfirm = await say(agent, `reset ${USERS.resetme} sms`);
    assert.match(cardText(await press('reset sms: result', agent, button(resetConfirm.card, VERBS.confirmAccept))), /sent by SMS/);
    const smsPassword = grab(/new password is (\S+?)( -|\.$)/, 'the password');

    // 4. reset view (supervisor, personal chat): the password is shown to the supervisor once.
    const viewConfirm = await say(supervisor, `reset ${USERS.resetme} view`);
    const viewResult = await press('reset view: supervisor', supervisor, button(viewConfirm.card, VERBS.confirmAccept));
    const viewPassword = /\b([A-Za-z0-9]{4}( [A-Za-z0-9]{4}){3})\b/.exec(cardText(viewResult))?.[1]?.replace(/ /g, '');
    assert.ok(viewPassword, 'the supervisor sees the password');
    await press('reset view: hide', supervisor, button(viewResult, VERBS.secretHide));

    // 5. verify (agent): the code goes to the SMS only.
    const form = await say(agent, `verify ${USERS.jdoe}`);
    const code = grab(/\b(\d{6})\b/, 'the code');
    assert.match(cardText(await press('verify: check', agent, button(form.card, VERBS.verifyCheck), { typed: { code } })), /caller verified by code at/);

    await h.connector.waitFor(() => true); // the connector is idle (every proactive update recorded)
    const dbFiles = [h.dbPath, `${h.dbPath}-wal`, `${h.dbPath}-shm`].filter((f) => existsSync(f));
    assert.ok(dbFiles.includes(`${h.dbPath}-wal`), 'the WAL file is read too');
    const places: { label: string; text: string }[] = [
      ...capture.lines.map((text) => ({ label: 'log', text })),
      ...(await h.store.audit.list({ limit: 10_000 })).map((e) => ({ label: 'audit', text: JSON.stringify(e) })),
      ...h.connector.replies.map((r) => ({ label: `connector ${r.method}`, text: JSON.stringify(r.activity) })),
      ...responses.map((r) => ({ label: `invoke response (${r.label})`, text: r.text })),
      ...storeDump(h.dbPath).map((text) => ({ label: 'store row', text })),
      ...dbFiles.map((f) => ({ label: `raw ${f.slice(h.dbPath.length) || 'db'}`, text: readFileSync(f).toString('latin1') })),
    ];
    assert.ok(capture.lines.length >= 10 && places.length >= 50, 'the capture is not empty');

    const secrets = [
      { name: 'PIN by SMS', value: smsPin, allowed: [] as string[] },
      { name: 'PIN by approval', value: viewPin, allowed: ['invoke response (approval: requester view)'] },
      { name: 'password by SMS', value: smsPassword, allowed: [] },
      { name: 'password shown', value: viewPassword, allowed: ['invoke response (reset view: supervisor)'] },
      { name: 'verification code', value: code, allowed: [] },
    ];
    for (const s of secrets) {
      const found = places.filter((p) => patternsOf(s.value).some((re) => re.test(p.text))).map((p) => p.label);
      assert.deepEqual(found, s.allowed, `${s.name}: found in ${found.join(', ') || 'nothing'}`);
    }
  });
});
