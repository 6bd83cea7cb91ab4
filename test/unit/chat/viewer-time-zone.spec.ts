// Times in the reader's own time zone, with UTC beside (hardening II, item 15): Teams and the console tell
// it with the activity (`localTimezone`, or a clientInfo entity), Slack with users.info `tz`. A zone that
// is missing, invalid or shared by many readers leaves the texts in UTC, as before.
import assert from 'node:assert/strict';
import { TestAdapter, type Activity, type Attachment } from 'botbuilder';
import { renderCard } from '../../../src/chat/cards/render-card';
import { renderView } from '../../../src/chat/slack/slack-renderer';
import { HelpdeskBot } from '../../../src/chat/teams/helpdesk-bot';
import type { IdentityResolver } from '../../../src/chat/teams/identity';
import { clockTime, dateTime, timeSpan, viewerTimeZone } from '../../../src/domain/time-text';
import { portalUserKey } from '../../../src/domain/portal';
import { silentLogger } from '../../../src/ports/logger.port';
import type { UserDetailsView } from '../../../src/service/kernel/views';
import { cardText } from '../../helpers/adaptive-card-sdk';
import { ctxFor, demoFixture, expectKind, type Fixture } from '../../helpers/service-fixture';
import { startSlackHarness, textOf, type SlackHarness } from '../../helpers/slack-harness';

const MIN = 60_000;
const WINTER = new Date('2026-11-25T13:41:00Z');

describe('viewer time zone: one formatter (domain/time-text.ts)', () => {
  it('keeps a zone Intl knows (canonical spelling) and drops UTC, unknown, odd and oversized values', () => {
    assert.equal(viewerTimeZone('Europe/Berlin'), 'Europe/Berlin');
    assert.equal(viewerTimeZone('europe/berlin'), 'Europe/Berlin');
    for (const bad of ['UTC', 'Etc/UTC', 'Mars/Olympus_Mons', '', 'x'.repeat(200), 42, null, undefined, { tz: 'Europe/Berlin' }]) {
      assert.equal(viewerTimeZone(bad), undefined, String(bad));
    }
  });

  it('"14:41 CET (13:41 UTC)" in a zone, "13:41 UTC" without one; dates repeat the UTC day only when it differs', () => {
    assert.equal(clockTime(WINTER, 'Europe/Berlin'), '14:41 CET (13:41 UTC)');
    assert.equal(clockTime(new Date('2026-07-01T13:41:00Z'), 'Europe/Berlin'), '15:41 CEST (13:41 UTC)');
    assert.equal(clockTime(WINTER, 'America/New_York'), '08:41 EST (13:41 UTC)');
    assert.equal(clockTime(WINTER, 'Asia/Kolkata'), '19:11 GMT+5:30 (13:41 UTC)');
    assert.equal(clockTime(WINTER), '13:41 UTC');
    assert.equal(dateTime(WINTER, 'Europe/Berlin'), '2026-11-25 14:41 CET (13:41 UTC)');
    assert.equal(dateTime(new Date('2026-11-25T23:30:00Z'), 'Europe/Berlin'), '2026-11-26 00:30 CET (2026-11-25 23:30 UTC)');
    assert.equal(dateTime(WINTER), '2026-11-25 13:41 UTC');
  });

  it('formatters kept per zone answer for their own zone only, however the zones alternate and past the cache\'s bound', () => {
    const summer = new Date('2026-07-01T13:41:00Z');
    for (let round = 0; round < 3; round++) {
      assert.equal(clockTime(WINTER, 'Europe/Berlin'), '14:41 CET (13:41 UTC)');
      assert.equal(clockTime(WINTER, 'America/New_York'), '08:41 EST (13:41 UTC)');
      assert.equal(clockTime(summer, 'Europe/Berlin'), '15:41 CEST (13:41 UTC)');
      assert.equal(dateTime(WINTER, 'Asia/Kolkata'), '2026-11-25 19:11 GMT+5:30 (13:41 UTC)');
      assert.equal(viewerTimeZone('Mars/Olympus_Mons'), undefined, 'an unknown zone is refused every time, never kept');
      assert.equal(viewerTimeZone('europe/berlin'), 'Europe/Berlin');
    }
    // Every zone in three spellings and both texts: more formatters than the cache keeps, so it empties once.
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      assert.equal(viewerTimeZone(zone.toUpperCase()), viewerTimeZone(zone.toLowerCase()));
      clockTime(WINTER, zone);
    }
    assert.equal(clockTime(WINTER, 'Europe/Berlin'), '14:41 CET (13:41 UTC)');
  });

  it('a span within one minute is one time ("at 12:41 UTC"), not "between 12:41 and 12:41"', () => {
    const a = new Date('2026-11-25T12:41:05Z');
    assert.equal(timeSpan(a, new Date('2026-11-25T12:41:50Z')), 'at 12:41 UTC');
    assert.equal(timeSpan(a, new Date('2026-11-25T12:55:00Z')), 'between 12:41 and 12:55 UTC');
    assert.equal(timeSpan(a, new Date('2026-11-25T12:55:00Z'), 'Europe/Berlin'), 'between 13:41 CET (12:41 UTC) and 13:55 CET (12:55 UTC)');
  });
});

