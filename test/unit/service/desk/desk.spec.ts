// The desk commands on the demo directory and an in-memory store: `locked`, `expiring`, `history`, and
// EXPIRY_REMINDER_DAYS's sweep (once per user and threshold, also with two replicas on one store).
import assert from 'node:assert/strict';
import { parseCommand } from '../../../../src/chat/core/command-parser';
import { VERBS } from '../../../../src/domain/verbs';
import { silentLogger } from '../../../../src/ports/logger.port';
import type { SmsMessage, SmsSender } from '../../../../src/ports/sms.port';
import { ExpiryReminders } from '../../../../src/service/desk';
import { ctxFor, DEMO_SETTINGS, demoFixture, expectKind } from '../../../helpers/service-fixture';

const DAY = 24 * 3_600_000;

function recordingSms(): SmsSender & { sent: SmsMessage[] } {
  const sent: SmsMessage[] = [];
  return { kind: 'outbox', sent, async send(m) { sent.push(m); return { id: `m${sent.length}` }; } };
}

describe('desk: locked, expiring, history', () => {
  it('the words parse on every surface: locked, expiring [days], history <user>; bad ones get the usage', () => {
    assert.deepEqual(parseCommand('locked'), { ok: true, command: { name: 'locked' } });
    assert.deepEqual(parseCommand('expiring'), { ok: true, command: { name: 'expiring', days: 7 } });
    assert.deepEqual(parseCommand('expiring 14'), { ok: true, command: { name: 'expiring', days: 14 } });
    assert.deepEqual(parseCommand('history jdoe'), { ok: true, command: { name: 'history', user: 'jdoe' } });
    for (const bad of ['expiring 0', 'expiring soon', 'expiring 400', 'locked now', 'history']) {
      assert.equal(parseCommand(bad).ok, false, bad);
    }
  });

  it('locked lists the AD lock and the portal lock, newest first, each with an Unlock that leads to the confirm step', async () => {
    const f = demoFixture();
    await f.store.portalAccounts.ensure('demo.user', f.clock.now());
    await f.store.portalAccounts.setLock('demo.user', { locked: true, lockedAt: f.clock.now(), failedAttempts: 5 }, f.clock.now());
    const view = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'locked' }), 'desk-list');
    const headings = view.rows.map((r) => r.heading);
    assert.ok(headings[0]?.includes('demo.user'), `portal lock (now) first: ${headings.join(' | ')}`);
    const ad = view.rows.find((r) => r.heading.includes('demo.locked'));
    assert.ok(ad, 'the AD-locked demo user is listed');
    assert.deepEqual(ad.facts.find((x) => x.label === 'Locked')?.text, 'Active Directory');
    assert.equal(ad.facts.find((x) => x.label === 'Department')?.text, 'Finance');
    const unlock = ad.actions.find((a) => a.verb === VERBS.accountUnlock);
    assert.deepEqual(unlock?.data, { user: 'demo.locked' });
    assert.equal(view.rows[0]?.actions.find((a) => a.verb === VERBS.portalUnlock)?.data.user, 'demo.user');
    const confirm = await f.service.press(ctxFor('demo.agent'), { verb: VERBS.accountUnlock, data: unlock?.data ?? {} });
    expectKind(confirm, 'confirm');
  });

  it('locked refuses a non-agent and changes nothing', async () => {
    const f = demoFixture();
    const view = await f.service.command(ctxFor('demo.locked'), { name: 'locked' });
    assert.equal(expectKind(view, 'error').code, 'AUTH.NOT_STAFF');
  });

  it('locked pages by ten with "More" carrying only a cursor, and no row twice', async () => {
    const f = demoFixture();
    for (let i = 0; i < 14; i++) {
      const user = `portal.user${String(i).padStart(2, '0')}`;
      await f.store.portalAccounts.ensure(user, f.clock.now());
      await f.store.portalAccounts.setLock(user, { locked: true, lockedAt: new Date(f.clock.now().getTime() - i * 60_000), failedAttempts: 5 }, f.clock.now());
    }
    const first = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'locked' }), 'desk-list');
    assert.equal(first.rows.length, 10);
    const more = first.actions.find((a) => a.verb === VERBS.lockedMore);
    assert.deepEqual(Object.keys(more?.data ?? {}), ['cursor']);
    const second = expectKind(await f.service.press(ctxFor('demo.agent'), { verb: VERBS.lockedMore, data: more?.data ?? {} }), 'desk-list');
    const all = [...first.rows, ...second.rows].map((r) => r.heading);
    assert.equal(new Set(all).size, all.length);
    assert.equal(all.length, 15, 'fourteen portal locks and the AD one');
    assert.equal(second.actions.length, 0);
  });

  it('expiring lists expired and soon-expiring passwords soonest first; a reminder names the date and the portal, never asks for a password', async () => {
    const sms = recordingSms();
    const f = demoFixture({ sms, settings: { portalUrl: 'https://mypass.example.test/portal/' } });
    const view = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'expiring', days: 100 }), 'desk-list');
    assert.ok(view.rows.length > 0);
    const remind = view.rows.flatMap((r) => r.actions).find((a) => a.verb === VERBS.expiryRemind);
    assert.ok(remind, 'a row with a mobile has "Text a reminder"');
    const sent = expectKind(await f.service.press(ctxFor('demo.agent'), { verb: VERBS.expiryRemind, data: remind.data }), 'result');
    assert.equal(sent.outcome, 'success');
    assert.equal(sms.sent.length, 1);
    assert.match(sms.sent[0]?.body ?? '', /expires on \d{4}-\d\d-\d\d.*https:\/\/mypass\.example\.test\/portal\//);
    assert.doesNotMatch(sms.sent[0]?.body ?? '', /reply with|send (us )?your password/i);
    const again = expectKind(await f.service.press(ctxFor('demo.agent'), { verb: VERBS.expiryRemind, data: remind.data }), 'result');
    assert.equal(again.outcome, 'cancelled');
    assert.equal(sms.sent.length, 1, 'a second press does not text again');
  });

  it('history shows what the helpdesk did to the user, newest first, paged by seq', async () => {
    const f = demoFixture();
    for (let i = 0; i < 12; i++) await f.service.command(ctxFor('demo.agent'), { name: 'unlock', user: 'demo.locked' });
    const view = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'history', user: 'demo.locked' }), 'desk-list');
    assert.equal(view.rows.length, 10);
    assert.ok(view.rows.every((r) => r.facts.some((x) => x.label === 'Who' && x.text === 'demo.agent (agent)')));
    assert.ok(view.rows.every((r) => r.facts.some((x) => x.label === 'Where' && x.text === 'local console')));
    const more = view.actions.find((a) => a.verb === VERBS.historyMore);
    assert.ok(more);
    const next = expectKind(await f.service.press(ctxFor('demo.agent'), { verb: VERBS.historyMore, data: more.data }), 'desk-list');
    assert.equal(next.rows.length, 2);
    assert.ok(next.continued);
  });

  it('history also finds what was recorded under the login as typed (UPN, another case), each entry once', async () => {
    const f = demoFixture();
    const upn = (await f.directory.findByLogin('demo.locked'))?.userPrincipalName ?? '';
    assert.ok(upn.includes('@'));
    // Refused before the user is resolved: the trail keeps what was typed.
    await f.service.command(ctxFor('demo.user'), { name: 'unlock', user: upn.toUpperCase() });
    await f.service.command(ctxFor('demo.user'), { name: 'unlock', user: upn });
    await f.service.command(ctxFor('demo.agent'), { name: 'unlock', user: 'demo.locked' });
    const typed = await f.store.audit.list({ target: upn.toLowerCase(), limit: 5 });
    assert.equal(typed.length, 2, 'the refusals were recorded under the UPN as typed (lower-cased: logins ignore case)');
    const view = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'history', user: 'demo.locked' }), 'desk-list');
    const refused = view.rows.filter((r) => r.facts.some((x) => x.label === 'Outcome' && x.text?.startsWith('refused')));
    assert.equal(refused.length, 2, view.rows.map((r) => `${r.heading} ${r.facts.map((x) => x.text).join(' ')}`).join('\n'));
    const whens = view.rows.map((r) => r.facts.find((x) => x.label === 'When')?.at ?? '');
    assert.deepEqual([...whens].sort().reverse(), whens, 'newest first');
  });
});

