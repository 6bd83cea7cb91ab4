// With MicrosoftAppId set, /api/messages takes only requests signed by the Bot Framework: an unsigned one
// gets 401 and nothing runs. The genuine path is checked offline too: the channel's OpenID metadata and
// signing keys come from the loopback connector, and outbound replies carry a fixed test token.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { PasswordServiceClientCredentialFactory, TokenCredentials } from 'botframework-connector';
import jwt from 'jsonwebtoken';
import { cardText } from '../helpers/adaptive-card-sdk';
import { countingService, startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { LoopbackConnector, TENANT_ID, teamsMember } from '../helpers/loopback-connector';
import { silentLogger } from '../../src/ports/logger.port';
import { USERS } from '../helpers/samba';
import { postActivity, teamsInvoke, teamsMessage } from '../helpers/teams-activities';

const APP_ID = '00000000-0000-4000-8000-0000000a9901';
const ISSUER = 'https://api.botframework.com';

class FixedTokenCredentialsFactory extends PasswordServiceClientCredentialFactory {
  override async createCredentials(): Promise<TokenCredentials> {
    return new TokenCredentials('outbound-test-token');
  }
}

describe('Teams protocol: Bot Framework authentication', function () {
  this.timeout(30_000);
  // CloudAdapter console.error()s every refused request: keep the test output readable.
  const consoleError = console.error;
  before(() => {
    console.error = () => undefined;
  });
  after(() => {
    console.error = consoleError;
  });

  describe('MicrosoftAppId set, request unsigned', () => {
    let h: BotHarness;
    let calls: () => number;
    before(async () => {
      h = await startBotHarness({
        directory: 'demo',
        botFramework: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-used-offline', MicrosoftAppType: 'MultiTenant' },
        wrapService: (service) => {
          const counted = countingService(service);
          calls = counted.calls;
          return counted.service;
        },
      });
      h.connector.addMember(teamsMember(USERS.agent));
    });
    after(() => h?.close());

    for (const [what, headers] of [
      ['no Authorization header', {}],
      ['a bearer that is not a JWT', { authorization: 'Bearer not-a-jwt' }],
      ['a JWT from an untrusted issuer', { authorization: `Bearer ${jwt.sign({ serviceurl: 'x' }, 'secret', { issuer: 'https://evil.example', audience: APP_ID })}` }],
    ] as const) {
      it(`${what}: 401, and nothing runs`, async () => {
        const user = teamsMember(USERS.agent);
        const message = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user, text: `user ${USERS.jdoe}` }), headers);
        assert.equal(message.status, 401);
        const invoke = await postActivity(h.url, teamsInvoke({ serviceUrl: h.connector.url, user, verb: 'confirm.accept', data: { token: 'x' } }), headers);
        assert.equal(invoke.status, 401);
        assert.equal(calls(), 0, 'the service was never called');
        assert.equal(h.connector.memberLookups.length, 0);
        assert.equal(h.connector.replies.length, 0);
      });
    }
  });

  describe('MicrosoftAppId set, request signed by the (loopback) Bot Framework', () => {
    let h: BotHarness;
    let keys: LoopbackConnector;
    const keyId = `test-key-${randomUUID()}`;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

    function serveKeys(connector: LoopbackConnector): void {
      const base = connector.url.replace(/\/$/, '');
      const json = (body: unknown) => (_req: unknown, res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      connector.routes.set('GET /v1/.well-known/openidconfiguration', json({ issuer: ISSUER, jwks_uri: `${base}/v1/keys` }));
      connector.routes.set('GET /v2.0/.well-known/openid-configuration', json({ issuer: 'https://sts.windows.net/x/', jwks_uri: `${base}/v2.0/keys` }));
      connector.routes.set('GET /v1/keys', json({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: keyId, use: 'sig', endorsements: ['msteams'] }] }));
      connector.routes.set('GET /v2.0/keys', json({ keys: [] }));
    }

    function sign(serviceUrl: string, overrides: { audience?: string; serviceurl?: string } = {}): string {
      return jwt.sign({ serviceurl: overrides.serviceurl ?? serviceUrl }, privateKey.export({ format: 'pem', type: 'pkcs8' }), {
        algorithm: 'RS256',
        keyid: keyId,
        issuer: ISSUER,
        audience: overrides.audience ?? APP_ID,
        expiresIn: '10m',
      });
    }

    let calls: () => number;
    const warnings: { fields: object; message: string }[] = [];
    const logger = { ...silentLogger, warn: (fields: object, message: string) => void warnings.push({ fields, message }) };

    before(async () => {
      // The connector must be listening before the auth config names its URLs: start it on its own first.
      keys = await new LoopbackConnector().start();
      serveKeys(keys);
      const base = keys.url.replace(/\/$/, '');
      h = await startBotHarness({
        directory: 'demo',
        botFramework: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x', MicrosoftAppType: 'MultiTenant' },
        allowedTenants: [TENANT_ID],
        logger,
        wrapService: (service) => {
          const counted = countingService(service);
          calls = counted.calls;
          return counted.service;
        },
        adapterOptions: {
          extraAuthConfig: {
            ToBotFromChannelOpenIdMetadataUrl: `${base}/v1/.well-known/openidconfiguration`,
            ToBotFromEmulatorOpenIdMetadataUrl: `${base}/v2.0/.well-known/openid-configuration`,
            ToBotFromChannelTokenIssuer: ISSUER,
            ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
            ToChannelFromBotOAuthScope: 'https://api.botframework.com',
            OAuthUrl: 'https://api.botframework.com',
            CallerId: 'urn:botframework:azure',
            ValidateAuthority: true,
          },
          credentialsFactory: new FixedTokenCredentialsFactory(APP_ID, 'x'),
        },
      });
      h.connector.addMember(teamsMember('demo.agent', 'Dana Agent', 'demo.example'));
    });
    after(async () => {
      await h?.close();
      await keys?.stop();
    });

    it('a genuine token is accepted; the reply goes out with the bot’s own bearer token', async () => {
      const user = teamsMember('demo.agent', 'Dana Agent', 'demo.example');
      const activity = teamsMessage({ serviceUrl: h.connector.url, user, text: 'user demo.locked' });
      const res = await postActivity(h.url, activity, { authorization: `Bearer ${sign(h.connector.url)}` });
      assert.equal(res.status, 200, res.text);
      const reply = h.connector.replies.at(-1);
      assert.equal(reply?.headers.authorization, 'Bearer outbound-test-token');
      assert.equal(h.connector.memberLookups.at(-1)?.found, true);
      assert.match(cardText(reply?.activity.attachments?.[0]?.content), /Lena Locked/);
    });

    it('a token for another bot, or for another serviceUrl, is refused with 401', async () => {
      const user = teamsMember('demo.agent', 'Dana Agent', 'demo.example');
      const before = h.connector.replies.length;
      for (const token of [sign(h.connector.url, { audience: 'someone-else' }), sign(h.connector.url, { serviceurl: 'https://smba.example/' })]) {
        const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user, text: 'help' }), { authorization: `Bearer ${token}` });
        assert.equal(res.status, 401);
      }
      assert.equal(h.connector.replies.length, before);
    });

    it('another tenant, or a tenant that disagrees with itself or is missing, is refused before any lookup: no reply, 403 on invoke', async () => {
      const user = teamsMember('demo.agent', 'Dana Agent', 'demo.example');
      const other = '11111111-2222-4333-8444-555555555555';
      const lookups = h.connector.memberLookups.length;
      const replies = h.connector.replies.length;
      const served = calls();
      const variants: [string, (a: ReturnType<typeof teamsMessage>) => void][] = [
        ['another tenant', (a) => {
          a.conversation = { ...a.conversation!, tenantId: other };
          a.channelData = { tenant: { id: other } };
        }],
        ['channelData and conversation disagree', (a) => void (a.channelData = { tenant: { id: other } })],
        ['conversation.tenantId missing', (a) => void (a.conversation = { ...a.conversation!, tenantId: undefined })],
        ['channelData.tenant missing', (a) => void (a.channelData = {})],
      ];
      warnings.length = 0;
      for (const [what, change] of variants) {
        const message = teamsMessage({ serviceUrl: h.connector.url, user, text: 'user demo.locked' });
        change(message);
        const res = await postActivity(h.url, message, { authorization: `Bearer ${sign(h.connector.url)}` });
        assert.equal(res.status, 200, `${what}: ${res.text}`);
        assert.equal(res.text, '', `${what}: nothing in the answer`);
        const invoke = teamsInvoke({ serviceUrl: h.connector.url, user, verb: 'confirm.accept', data: { token: 'x' } });
        change(invoke as ReturnType<typeof teamsMessage>);
        const refused = await postActivity(h.url, invoke, { authorization: `Bearer ${sign(h.connector.url)}` });
        assert.equal(refused.status, 403, `${what} (invoke): ${refused.text}`);
        assert.doesNotMatch(refused.text, /Lena|demo\./);
      }
      assert.equal(h.connector.memberLookups.length, lookups, 'no TeamsInfo.getMember');
      assert.equal(h.connector.replies.length, replies, 'no reply activity');
      assert.equal(calls(), served, 'the service was never called');
      assert.equal(warnings.filter((w) => w.message === 'teams activity refused: tenant not allowed').length, variants.length * 2);
      // The configured tenant still gets through (in either case).
      const ok = teamsMessage({ serviceUrl: h.connector.url, user, text: 'help' });
      ok.channelData = { tenant: { id: TENANT_ID.toUpperCase() } };
      assert.equal((await postActivity(h.url, ok, { authorization: `Bearer ${sign(h.connector.url)}` })).status, 200);
      assert.equal(h.connector.replies.length, replies + 1);
    });
  });
});
