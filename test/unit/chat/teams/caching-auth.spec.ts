import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import {
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { CachingBotFrameworkAuthentication } from '../../../../src/chat/teams/caching-auth';

class CountingFactory extends ConnectorFactory {
  created: string[] = [];
  async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    this.created.push(`${serviceUrl}|${audience ?? ''}`);
    return { serviceUrl } as unknown as ConnectorClient;
  }
}

class FakeAuth extends BotFrameworkAuthentication {
  factory = new CountingFactory();
  authCalls = 0;
  userTokenClients = 0;
  fail = false;
  async authenticateRequest(_activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    this.authCalls += 1;
    if (this.fail) throw new Error('Unauthorized');
    return { claimsIdentity: new ClaimsIdentity([{ type: 'aud', value: authHeader }], true), audience: 'aud', callerId: '', connectorFactory: this.factory };
  }
  authenticateStreamingRequest(): Promise<AuthenticateRequestResult> {
    throw new Error('not used');
  }
  createConnectorFactory(): ConnectorFactory {
    return this.factory;
  }
  async createUserTokenClient(): Promise<UserTokenClient> {
    this.userTokenClients += 1;
    return {} as UserTokenClient;
  }
}

describe('Teams adapter: CachingBotFrameworkAuthentication', () => {
  it('authenticates every request, but builds one connector client per app, service URL and audience', async () => {
    const inner = new FakeAuth();
    const auth = new CachingBotFrameworkAuthentication(inner);
    for (let i = 0; i < 3; i++) {
      const result = await auth.authenticateRequest({} as Activity, 'app-1');
      await result.connectorFactory?.create('http://a/', 'aud');
      await auth.createUserTokenClient(result.claimsIdentity);
    }
    const other = await auth.authenticateRequest({} as Activity, 'app-2');
    await other.connectorFactory?.create('http://a/', 'aud');
    await (await auth.authenticateRequest({} as Activity, 'app-1')).connectorFactory?.create('http://b/', 'aud');
    assert.equal(inner.authCalls, 5);
    assert.deepEqual(inner.factory.created, ['http://a/|aud', 'http://a/|aud', 'http://b/|aud']);
    assert.equal(inner.userTokenClients, 1);
  });

  it('a refused request stays refused', async () => {
    const inner = new FakeAuth();
    inner.fail = true;
    await assert.rejects(new CachingBotFrameworkAuthentication(inner).authenticateRequest({} as Activity, 'x'), /Unauthorized/);
  });
});
