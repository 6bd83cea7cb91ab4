// The portal's data over the Bot Framework protocol, against Samba AD: events and sync transactions the
// portal POSTs to /api/portal/events show in `audit` (newest first, paged through "More" to the end) and
// `sync`; `unlock-portal` clears the portal lock that GET /api/portal/accounts/{user} and the details
// card show; `enrollment` shows only masked answers, to supervisors only, and every view is audited.
import assert from 'node:assert/strict';
import { errorText } from '../../src/chat/core/error-text';
import { VERBS } from '../../src/domain/verbs';
import { cardActions, cardText } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember, type TeamsMember } from '../helpers/loopback-connector';
import { PORTAL_TOKEN, portalCall, portalEvent } from '../helpers/portal-api-client';
import { USERS } from '../helpers/samba';
import { button, teamsChat, type Card } from '../helpers/teams-chat';

const MINUTE = 60_000;

describe('Portal data over the Teams protocol, against Samba AD', function () {
  this.timeout(30_000);
  let h: BotHarness;
  let agent: TeamsMember;
  let supervisor: TeamsMember;
  const now = Date.now();

  before(async () => {
    h = await startBotHarness({ portalApiToken: PORTAL_TOKEN });
    agent = h.connector.addMember(teamsMember(USERS.agent, 'Alice Agent'));
    supervisor = h.connector.addMember(teamsMember(USERS.supervisor, 'Sam Supervisor'));
    // 23 sign-ins for jdoe (step-1 oldest … step-23 newest), posted newest first in two batches, by UPN.
    const events = Array.from({ length: 23 }, (_, i) => portalEvent({
      id: `jdoe-step-${i + 1}`, user: USERS.jdoe.toUpperCase(), type: 'sign-in', detail: `step-${i + 1}`, at: new Date(now - (30 - i) * MINUTE).toISOString(),
    })).reverse();
    for (const batch of [events.slice(0, 12), events.slice(12)]) {
      assert.equal((await portalCall(h.url, 'POST', '/api/portal/events', { events: batch })).status, 202);
    }
    const sync = [
      { operation: 'set-password', status: 'failed', error: 'E-FAIL-ONE', at: now - 50 * MINUTE },
      { operation: 'unlock', status: 'succeeded', at: now - 5 * MINUTE },
      { operation: 'set-password', status: 'failed', error: 'E-FAIL-TWO', at: now - 40 * MINUTE },
      { operation: 'update-mobile', status: 'pending', at: now - 3 * MINUTE },
    ].map((s, i) => portalEvent({ id: `sync-${i}`, user: USERS.jdoe, type: 'sync', category: 'sync', system: 'active-directory', ...s, at: new Date(s.at).toISOString() }));
    assert.equal((await portalCall(h.url, 'POST', '/api/portal/events', { events: sync })).status, 202);
  });
  after(async () => {
    await h?.close();
  });

  const say = (user: TeamsMember, text: string) => teamsChat(h).say(user, text);
  const click = (user: TeamsMember, action: Card | undefined) => teamsChat(h).press(user, action);
  const steps = (card: Card) => [...cardText(card).matchAll(/Sign-in \(step-(\d+)\)/g)].map((m) => Number(m[1]));

  it('audit: the posted events, newest first, 10 a page, through "More" to the end; each row with time, outcome, address and client', async () => {
    let card = await say(agent, `audit ${USERS.jdoe}`);
    const text = cardText(card);
    assert.match(text, /Self-service events — John Doe \(jdoe\)/);
    // In the Teams client's zone (its clientInfo says Europe/Paris), with UTC beside.
    assert.match(text, /\d{4}-\d\d-\d\d \d\d:\d\d CES?T \((\d{4}-\d\d-\d\d )?\d\d:\d\d UTC\) \(\d+ minutes ago\)/, 'absolute and relative time');
    assert.match(text, /✔ success/);
    assert.match(text, /198\.51\.100\.20/);
    assert.match(text, /Firefox\/128/);
    assert.ok(!text.includes('E-FAIL'), 'sync transactions are not self-service events');
    const seen: number[] = [];
    const pageSizes: number[] = [];
    for (;;) {
      seen.push(...steps(card));
      pageSizes.push(steps(card).length);
      const more = button(card, VERBS.auditMore);
      if (!more) break;
      assert.deepEqual(Object.keys(more.data as object).sort(), ['cursor', 'user', 'verb'], 'the button carries a cursor id, not events');
      card = await click(agent, more);
    }
    assert.deepEqual(pageSizes, [10, 10, 3]);
    assert.deepEqual(seen, Array.from({ length: 23 }, (_, i) => 23 - i));
  });

  it('audit type=T filters; an empty history says so', async () => {
    const filtered = await say(agent, `audit ${USERS.jdoe} type=password-reset`);
    assert.match(cardText(filtered), /No self-service events for John Doe \(jdoe\) with these filters\./);
    const empty = await say(agent, `audit ${USERS.jsmith}`);
    assert.match(cardText(empty), /No self-service events for Jane Smith \(jsmith\)\./);
    assert.equal(cardActions(empty).length, 0);
  });

  it('sync: failures first and highlighted; `sync <user> failed` shows only failures', async () => {
    const all = await say(agent, `sync ${USERS.jdoe}`);
    const text = cardText(all);
    assert.match(text, /2 failed of 4 shown/);
    const order = ['E-FAIL-TWO', 'E-FAIL-ONE', 'update-mobile', 'unlock'].map((s) => text.indexOf(s));
    assert.ok(order.every((i, n) => i >= 0 && (n === 0 || i > (order[n - 1] ?? 0))), `failures first, then newest first:\n${text}`);
    assert.match(JSON.stringify(all), /"style":"attention"/);
    const failed = cardText(await say(agent, `sync ${USERS.jdoe} failed`));
    assert.ok(failed.includes('E-FAIL-ONE') && failed.includes('E-FAIL-TWO'));
    assert.ok(!failed.includes('update-mobile') && !failed.includes('unlock'), failed);
  });

  it('unlock-portal: the details card shows the lock and a button; confirm → GET /api/portal/accounts shows it cleared, with a helpdesk-unlock event', async () => {
    const put = await portalCall(h.url, 'PUT', `/api/portal/accounts/${USERS.jdoe}`, {
      enrolled: true, methods: ['questions'], locked: true, lockedAt: new Date(now - 20 * MINUTE).toISOString(), failedAttempts: 5,
    });
    assert.equal(put.status, 200);
    const details = await say(agent, `user ${USERS.jdoe}`);
    assert.match(cardText(details), /Self-service portal\n[\s\S]*Portal lock\nLocked since .* after 5 failed attempts/);
    const unlock = button(details, VERBS.portalUnlock);
    const confirm = await click(agent, unlock);
    assert.match(cardText(confirm), /Unlock the self-service portal account of John Doe\?/);
    const before = (await portalCall(h.url, 'GET', `/api/portal/accounts/${USERS.jdoe}`)).body as { locked: boolean };
    assert.equal(before.locked, true, 'nothing changes before the confirmation');
    const result = await click(agent, button(confirm, VERBS.confirmAccept));
    assert.match(cardText(result), /Portal account unlocked/);
    const state = (await portalCall(h.url, 'GET', `/api/portal/accounts/${USERS.jdoe}`)).body as Record<string, unknown> & { recentEvents: Record<string, string>[] };
    assert.equal(state.locked, false);
    assert.equal(state.failedAttempts, 0);
    assert.deepEqual(state.recentEvents[0] && { type: state.recentEvents[0].type, detail: state.recentEvents[0].detail }, { type: 'helpdesk-unlock', detail: `by ${USERS.agent}` });
    const after = await say(agent, `user ${USERS.jdoe}`);
    assert.match(cardText(after), /Portal lock\nNot locked/);
    assert.equal(button(after, VERBS.portalUnlock), undefined);
    assert.doesNotMatch(cardText(after), /Possible vishing|already acted/, "the helpdesk's own unlock is no vishing indicator");
  });

  it('unlock-portal typed: not locked on the portal → said so, no confirm card; locked → confirm first; a protected account is refused', async () => {
    const notLocked = await say(agent, `unlock-portal ${USERS.jdoe}`);
    assert.equal(button(notLocked, VERBS.confirmAccept), undefined, 'nothing to confirm');
    assert.match(cardText(notLocked), /John Doe \(jdoe\) is not locked on the portal — nothing to unlock\./);
    await portalCall(h.url, 'PUT', `/api/portal/accounts/${USERS.jdoe}`, { enrolled: true, methods: ['questions'], locked: true, failedAttempts: 5 });
    const confirm = await say(agent, `unlock-portal ${USERS.jdoe}`);
    assert.ok(button(confirm, VERBS.confirmAccept));
    assert.match(cardText(await say(agent, `unlock-portal ${USERS.domainAdmin}`)), new RegExp(errorText('POLICY.PROTECTED_TARGET', { user: USERS.domainAdmin })));
  });

  it('enrollment: a supervisor sees masked answers only; an agent is refused; both are in the helpdesk audit trail', async () => {
    const put = await portalCall(h.url, 'PUT', `/api/portal/accounts/${USERS.jdoe}/enrollment`, {
      questions: [{ question: 'First pet?', answer: 'Biscuit' }, { question: 'Birth town?', answer: 'Lyon' }],
    });
    assert.equal(put.status, 204);
    const card = await say(supervisor, `enrollment ${USERS.jdoe}`);
    const text = cardText(card);
    assert.match(text, /First pet\?\nB•••••t/);
    assert.match(text, /Birth town\?\nL••n/);
    assert.ok(!JSON.stringify(card).includes('Biscuit') && !JSON.stringify(card).includes('Lyon'));
    const refused = await say(agent, `enrollment ${USERS.jdoe}`);
    assert.match(cardText(refused), /needs the supervisor role/);
    assert.ok(!JSON.stringify(refused).includes('First pet'));
    const trail = await h.store.audit.list({ target: USERS.jdoe, limit: 50 });
    const views = trail.filter((e) => e.action === 'enrollment.view').map((e) => `${e.actor} ${e.outcome}`);
    assert.deepEqual(views, [`${USERS.agent} refused`, `${USERS.supervisor} success`]);
    assert.ok(!JSON.stringify(trail).includes('Biscuit'));
  });
});
