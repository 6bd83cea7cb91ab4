// The desk commands against real Samba AD, over the Teams (Bot Framework on loopback) and Slack protocols:
// `locked` after a real lockout by wrong binds, its Unlock through the confirm step; `expiring` for users whose
// pwdLastSet makes their password expire within the days (a "never expires" one left out, a "must change" one
// in); `history` after the unlock. The same words on both surfaces.
import assert from 'node:assert/strict';
import { Attribute, Change } from 'ldapts';
import { VERBS } from '../../src/domain/verbs';
import { cardActions, cardText, parseEvents } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { blockKitProblems } from '../helpers/slack-block-limits';
import { buttonByVerb, buttonsOf, startSlackHarness, textOf, type SlackHarness } from '../helpers/slack-harness';
import { adminSearch, asAdmin, BASE_DN, ldapBindAs, lockOut, MAIL_DOMAIN, rawUser, resetSeededUser, SEED_PASSWORD, USERS } from '../helpers/samba';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';

type Card = Record<string, unknown>;
const DAY = 86_400_000;

/** Users made here for `expiring`: expiring soon (with and without a mobile), never expiring, must change. */
const EXPIRY_USERS = {
  soon: { sam: 'desk.soon', cn: 'Dana Soon', uac: 512, pwdLastSet: '-1', mobile: '+1 555 0142' },
  nomobile: { sam: 'desk.nomobile', cn: 'Nico Nomobile', uac: 512, pwdLastSet: '-1' },
  never: { sam: 'desk.never', cn: 'Nell Never', uac: 512 | 0x10000, pwdLastSet: '-1', mobile: '+1 555 0143' },
  mustchange: { sam: 'desk.mustchange', cn: 'Mona Mustchange', uac: 512, pwdLastSet: '0', mobile: '+1 555 0144' },
} as const;

async function makeExpiryUsers(): Promise<void> {
  await asAdmin(async (c) => {
    for (const u of Object.values(EXPIRY_USERS)) {
      const dn = `CN=${u.cn},CN=Users,${BASE_DN}`;
      await c.del(dn).catch(() => undefined);
      await c.add(dn, {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'], sAMAccountName: u.sam, displayName: u.cn,
        userPrincipalName: `${u.sam}@${MAIL_DOMAIN}`, department: 'Sales', ...('mobile' in u ? { mobile: u.mobile } : {}),
      });
      await c.modify(dn, [
        new Change({ operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${SEED_PASSWORD}"`, 'utf16le')] }) }),
        new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [String(u.uac)] }) }),
        new Change({ operation: 'replace', modification: new Attribute({ type: 'pwdLastSet', values: [u.pwdLastSet] }) }),
      ]);
    }
  });
}

async function removeExpiryUsers(): Promise<void> {
  await asAdmin(async (c) => {
    for (const u of Object.values(EXPIRY_USERS)) await c.del(`CN=${u.cn},CN=Users,${BASE_DN}`).catch(() => undefined);
  });
}

/** The domain's maxPwdAge in ms (AD stores it as negative 100-ns intervals). */
async function maxPasswordAgeMs(): Promise<number> {
  const [domain] = await adminSearch('(objectClass=domain)', ['maxPwdAge'], BASE_DN);
  return Math.abs(Number(domain?.maxPwdAge)) / 10_000;
}

/** pwdLastSet as the DC has it, as a Date. */
async function passwordSetAt(sam: string): Promise<Date> {
  const raw = await rawUser(sam, ['pwdLastSet']);
  return new Date(Number(BigInt(String(raw.pwdLastSet)) / 10_000n) - 11_644_473_600_000);
}

