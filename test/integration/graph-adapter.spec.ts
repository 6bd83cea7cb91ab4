// The Graph adapter against a loopback HTTPS Graph and Entra authority (test/helpers/graph-fake.ts):
// tokens from the authority, cached; paging; 429 with Retry-After; coded errors; the time bound.
import assert from 'node:assert/strict';
import { GraphDirectory } from '../../src/adapters/graph/graph-directory';
import type { DirectoryEntry } from '../../src/domain/directory-user';
import { isHelpdeskError } from '../../src/domain/errors';
import { CLIENT_ID, CLIENT_SECRET, GraphFake, TENANT } from '../helpers/graph-fake';

const ALICE = '11111111-1111-4111-8111-111111111111';

function directory(fake: GraphFake, overrides: { clientSecret?: string; timeoutMs?: number } = {}): GraphDirectory {
  return new GraphDirectory({
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: overrides.clientSecret ?? CLIENT_SECRET,
    baseUrl: fake.base,
    authorityUrl: fake.base,
    timeoutMs: overrides.timeoutMs ?? 5000,
    fetchOptions: fake.fetchOptions(),
    tokenCa: fake.certPem,
  });
}

describe('Graph adapter (loopback HTTPS Graph and authority)', function () {
  this.timeout(30_000);
  let fake: GraphFake;

  beforeEach(async () => {
    fake = await new GraphFake().start();
    fake.groups = [1, 2, 3, 4, 5].map((n) => ({ id: `0000000${n}-0000-4000-8000-00000000000${n}`, displayName: `Group ${n}` }));
    fake.users = [{ id: ALICE, userPrincipalName: 'alice@contoso.example', displayName: 'Alice Cloud', memberOf: fake.groups.map((g) => g.id) }];
  });
  afterEach(() => fake.stop());

  it('gets a token from the configured authority once and sends it as a bearer token on every call, pages followed', async () => {
    const dir = directory(fake);
    const groups = await dir.groupsOf(ALICE);
    assert.deepEqual(groups.map((g) => g.name), ['Group 1', 'Group 2', 'Group 3', 'Group 4', 'Group 5']);
    await dir.groupsOf(ALICE);
    const member = fake.graphRequests().filter((r) => r.path.endsWith('/transitiveMemberOf'));
    assert.equal(member.length, 6, 'three pages of two, twice');
    assert.ok(member.some((r) => r.query.get('$skiptoken') === '4'), 'the nextLink was followed to the last page');
    assert.ok(member.every((r) => r.query.get('$select') === 'id,displayName,roleTemplateId'));
    assert.equal(fake.tokensIssued, 1, 'the token is cached');
    assert.ok(fake.requests.some((r) => r.path === `/${TENANT}/oauth2/v2.0/token`));
    assert.ok(fake.graphRequests().every((r) => /^Bearer graph-token-1-/.test(r.headers.authorization ?? '')));
  });

  it('waits out a 429 as Retry-After says and then answers', async () => {
    fake.throttleOnce = `/v1.0/users/${ALICE}/transitiveMemberOf`;
    const t0 = Date.now();
    const groups = await directory(fake).groupsOf(ALICE);
    assert.equal(groups.length, 5);
    assert.ok(Date.now() - t0 >= 950, 'it waited the second Retry-After asked for');
    assert.deepEqual(fake.graphRequests().filter((r) => r.path.endsWith('/transitiveMemberOf')).map((r) => r.status).slice(0, 2), [429, 200]);
  });

  it('answers a 429 whose Retry-After outlasts the call budget with DIR.UNAVAILABLE, without waiting', async () => {
    fake.throttleOnce = `/v1.0/users/${ALICE}/transitiveMemberOf`;
    const t0 = Date.now();
    await assert.rejects(directory(fake, { timeoutMs: 800 }).groupsOf(ALICE), (e: unknown) => isHelpdeskError(e) && e.code === 'DIR.UNAVAILABLE');
    assert.ok(Date.now() - t0 < 800);
  });

  it('bounds every call by its timeout (DIR.UNAVAILABLE)', async () => {
    fake.delayMs[`/v1.0/users/${ALICE}`] = 3000;
    const t0 = Date.now();
    await assert.rejects(directory(fake, { timeoutMs: 700 }).userById(ALICE), (e: unknown) => isHelpdeskError(e) && e.code === 'DIR.UNAVAILABLE' && /700 ms/.test(e.message));
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });

  it('maps Graph errors to coded errors: 404 is no user', async () => {
    assert.equal(await directory(fake).userById('99999999-9999-4999-8999-999999999999'), null);
  });

  it('a wrong client secret is one clear DIR.BIND_FAILED naming the setting, never the secret', async () => {
    await assert.rejects(directory(fake, { clientSecret: 'wrong-secret-value' }).groupsOf(ALICE), (e: unknown) => {
      assert.ok(isHelpdeskError(e));
      assert.equal(e.code, "DIR.BIND_FAILED", e.message);
      assert.match(e.message, /GRAPH_CLIENT_SECRET .*refused by Entra ID \(AADSTS7000215\)/);
      assert.doesNotMatch(e.message, /wrong-secret-value|\n/);
      return true;
    });
    assert.equal(fake.graphRequests().length, 0, 'no Graph call without a token');
  });

  it("matches a synced user by an immutable id holding '+' and '/' (sent as %2B, not read as a space), and a UPN with '+' and '&'", async () => {
    const anchor = 'q+8Zl/Jt+0eY3w+Rk2a/Ag==';
    const synced = '22222222-2222-4222-8222-222222222222';
    fake.users.push({ id: synced, userPrincipalName: 'bo+it&ops@contoso.example', displayName: 'Bo Synced', onPremisesSyncEnabled: true, onPremisesImmutableId: anchor });
    const dir = directory(fake);
    // Only the anchor can find it: the AD login and DN match no Entra user, and the entry has no UPN.
    const account = await dir.linkedAccount(adEntry({ immutableId: anchor }));
    assert.equal(account?.id, synced);
    const byAnchor = fake.graphRequests().find((r) => /onPremisesImmutableId/.test(r.query.get('$filter') ?? ''));
    assert.equal(byAnchor?.query.get('$filter'), `onPremisesImmutableId eq '${anchor}'`, 'Graph read the anchor with its plus signs');
    assert.equal((await dir.findByLogin('bo+it&ops@contoso.example'))?.dn, synced);
  });
});

function adEntry(extra: Partial<DirectoryEntry>): DirectoryEntry {
  return {
    dn: 'CN=Bo Synced,OU=Staff,DC=corp,DC=example', sAMAccountName: 'bo.ad', displayName: 'Bo Synced',
    account: { enabled: true, locked: false, passwordMustChange: false, passwordExpired: false },
    organisation: {}, contact: {}, linked: { proxyAddresses: [] }, source: 'ldap', ...extra,
  };
}
