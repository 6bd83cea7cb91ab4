import assert from 'node:assert/strict';
import { SlackIdentityResolver } from '../../../../src/chat/slack/slack-identity';
import { mentionText } from '../../../../src/chat/slack/app-mention.listener';
import { buttonData } from '../../../../src/chat/slack/block-actions.listener';

type Users = Record<string, Record<string, unknown>>;

function client(users: Users, calls: string[], fail = false) {
  return {
    users: {
      info: async ({ user }: { user: string }) => {
        calls.push(user);
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('slack unreachable');
        const u = users[user];
        return u ? { ok: true, user: u } : { ok: false, error: 'user_not_found' };
      },
    },
  } as never;
}

const TEAM = { teamId: 'T1' };
const agent = { id: 'U1', team_id: 'T1', profile: { email: 'hd.agent@corp.example.test', real_name: 'HD Agent' } };

describe('slack identity (users.info → e-mail)', () => {
  it('maps a member of the workspace to their e-mail and display name', async () => {
    const calls: string[] = [];
    const id = await new SlackIdentityResolver().resolve(client({ U1: agent }, calls), 'U1', TEAM);
    assert.deepEqual(id, { chatUserId: 'U1', displayName: 'HD Agent', login: 'hd.agent@corp.example.test' });
  });

  it('caches briefly, shares one call between concurrent asks, and asks again after the TTL', async () => {
    let now = 0;
    const calls: string[] = [];
    const resolver = new SlackIdentityResolver({ ttlMs: 1000, now: () => now });
    const c = client({ U1: agent }, calls);
    await Promise.all(Array.from({ length: 20 }, () => resolver.resolve(c, 'U1', TEAM)));
    assert.equal(calls.length, 1);
    now = 999;
    await resolver.resolve(c, 'U1', TEAM);
    assert.equal(calls.length, 1);
    now = 1001;
    await resolver.resolve(c, 'U1', TEAM);
    assert.equal(calls.length, 2);
  });

  it('gives no login to users of another workspace, deleted users, bots, unconfirmed or missing e-mails', async () => {
    const users: Users = {
      U2: { ...agent, id: 'U2', team_id: 'T_OTHER' },
      U3: { ...agent, id: 'U3', deleted: true },
      U4: { ...agent, id: 'U4', is_bot: true },
      U5: { ...agent, id: 'U5', is_email_confirmed: false },
      U6: { id: 'U6', team_id: 'T1', profile: { real_name: 'No Mail' } },
    };
    const resolver = new SlackIdentityResolver();
    for (const id of Object.keys(users)) {
      const identity = await resolver.resolve(client(users, []), id, TEAM);
      assert.equal(identity.login, undefined, id);
      assert.equal(identity.chatUserId, id);
    }
    assert.equal((await resolver.resolve(client({}, []), 'U404', TEAM)).login, undefined);
    const grid = { ...agent, id: 'U7', team_id: 'T_OTHER_WS', enterprise_user: { enterprise_id: 'E1' } };
    assert.equal((await resolver.resolve(client({ U7: grid }, []), 'U7', { teamId: 'T1', enterpriseId: 'E1' })).login, agent.profile.email);
  });

  it('a failed users.info is thrown and not cached', async () => {
    const calls: string[] = [];
    const resolver = new SlackIdentityResolver();
    await assert.rejects(resolver.resolve(client({ U1: agent }, calls, true), 'U1', TEAM));
    const id = await resolver.resolve(client({ U1: agent }, calls), 'U1', TEAM);
    assert.equal(id.login, agent.profile.email);
    assert.equal(calls.length, 2);
  });
});

describe('slack listeners: input decoding', () => {
  it('mentionText strips the app mention and unwraps Slack markup', () => {
    assert.equal(mentionText('<@U0BOT> user jdoe', 'U0BOT'), 'user jdoe');
    assert.equal(mentionText('hey <@U0BOT|helpdesk>   help', 'U0BOT'), 'hey help');
    assert.equal(mentionText('<@U0BOT> user <mailto:jdoe@corp.example.test|jdoe@corp.example.test>', 'U0BOT'), 'user jdoe@corp.example.test');
    assert.equal(mentionText('<@U0BOT> user <tel:+15550100|+1 555 0100>', 'U0BOT'), 'user +1 555 0100');
    assert.equal(mentionText('<@U0BOT> escalate jdoe a &amp; b &lt;3', 'U0BOT'), 'escalate jdoe a & b <3');
    assert.equal(mentionText('<@U0BOT> user jdoe', undefined), 'user jdoe');
  });

  it('buttonData parses JSON values and ignores anything else', () => {
    assert.deepEqual(buttonData('{"verb":"user.show","user":"jdoe"}'), { verb: 'user.show', user: 'jdoe' });
    assert.equal(buttonData('not json'), undefined);
    assert.equal(buttonData(undefined), undefined);
  });
});