describe('Desk commands against Samba AD: Teams over loopback', function () {
  this.timeout(60_000);
  let h: BotHarness;
  let agent: TeamsMember;
  let plain: TeamsMember;

  before(async () => {
    h = await startBotHarness();
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    plain = h.connector.addMember(teamsMember(USERS.plain, 'Paul Plain'));
    await makeExpiryUsers();
  });
  after(async () => {
    await resetSeededUser(USERS.locky);
    await removeExpiryUsers();
    await h?.close();
  });

  function checkCard(card: unknown): Card {
    assert.deepEqual(parseEvents(card), [], 'the card must parse without events');
    return card as Card;
  }

  async function say(user: TeamsMember, text: string): Promise<Card> {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user, text, conversation: 'personal' }));
    assert.equal(res.status, 200, res.text);
    const replies = h.connector.replies.slice(before);
    assert.equal(replies.length, 1);
    return checkCard(replies[0]?.activity.attachments?.[0]?.content);
  }

  async function click(user: TeamsMember, action: Card | undefined): Promise<Card> {
    assert.ok(action, 'the button is missing');
    const res = await postActivity(h.url, teamsInvoke({ serviceUrl: h.connector.url, user, verb: String(action.verb), data: action.data as Record<string, unknown>, conversation: 'personal' }));
    assert.equal(res.status, 200, res.text);
    return checkCard((res.body as { value: unknown }).value);
  }

  const buttons = (card: Card, verb: string) => cardActions(card).filter((a) => a.verb === verb);

  /** Every page of a desk list, following "More". */
  async function allPages(first: Card, more: string): Promise<string> {
    let text = cardText(first);
    for (let card = first, next = buttons(first, more)[0]; next; next = buttons(card, more)[0]) {
      card = await click(agent, next);
      text += `\n${cardText(card)}`;
    }
    return text;
  }

  it('locked: a real lockout by wrong binds is listed (AD, since, department) with Unlock → confirm → unlocked in Samba; then history shows it', async () => {
    await resetSeededUser(USERS.locky);
    await lockOut(USERS.locky);
    assert.equal((await ldapBindAs(USERS.locky, SEED_PASSWORD)).ok, false, 'locked for real');

    const card = await say(agent, 'locked');
    const text = cardText(card);
    assert.match(text, /Locked out now/);
    assert.match(text, /Lucy Locke \(locky\)/);
    assert.match(text, /Active Directory/);
    const unlock = buttons(card, VERBS.accountUnlock).find((a) => (a.data as { user?: string }).user === USERS.locky);
    const confirm = await click(agent, unlock);
    assert.match(cardText(confirm), /Lucy Locke/);
    const accept = buttons(confirm, VERBS.confirmAccept)[0];
    assert.deepEqual(Object.keys(accept?.data as object).sort(), ['token', 'verb'], 'the card carries a token, never state');
    assert.equal((await ldapBindAs(USERS.locky, SEED_PASSWORD)).ok, false, 'nothing changes before the confirmation');
    assert.match(cardText(await click(agent, accept)), /✔ Done/);
    assert.deepEqual(await ldapBindAs(USERS.locky, SEED_PASSWORD), { ok: true });
    assert.doesNotMatch(cardText(await say(agent, 'locked')), /Lucy Locke \(locky\)/, 'no longer listed');

    const history = cardText(await say(agent, `history ${USERS.locky}@${MAIL_DOMAIN}`));
    assert.match(history, /Helpdesk history — Lucy Locke \(locky\)/);
    assert.match(history, /account\.unlock[\s\S]*alice|hd\.agent/i);
    assert.match(history, /done/);
    assert.match(history, /Teams/);
  });

  it('locked and history refuse a caller who is not staff, saying nothing about anyone', async () => {
    await lockOut(USERS.locky);
    for (const text of ['locked', `history ${USERS.locky}`]) {
      const answer = cardText(await say(plain, text));
      assert.doesNotMatch(answer, /Lucy|locky/);
      assert.equal(cardActions(await say(plain, text)).length, 0);
    }
    await resetSeededUser(USERS.locky);
  });

  it('expiring: users whose pwdLastSet makes them expire within the days, with the date; never-expiring left out; must-change in', async () => {
    const maxAge = await maxPasswordAgeMs();
    assert.ok(maxAge > 7 * DAY, `maxPwdAge ${maxAge} ms`);
    const setAt = await passwordSetAt(EXPIRY_USERS.soon.sam);
    // Three days before their expiry, on the bot's clock.
    h.clock.advance(setAt.getTime() + maxAge - 3 * DAY - Date.now());
    try {
      const first = await say(agent, 'expiring 7');
      assert.match(cardText(first), /Passwords expiring within 7 days/);
      const text = await allPages(first, VERBS.expiringMore);
      assert.match(text, /Dana Soon \(desk\.soon\)/);
      assert.match(text, /Nico Nomobile \(desk\.nomobile\)[\s\S]*none in the directory/);
      assert.match(text, /Mona Mustchange \(desk\.mustchange\)[\s\S]*must be changed at next logon/);
      assert.doesNotMatch(text, /Nell Never/, 'a password that never expires is left out');
      const expires = new Date(setAt.getTime() + maxAge).toISOString().slice(0, 10);
      assert.ok(text.includes(`Dana Soon (desk.soon)\nExpires: \n${expires} `), `the date ${expires}:\n${text}`);
    } finally {
      h.clock.advance(-(h.clock.now().getTime() - Date.now()));
    }
  });
});