describe('desk: EXPIRY_REMINDER_DAYS', () => {
  it('texts each user once per threshold, even with two replicas sweeping the same store', async () => {
    const sms = recordingSms();
    const f = demoFixture();
    const deps = { directory: f.directory, store: f.store, clock: f.clock, logger: silentLogger, sms, settings: { ...DEMO_SETTINGS, expiryReminderDays: [14, 7, 1] } };
    const a = new ExpiryReminders(deps);
    const b = new ExpiryReminders(deps);
    f.clock.advance(60 * DAY); // the demo passwords (set 20 days before, 90 days' age) now expire within 14 days
    const first = await Promise.all([a.sweep(), b.sweep()]);
    const sentFirst = sms.sent.length;
    assert.ok(sentFirst > 0, 'users within 14 days were texted');
    assert.equal(first[0].sent + first[1].sent, sentFirst);
    await a.sweep();
    assert.equal(sms.sent.length, sentFirst, 'the same threshold never texts twice');
    const bodies = new Set(sms.sent.map((m) => m.to));
    assert.equal(bodies.size, sms.sent.length, 'one text per user');
    f.clock.advance(5 * DAY); // now within 7 days: the next threshold texts once more
    const later = await a.sweep();
    assert.ok(later.sent > 0);
    assert.ok(sms.sent.every((m) => /expires on/.test(m.body)));
  });

  it('is off without EXPIRY_REMINDER_DAYS', async () => {
    const sms = recordingSms();
    const f = demoFixture();
    const r = new ExpiryReminders({ directory: f.directory, store: f.store, clock: f.clock, logger: silentLogger, sms, settings: DEMO_SETTINGS });
    assert.deepEqual(await r.sweep(), { sent: 0, failed: 0 });
    assert.equal(sms.sent.length, 0);
  });
});
