// Bot Framework authentication that reuses the clients CloudAdapter builds on every turn. Out of the
// box, each turn creates a new ConnectorClient (and a user-token client), each with its own HTTP
// pipeline; at a few hundred turns a second that is most of the framework's cost. Here they are cached
// per app id, service URL and audience (bounded), as botbuilder's older BotFrameworkAdapter did.
// Authentication itself is untouched: every request is still validated by the inner instance.
import type { Activity } from 'botbuilder';
import {
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';

const MAX_ENTRIES = 256;

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const value = make();
  cache.set(key, value);
  return value;
}

/** Who the claims say the bot is talking as: the app id (empty when auth is off). */
function appKey(identity: ClaimsIdentity): string {
  const claim = (type: string) => identity.claims.find((c) => c.type === type)?.value ?? '';
  return `${claim('aud')}|${claim('appid')}|${claim('azp')}|${claim('ver')}`;
}

class CachingConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly prefix: string,
    private readonly cache: Map<string, Promise<ConnectorClient>>,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = `${this.prefix}|${serviceUrl}|${audience ?? ''}`;
    const client = remember(this.cache, key, () => this.inner.create(serviceUrl, audience));
    client.catch(() => this.cache.delete(key));
    return client;
  }
}

export class CachingBotFrameworkAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  private wrap(result: AuthenticateRequestResult): AuthenticateRequestResult {
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: new CachingConnectorFactory(result.connectorFactory, appKey(result.claimsIdentity), this.connectors) };
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.wrap(await this.inner.authenticateRequest(activity, authHeader));
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.wrap(await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new CachingConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), appKey(claimsIdentity), this.connectors);
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const key = appKey(claimsIdentity);
    const client = remember(this.userTokenClients, key, () => this.inner.createUserTokenClient(claimsIdentity));
    client.catch(() => this.userTokenClients.delete(key));
    return client;
  }

  createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}
