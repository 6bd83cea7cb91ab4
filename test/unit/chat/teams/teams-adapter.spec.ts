import assert from 'node:assert/strict';
import { TeamsInfo, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { actionModeFor, conversationKind } from '../../../../src/chat/teams/conversation';
import { commandText, isCardSubmit } from '../../../../src/chat/teams/helpdesk-bot';
import { IdentityResolver, LOCAL_CONSOLE_TURN } from '../../../../src/chat/teams/identity';
import { silentLogger } from '../../../../src/ports/logger.port';

function context(activity: Partial<Activity>): TurnContext {
  return new TurnContext(new TestAdapter(), { type: 'message', ...activity } as Activity);
}

describe('Teams adapter: conversation kind and card actions', () => {
  it('Teams 1:1 is personal; channel and group chat are shared; unknown Teams types are shared', () => {
    const teams = (conversationType: string) => conversationKind({ channelId: 'msteams', conversation: { conversationType } as Activity['conversation'] }, false);
    assert.equal(teams('personal'), 'personal');
    assert.equal(teams('channel'), 'shared');
    assert.equal(teams('groupChat'), 'shared');
    assert.equal(teams('something-new'), 'shared');
  });

  it('the local console is personal; other channels follow isGroup', () => {
    assert.equal(conversationKind({ channelId: 'directline', conversation: { isGroup: true } as Activity['conversation'] }, true), 'personal');
    assert.equal(conversationKind({ channelId: 'webchat', conversation: { isGroup: false } as Activity['conversation'] }, false), 'personal');
    assert.equal(conversationKind({ channelId: 'webchat', conversation: { isGroup: true } as Activity['conversation'] }, false), 'shared');
  });

  it('Action.Execute for Teams, Action.Submit for everyone else', () => {
    assert.equal(actionModeFor({ channelId: 'msteams' }), 'execute');
    for (const channelId of ['directline', 'webchat', 'emulator', 'slack']) assert.equal(actionModeFor({ channelId }), 'submit');
  });
});

describe('Teams adapter: the text of a command', () => {
  const recipient = { id: '28:bot', name: 'MyPass Helpdesk' };
  it('strips the bot’s mention and leftover at-tags', () => {
    const activity = {
      type: 'message',
      text: '<at>MyPass Helpdesk</at> user jdoe',
      recipient,
      entities: [{ type: 'mention', text: '<at>MyPass Helpdesk</at>', mentioned: recipient }],
    } as Partial<Activity>;
    assert.equal(commandText(activity), 'user jdoe');
    assert.equal(commandText({ type: 'message', text: '<at>Someone Else</at>&nbsp;help', recipient } as Activity), 'help');
    assert.equal(commandText({ type: 'message', text: '  user  jdoe ', recipient } as Activity), 'user  jdoe');
    assert.equal(commandText({ type: 'message', recipient } as Activity), '');
  });

  it('a submit is a message whose value carries a verb', () => {
    assert.ok(isCardSubmit({ verb: 'user.show', user: 'x' }));
    assert.ok(!isCardSubmit({ user: 'x' }));
    assert.ok(!isCardSubmit('user.show'));
    assert.ok(!isCardSubmit(undefined));
  });
});

describe('Teams adapter: identity', () => {
  it('a local-console turn asserts its login only when the console is enabled', async () => {
    const on = new IdentityResolver({ logger: silentLogger, localConsole: true });
    const off = new IdentityResolver({ logger: silentLogger, localConsole: false });
    const ctx = () => {
      const c = context({ channelId: 'directline', from: { id: 'demo.super', name: 'Sam' } });
      c.turnState.set(LOCAL_CONSOLE_TURN, true);
      return c;
    };
    assert.deepEqual(await on.resolve(ctx()), { surface: 'local', localConsole: true, identity: { chatUserId: 'demo.super', login: 'demo.super', displayName: 'Sam' } });
    assert.equal((await off.resolve(ctx())).identity.login, undefined);
  });

  it('any other non-Teams channel has no login, whatever it claims', async () => {
    const resolver = new IdentityResolver({ logger: silentLogger, localConsole: true });
    const who = await resolver.resolve(context({ channelId: 'directline', from: { id: 'demo.super', name: 'Sam' } }));
    assert.equal(who.surface, 'directline');
    assert.equal(who.identity.login, undefined);
    const emulator = await resolver.resolve(context({ channelId: 'emulator', from: { id: 'hd.super', name: 'x' } }));
    assert.equal(emulator.identity.login, undefined);
  });
});

describe('Teams adapter: the member’s UPN, cached briefly', () => {
  const original = TeamsInfo.getMember;
  afterEach(() => {
    TeamsInfo.getMember = original;
  });

  function teamsTurn(id = '29:abc', aadObjectId = 'aad-1'): TurnContext {
    return context({ channelId: 'msteams', from: { id, name: 'Alice', aadObjectId }, conversation: { id: 'a:1', tenantId: 't', conversationType: 'personal' } as Activity['conversation'] });
  }

  it('asks the Bot Connector once per member within the TTL, then again; concurrent turns share one call', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    TeamsInfo.getMember = async (_ctx, userId) => {
      calls += 1;
      await gate;
      return { id: userId, name: 'Alice A.', userPrincipalName: 'alice@corp.example.test', aadObjectId: 'aad-1' } as Awaited<ReturnType<typeof original>>;
    };
    let now = 0;
    const resolver = new IdentityResolver({ logger: silentLogger, localConsole: false, ttlMs: 1000, now: () => now });
    const both = Promise.all([resolver.resolve(teamsTurn()), resolver.resolve(teamsTurn())]);
    release();
    const [a, b] = await both;
    assert.equal(calls, 1);
    assert.deepEqual(a, { surface: 'teams', localConsole: false, identity: { chatUserId: '29:abc', login: 'alice@corp.example.test', displayName: 'Alice A.' } });
    assert.deepEqual(b, a);
    now = 999;
    await resolver.resolve(teamsTurn());
    assert.equal(calls, 1);
    now = 1001;
    await resolver.resolve(teamsTurn());
    assert.equal(calls, 2);
  });

  it('a failed lookup gives no login and is not cached', async () => {
    let calls = 0;
    TeamsInfo.getMember = async () => {
      calls += 1;
      throw new Error('MemberNotFoundInConversation');
    };
    const resolver = new IdentityResolver({ logger: silentLogger, localConsole: false });
    assert.equal((await resolver.resolve(teamsTurn())).identity.login, undefined);
    await resolver.resolve(teamsTurn());
    assert.equal(calls, 2);
  });
});