describe('viewer time zone: Teams and the console (the activity says it)', () => {
  let f: Fixture;
  let adapter: TestAdapter;

  beforeEach(async () => {
    f = demoFixture();
    // Three failed answers a minute ago: the details card's vishing indicator names their time.
    await f.store.portalEvents.append([0, 1, 2].map((i) => ({
      user: portalUserKey('demo.locked'), type: 'challenge', outcome: 'failure' as const, at: new Date(f.clock.now().getTime() - (i + 1) * MIN),
      ip: '203.0.113.9', category: 'self-service' as const, unknownUser: false,
    })));
    const identities = {
      resolve: async () => ({ surface: 'teams', localConsole: false, identity: { chatUserId: '29:agent', login: 'demo.agent' } }),
    } as unknown as IdentityResolver;
    const bot = new HelpdeskBot({ service: f.service, logger: silentLogger, identities, now: () => f.clock.now() });
    adapter = new TestAdapter((context) => bot.run(context));
  });

  /** The card the bot answers `text` with, in a Teams conversation of that type. */
  async function cardFor(text: string, extra: Partial<Activity> = {}, conversationType = 'personal'): Promise<string> {
    adapter.activeQueue.length = 0;
    await adapter.processActivity({
      type: 'message', channelId: 'msteams', text, from: { id: '29:agent', name: 'Dana Agent' },
      conversation: { id: 'a:1', conversationType, isGroup: conversationType !== 'personal' } as Activity['conversation'],
      ...extra,
    } as Partial<Activity> as Activity);
    const reply = adapter.activeQueue.find((a) => a.attachments?.length);
    return cardText((reply?.attachments?.[0] as Attachment).content);
  }

  it('localTimezone "Europe/Berlin": the details card shows "… CET (… UTC)", lock time and vishing indicator alike', async () => {
    const text = await cardFor('user demo.locked', { localTimezone: 'Europe/Berlin' });
    // TestClock: 2026-11-25 09:00 UTC; Lena was locked 12 minutes before the demo directory's start.
    assert.match(text, /Locked since 2026-11-25 09:48 CET \(08:48 UTC\) \(12 minutes ago\)/);
    assert.match(text, /3 failed answers between 09:57 CET \(08:57 UTC\) and 09:59 CET \(08:59 UTC\)/);
  });

  it('a clientInfo entity\'s timezone counts too', async () => {
    const text = await cardFor('user demo.locked', { entities: [{ type: 'clientInfo', timezone: 'America/New_York' }] });
    assert.match(text, /Locked since 2026-11-25 03:48 EST \(08:48 UTC\)/);
  });

  it('no zone, an invalid zone, or a channel many people read: the texts stay in UTC, as before', async () => {
    for (const [extra, type] of [[{}, 'personal'], [{ localTimezone: 'Mars/Olympus_Mons' }, 'personal'], [{ localTimezone: 'Europe/Berlin' }, 'channel']] as const) {
      const text = await cardFor('user demo.locked', extra, type);
      if (type === 'channel') {
        assert.doesNotMatch(text, /CET/, 'a shared conversation shows no one person\'s zone');
        continue;
      }
      assert.match(text, /Locked since 2026-11-25 08:48 UTC \(12 minutes ago\)/);
      assert.match(text, /3 failed answers between 08:57 and 08:59 UTC/);
      assert.doesNotMatch(text, /CET|\(\d\d:\d\d UTC\)/);
    }
  });

  it('an error answer with a time (the per-agent limit) follows the zone too', async () => {
    const view = { kind: 'error' as const, code: 'POLICY.RATE_LIMITED' as const, params: { count: 20, limit: 20, until: '2026-11-25T10:42:00Z' }, correlationId: 'c' };
    assert.match(cardText(renderCard(view, { actions: 'submit', timeZone: 'Europe/Berlin' })), /try again after 11:42 CET \(10:42 UTC\)/);
    assert.match(cardText(renderCard(view, { actions: 'submit' })), /try again after 10:42 UTC or ask a supervisor/);
  });

  it('the service\'s own sentences (a PIN\'s expiry) use the asker\'s zone from the request context', async () => {
    const ctx = { ...ctxFor('demo.super'), timeZone: 'Europe/Berlin' };
    const confirm = expectKind(await f.service.command(ctx, { name: 'pin', user: 'john.doe', delivery: 'view' }), 'confirm');
    const token = confirm.actions[0]?.data.token ?? '';
    const shown = expectKind(await f.service.press(ctx, { verb: 'confirm.accept', data: { token } }), 'result');
    assert.match(shown.message, /it works once, until 10:15 CET \(09:15 UTC\)/);
  });
});

