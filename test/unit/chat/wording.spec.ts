// What a person reads is a sentence (hardening II, item 15): no internal names on cards, "last day" not
// "last 1 days", one time for a span within a minute, the organisation named once in a text message, and
// `audit` options that are answered with what they take.
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store';
import { DemoDirectory } from '../../../src/adapters/demo/demo-directory';
import { SmsOutbox } from '../../../src/adapters/outbox/sms-outbox';
import { renderCard } from '../../../src/chat/cards/render-card';
import { dispatchText } from '../../../src/chat/core/dispatch';
import { renderView } from '../../../src/chat/slack/slack-renderer';
import { KNOWN_EVENT_TYPES, portalUserKey, type PortalEventInput } from '../../../src/domain/portal';
import { VERBS } from '../../../src/domain/verbs';
import { silentLogger } from '../../../src/ports/logger.port';
import { HelpdeskService } from '../../../src/service/helpdesk-service';
import type { View } from '../../../src/service/kernel/views';
import { cardText } from '../../helpers/adaptive-card-sdk';
import { ctxFor, DEMO_SETTINGS, demoFixture, expectKind, TestClock, type Fixture } from '../../helpers/service-fixture';

const MIN = 60_000;
const shown = (view: View) => `${cardText(renderCard(view, { actions: 'submit' }))}\n${JSON.stringify(renderView(view, { ephemeral: true }).blocks)}`;

describe('wording: cards say what happened in words', () => {
  let f: Fixture;
  beforeEach(() => {
    f = demoFixture();
  });

  async function seed(events: readonly Partial<PortalEventInput>[]): Promise<void> {
    await f.store.portalEvents.append(events.map((e) => ({
      user: portalUserKey('john.doe'), type: 'sign-in', outcome: 'success' as const, at: f.clock.now(), ip: '203.0.113.9',
      category: 'self-service' as const, unknownUser: false, ...e,
    })));
  }

  it('`audit … days=1` reads "last day" (Teams and Slack); days=7 "last 7 days"', async () => {
    const one = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'audit', user: 'john.doe', days: 1 }), 'audit-events');
    assert.match(shown(one), /Newest first · last day\b/);
    assert.doesNotMatch(shown(one), /last 1 days/);
    const week = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'audit', user: 'john.doe', days: 7 }), 'audit-events');
    assert.match(shown(week), /last 7 days/);
  });

  it('event rows and "Last portal activity" name event types in words, not ids', async () => {
    await seed([{ type: 'helpdesk-pin-issued', detail: 'by demo.agent, sent by SMS', at: new Date(f.clock.now().getTime() - MIN) }, { type: 'portal-lock' }]);
    const audit = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'audit', user: 'john.doe' }), 'audit-events');
    assert.match(shown(audit), /Helpdesk PIN issued \(by demo\.agent, sent by SMS\)/);
    assert.match(shown(audit), /Portal account locked/);
    const details = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'user', query: 'john.doe' }), 'user-details');
    assert.match(shown(details), /Portal account locked \(success\)/);
    for (const text of [shown(audit), shown(details)]) assert.doesNotMatch(text, /helpdesk-pin-issued|portal-lock/);
  });

  it('failed answers within one minute: "at 08:59 UTC", not "between 08:59 and 08:59 UTC"', async () => {
    const at = f.clock.now().getTime() - 50_000;
    await seed([0, 1, 2].map((i) => ({ type: 'challenge', outcome: 'failure' as const, at: new Date(at + i * 10_000) })));
    const details = expectKind(await f.service.command(ctxFor('demo.agent'), { name: 'user', query: 'john.doe' }), 'user-details');
    assert.deepEqual(details.indicators?.map((i) => i.text), ['3 failed answers at 08:59 UTC from 203.0.113.9']);
  });

  it('what the helpdesk did reads as a sentence: no action ids, no "by caller verified by code (agent …)"; and it is no vishing indicator', async () => {
    await seed([{ type: 'helpdesk-verify', detail: 'by demo.agent: caller verified by code', at: new Date(f.clock.now().getTime() - 5 * MIN) }]);
    const details = expectKind(await f.service.command(ctxFor('demo.super'), { name: 'user', query: 'john.doe' }), 'user-details');
    assert.deepEqual(details.indicators ?? [], [], "the helpdesk's own work warns of nothing");
    const audit = shown(expectKind(await f.service.command(ctxFor('demo.super'), { name: 'audit', user: 'john.doe' }), 'audit-events'));
    assert.match(audit, /Caller verification by the helpdesk/);
    assert.doesNotMatch(audit, /account\.unlock|helpdesk-verify|by caller/);
  });

});

describe('wording: a helpdesk notice by SMS names the organisation once', () => {
  it('with the default ORG_NAME: "The IT helpdesk reset your password at 09:00 UTC. … call the IT helpdesk now."', async () => {
    const clock = new TestClock();
    const sms = new SmsOutbox(clock);
    const service = new HelpdeskService({
      directory: new DemoDirectory(clock), store: openSqliteStore({ path: ':memory:', auditKey: Buffer.alloc(32, 7), clock }), clock,
      logger: silentLogger, settings: DEMO_SETTINGS, sms,
    });
    const confirm = expectKind(await service.command(ctxFor('demo.super'), { name: 'reset', user: 'john.doe', delivery: 'view' }), 'confirm');
    const accept = confirm.actions.find((a) => a.verb === VERBS.confirmAccept);
    expectKind(await service.press(ctxFor('demo.super'), { verb: VERBS.confirmAccept, data: accept?.data ?? {} }), 'result');
    assert.deepEqual(sms.list().map((m) => m.body), [
      'The IT helpdesk reset your password at 09:00 UTC. If you did not ask for this, call the IT helpdesk now.',
    ]);
  });
});

describe('wording: `audit` options are answered with what they take', () => {
  const f = demoFixture();
  const answer = async (text: string) => cardText(renderCard(await dispatchText(f.service, silentLogger, ctxFor('demo.agent'), text), { actions: 'submit' }));

  it('an unknown type= names the valid types; nothing is looked up', async () => {
    const text = await answer('audit john.doe type=bogus');
    assert.match(text, /There is no self-service event type "bogus"\. The types are sign-in, challenge, .*helpdesk-verify; for example "audit john\.doe type=sign-in"\./);
    for (const type of KNOWN_EVENT_TYPES) assert.ok(text.includes(type), type);
    assert.doesNotMatch(text, /^Usage:/m);
    assert.deepEqual(await f.store.audit.list({ limit: 5 }), [], 'refused before the service: no lookup, no record');
  });

  it('days=abc (and 0, 9999) gets a sentence saying what days= takes', async () => {
    for (const bad of ['abc', '0', '9999']) {
      assert.match(await answer(`audit john.doe days=${bad}`),
        new RegExp(`"days=${bad}" is not a number of days: write days=N with N a whole number from 1 to 3650, for example "audit john\\.doe days=7"\\.`));
    }
    assert.match(await answer('audit john.doe last=7'), /"last=7" is not an option of audit, which takes days=N and type=T/);
  });

  it('a valid type in any case is taken', async () => {
    const view = await dispatchText(f.service, silentLogger, ctxFor('demo.agent'), 'audit john.doe type=Sign-In days=1');
    assert.equal(expectKind(view, 'audit-events').filter.type, 'sign-in');
  });
});