describe('Desk commands against Samba AD: Slack over loopback', function () {
  this.timeout(60_000);
  let h: SlackHarness;
  const AGENT = 'U0DESKAG1';

  before(async () => {
    h = await startSlackHarness({ slackUsers: [{ id: AGENT, email: `${USERS.agent}@${MAIL_DOMAIN}`, realName: 'Alice Agent' }] });
    await makeExpiryUsers();
  });
  after(async () => {
    await resetSeededUser(USERS.locky);
    await removeExpiryUsers();
    await h?.close();
  });

  it('locked → Unlock → confirm unlocks in Samba; history names the unlock from Slack; expiring lists the soon one', async () => {
    await resetSeededUser(USERS.locky);
    await lockOut(USERS.locky);
    const { answer } = await h.ask(AGENT, 'locked');
    assert.deepEqual(blockKitProblems(answer.body), []);
    const text = textOf(answer);
    assert.ok(text.includes('Locked out now'), text);
    assert.ok(text.includes('Lucy Locke (locky)'), text);
    const unlock = buttonsOf(answer).find((b) => b.value && (JSON.parse(b.value) as { verb?: string; user?: string }).user === USERS.locky && b.value.includes(VERBS.accountUnlock));
    assert.ok(unlock, 'an Unlock button for locky');
    const { answer: confirm } = await h.press(AGENT, unlock);
    assert.equal((await ldapBindAs(USERS.locky, SEED_PASSWORD)).ok, false, 'nothing changes before the confirmation');
    const { answer: done } = await h.press(AGENT, buttonByVerb(confirm, VERBS.confirmAccept));
    assert.ok(textOf(done).includes('Account unlocked'), textOf(done));
    assert.deepEqual(await ldapBindAs(USERS.locky, SEED_PASSWORD), { ok: true });

    const { answer: history } = await h.ask(AGENT, `history ${USERS.locky}`);
    assert.deepEqual(blockKitProblems(history.body), []);
    assert.ok(textOf(history).includes('account.unlock'), textOf(history));
    assert.ok(textOf(history).includes('Slack'));

    const maxAge = await maxPasswordAgeMs();
    const setAt = await passwordSetAt(EXPIRY_USERS.soon.sam);
    h.clock.advance(setAt.getTime() + maxAge - 3 * DAY - Date.now());
    let page = (await h.ask(AGENT, 'expiring 7')).answer;
    let seen = textOf(page);
    for (let i = 0; i < 20 && buttonsOf(page).some((b) => b.value?.includes(VERBS.expiringMore)); i++) {
      page = (await h.press(AGENT, buttonByVerb(page, VERBS.expiringMore))).answer;
      seen += textOf(page);
    }
    assert.ok(seen.includes('Dana Soon (desk.soon)'), seen);
    assert.ok(!seen.includes('Nell Never'));
  });
});