describe('viewer time zone: Slack (users.info tz)', function () {
  this.timeout(20_000);
  let h: SlackHarness;

  before(async () => {
    h = await startSlackHarness({
      directory: 'demo',
      slackUsers: [
        { id: 'U0NY', email: 'demo.agent@demo.example', realName: 'Dana Agent', tz: 'America/New_York' },
        { id: 'U0NOTZ', email: 'demo.super@demo.example', realName: 'Sam Super' },
      ],
    });
    const now = h.clock.now().getTime();
    await h.store.portalEvents.append([1, 2, 3].map((i) => ({
      user: portalUserKey('demo.locked'), type: 'challenge', outcome: 'failure' as const, at: new Date(now - i * MIN),
      ip: '203.0.113.9', category: 'self-service' as const, unknownUser: false,
    })));
  });
  after(() => h?.close());

  it('a user whose profile has a tz: indicator times in it with UTC beside, and UTC beside Slack\'s own date tokens', async () => {
    const text = textOf((await h.ask('U0NY', 'user demo.locked')).answer);
    assert.match(text, /failed answers between \d\d:\d\d E[SD]T \(\d\d:\d\d UTC\) and \d\d:\d\d E[SD]T \(\d\d:\d\d UTC\)/);
    assert.match(text, /\|[^>]* UTC> \(\d\d:\d\d UTC\)/, 'Locked since <!date…> (hh:mm UTC)');
  });

  it('a user without one: UTC texts, unchanged', async () => {
    const text = textOf((await h.ask('U0NOTZ', 'user demo.locked')).answer);
    assert.match(text, /failed answers between \d\d:\d\d and \d\d:\d\d UTC/);
    assert.doesNotMatch(text, /E[SD]T|UTC> \(/);
  });

  it('the caller-verified line of a details message', async () => {
    const details = expectKind(await demoFixture().service.command(ctxFor('demo.agent'), { name: 'user', query: 'john.doe' }), 'user-details');
    const view: UserDetailsView = { ...details, callerVerifiedAt: WINTER.toISOString() };
    const text = (zone?: string) => JSON.stringify(renderView(view, { ephemeral: true, timeZone: zone }).blocks);
    assert.match(text('America/New_York'), /caller verified by code at 08:41 EST \(13:41 UTC\)/);
    assert.match(text(), /caller verified by code at 13:41 UTC/);
  });
});
