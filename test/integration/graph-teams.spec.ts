// Entra ID through Microsoft Graph, over the Teams protocol: roles for Teams activities that carry only an
// aadObjectId (hybrid: Samba AD + Entra), a look-alike group granting nothing, the linked Entra account on a
// hybrid user's card, and cloud-only users (DIRECTORY=graph): reset with session revocation and a
// Temporary Access Pass, neither of which reaches a log, the store or a shared card.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GraphDirectory } from '../../src/adapters/graph/graph-directory';
import { HybridDirectory } from '../../src/adapters/graph/hybrid-directory';
import { VERBS } from '../../src/domain/verbs';
import type { Logger } from '../../src/ports/logger.port';
import { resolveGroupSettings } from '../../src/service/kernel/group-settings';
import { DEFAULT_SETTINGS } from '../../src/service-settings';
import { cardActions, cardText, parseEvents } from '../helpers/adaptive-card-sdk';
import { sambaDirectory, startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { CLIENT_ID, CLIENT_SECRET, GraphFake, TENANT } from '../helpers/graph-fake';
import type { TeamsMember } from '../helpers/loopback-connector';
import { asAdmin, GROUP_DNS, rawUser, USERS } from '../helpers/samba';
import { postActivity, teamsInvoke, teamsMessage, type TeamsConversation } from '../helpers/teams-activities';

type Card = Record<string, unknown>;

const SUPERVISORS = 'a0000000-0000-4000-8000-000000000001'; // the real "Helpdesk Supervisors" in Entra
const LOOKALIKE = 'a0000000-0000-4000-8000-000000000666'; // a group anyone made with the same name
const GLOBAL_ADMIN = 'r0000000-0000-4000-8000-000000000062'.replace('r', 'b');

const oid = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const member = (n: number, name: string): TeamsMember => ({ id: `29:1member${n}`, name, aadObjectId: oid(n), userPrincipalName: '' });

/** A logger that keeps every line, to show what never reaches it. */
function recordingLogger(): Logger & { text: () => string } {
  const lines: string[] = [];
  const rec = (level: string) => (fields: object, message: string) => void lines.push(`${level} ${message} ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v))}`);
  return { info: rec('info'), warn: rec('warn'), error: rec('error'), debug: rec('debug'), text: () => lines.join('\n') };
}

/** The AD objectGUID as Entra Connect syncs it (onPremisesImmutableId): base64 of the 16 raw bytes, read here independently. */
async function objectGuidBase64(sam: string): Promise<string> {
  const { dn } = await rawUser(sam, ['1.1']);
  const { searchEntries } = await asAdmin((c) => c.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] }));
  const guid = searchEntries[0]?.objectGUID;
  assert.ok(Buffer.isBuffer(guid) && guid.length === 16);
  return guid.toString('base64');
}

function graphDirectory(fake: GraphFake): GraphDirectory {
  return new GraphDirectory({
    tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: fake.base, authorityUrl: fake.base,
    timeoutMs: 5000, fetchOptions: fake.fetchOptions(), tokenCa: fake.certPem,
  });
}

describe('Entra ID through Graph over the Teams protocol', function () {
  this.timeout(40_000);
  let fake: GraphFake;
  let h: BotHarness;
  let logger: ReturnType<typeof recordingLogger>;

  function checkCard(card: unknown): Card {
    assert.deepEqual(parseEvents(card), [], 'the card must parse without events');
    return card as Card;
  }

  async function say(user: TeamsMember, text: string, conversation: TeamsConversation = 'personal'): Promise<Card> {
    const before = h.connector.replies.length;
    const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user, text, conversation }));
    assert.equal(res.status, 200, res.text);
    const replies = h.connector.replies.slice(before);
    assert.equal(replies.length, 1, `one reply expected, got ${replies.length}`);
    return checkCard(replies[0]?.activity.attachments?.[0]?.content);
  }

  async function click(user: TeamsMember, action: Card | undefined, conversation: TeamsConversation = 'personal'): Promise<Card> {
    assert.ok(action, 'the button is missing');
    const res = await postActivity(h.url, teamsInvoke({ serviceUrl: h.connector.url, user, verb: String(action.verb), data: action.data as Record<string, unknown>, conversation }));
    assert.equal(res.status, 200, res.text);
    return checkCard((res.body as { value: unknown }).value);
  }

  const button = (card: Card, verb: string) => cardActions(card).find((a) => a.verb === verb);

  describe('hybrid: Samba AD with Entra ID', () => {
    const plainSupervisor = member(1, 'Paul Plain'); // plain.user in AD; supervisor through the Entra group
    const lookalike = member(2, "Conor O'Brien"); // in a group named "Helpdesk Supervisors" with another id
    const agent = member(3, 'Alice Agent'); // hd.agent: agent through AD (the fallback)

    before(async () => {
      fake = await new GraphFake().start();
      fake.groups = [
        { id: SUPERVISORS, displayName: 'Helpdesk Supervisors' },
        { id: LOOKALIKE, displayName: 'Helpdesk Supervisors' },
        { id: GLOBAL_ADMIN, displayName: 'Global Administrator', role: true },
      ];
      fake.users = [
        { id: oid(1), userPrincipalName: 'plain.user@corp.example.test', displayName: 'Paul Plain', onPremisesSyncEnabled: true, onPremisesSamAccountName: USERS.plain, memberOf: [SUPERVISORS] },
        { id: oid(2), userPrincipalName: 'cobrien@corp.example.test', displayName: "Conor O'Brien", onPremisesSyncEnabled: true, onPremisesSamAccountName: USERS.cobrien, memberOf: [LOOKALIKE] },
        { id: oid(3), userPrincipalName: 'hd.agent@corp.example.test', displayName: 'Alice Agent', onPremisesSyncEnabled: true, onPremisesSamAccountName: USERS.agent },
        {
          id: oid(4), userPrincipalName: 'jdoe@corp.example.test', displayName: 'John Doe', onPremisesSyncEnabled: true, onPremisesSamAccountName: USERS.jdoe,
          lastSignIn: '2026-03-02T08:15:00Z',
          methods: ['passwordAuthenticationMethod', 'microsoftAuthenticatorAuthenticationMethod', 'phoneAuthenticationMethod', 'phoneAuthenticationMethod'],
        },
        { id: oid(5), userPrincipalName: 'jsmith@corp.example.test', displayName: 'Jane Smith', onPremisesSyncEnabled: true, onPremisesSamAccountName: USERS.jsmith, memberOf: [GLOBAL_ADMIN] },
        // Cloud-only: in Entra, not in AD.
        { id: oid(6), userPrincipalName: 'dora.doe@corp.example.test', displayName: 'Dora Doe', department: 'Cloud Sales', mobilePhone: '+1 555 0166' },
        { id: oid(8), userPrincipalName: 'locky@corp.example.test', displayName: 'Lucy Locke', onPremisesSyncEnabled: true, onPremisesSamAccountName: USERS.locky },
        // Zoë's synced account has neither her login nor her UPN (renamed in the cloud): only the source anchor links it.
        {
          id: oid(7), userPrincipalName: 'zoe.m@corp.example.test', displayName: 'Zoë Müller', onPremisesSyncEnabled: true,
          onPremisesSamAccountName: 'zoe.renamed', onPremisesImmutableId: await objectGuidBase64(USERS.zmuller), methods: ['fido2AuthenticationMethod'],
        },
      ];
      logger = recordingLogger();
      const graph = graphDirectory(fake);
      const directory = new HybridDirectory(sambaDirectory(), graph);
      // Start-up: the supervisors' group is configured by its Entra object id, the agents' by its AD DN.
      const groups = await resolveGroupSettings(directory, { agentGroups: [GROUP_DNS.agents], supervisorGroups: [SUPERVISORS], protectedGroups: [] });
      assert.deepEqual(groups.roles.supervisorGroups, [{ id: SUPERVISORS, name: 'Helpdesk Supervisors' }]);
      h = await startBotHarness({ directory, entra: graph, logger, settings: { ...DEFAULT_SETTINGS, roles: groups.roles, protection: groups.protection } });
    });
    after(async () => {
      await h?.close();
      await fake?.stop();
    });

    it('resolves the role of a Teams activity carrying only an aadObjectId from transitiveMemberOf, by group id', async () => {
      const card = await say(plainSupervisor, 'help');
      assert.match(cardText(card), /You are a helpdesk supervisor/);
      assert.equal(h.connector.memberLookups.length, 0, 'no getMember: the aadObjectId is the identity');
      const calls = fake.graphRequests().filter((r) => r.path === `/v1.0/users/${oid(1)}/transitiveMemberOf`);
      assert.ok(calls.length >= 1);
      assert.ok(calls.every((r) => r.query.get('$select') === 'id,displayName,roleTemplateId' && /^Bearer graph-token-/.test(r.headers.authorization ?? '')));
    });

    it('a group with the supervisors\' display name but another id grants nothing', async () => {
      const card = await say(lookalike, 'user jdoe');
      assert.match(cardText(card), /not in a helpdesk group/);
      assert.doesNotMatch(cardText(card), /John Doe/);
    });

    it('AD groups are the fallback: an agent by AD membership is an agent', async () => {
      assert.match(cardText(await say(agent, 'help')), /You are a helpdesk agent/);
    });

    it("a hybrid user's card shows the linked Entra account: synced, last sign-in, method kinds and counts, never values", async () => {
      const card = await say(agent, 'user jdoe');
      const text = cardText(card);
      assert.match(text, /Entra ID account\njdoe@corp\.example\.test/);
      assert.match(text, /Enabled · synced from on-premises AD/);
      assert.match(text, /2026-03-02 09:15 CET \(08:15 UTC\)/, 'in the Teams client\'s zone (clientInfo: Europe/Paris)');
      assert.match(text, /Microsoft Authenticator, password, phone ×2/);
      const bySam = fake.graphRequests().find((r) => r.path === '/v1.0/users' && r.query.get('$filter') === "onPremisesSamAccountName eq 'jdoe'");
      assert.ok(bySam, 'matched by onPremisesSamAccountName');
      assert.equal(bySam.headers.consistencylevel, 'eventual');
      assert.equal(bySam.query.get('$count'), 'true');
      assert.ok(bySam.query.get('$select')?.split(',').includes('onPremisesSamAccountName'));
    });

    it('the linked account is matched by onPremisesImmutableId (the AD objectGUID) before the login or UPN', async () => {
      const text = cardText(await say(agent, 'user zmuller'));
      assert.match(text, /Entra ID account\nzoe\.m@corp\.example\.test/);
      assert.match(text, /FIDO2|fido2/i);
      const anchor = fake.graphRequests().filter((r) => r.path === '/v1.0/users' && /^onPremisesImmutableId eq '/.test(r.query.get('$filter') ?? ''));
      assert.ok(anchor.length >= 1);
    });

    it('one details card looks the linked account up once (match and groups reused for 30 s): methods and sign-in are the only other calls', async () => {
      const before = fake.graphRequests().length;
      await say(agent, 'user jsmithers');
      await say(agent, 'user jsmithers');
      const calls = fake.graphRequests().slice(before).filter((r) => !(r.path === '/v1.0/users' && (r.query.get('$search') || /userPrincipalName eq|mail eq/.test(r.query.get('$filter') ?? ''))));
      // jsmithers has no Entra account here: the anchor, login and UPN lookups run once for both cards.
      const lookups = calls.filter((r) => r.path === '/v1.0/users');
      assert.deepEqual(lookups.map((r) => (r.query.get('$filter') ?? '').replace(/ eq .*/, '')), ['onPremisesImmutableId', 'onPremisesSamAccountName', 'userPrincipalName'].slice(0, lookups.length));
      assert.ok(lookups.length <= 3 && lookups.length >= 2, JSON.stringify(lookups.map((r) => r.query.get('$filter'))));
    });

    it('a linked account card: one match, one transitiveMemberOf, one methods, one sign-in call (the protection check and the Entra lines share the lookup)', async () => {
      const before = fake.graphRequests().length;
      await say(agent, `user ${USERS.locky}`);
      const calls = fake.graphRequests().slice(before).filter((r) => !(r.path === '/v1.0/users' && (r.query.get('$search') || /^userPrincipalName eq '[^']*' or mail eq/.test(r.query.get('$filter') ?? ''))));
      const summary = calls.map((r) => `${r.path.replace(oid(8), 'ID')}${r.path === '/v1.0/users' ? ` ${(r.query.get('$filter') ?? '').replace(/ eq .*/, '')}` : ''}`);
      assert.deepEqual(summary.sort(), [
        '/v1.0/users onPremisesImmutableId', '/v1.0/users onPremisesSamAccountName',
        '/v1.0/users/ID', '/v1.0/users/ID/authentication/methods', '/v1.0/users/ID/transitiveMemberOf',
      ].sort());
    });

    it('an AD user whose Entra account holds a directory role is protected: no buttons, the role named', async () => {
      const card = await say(plainSupervisor, 'user jsmith');
      const text = cardText(card);
      assert.match(text, /PROTECTED ACCOUNT/);
      assert.match(text, /Global Administrator \(protected\)/);
      assert.equal(button(card, VERBS.passwordResetView), undefined);
      assert.equal(button(card, VERBS.tapView), undefined);
    });

    describe('both directories: Samba AD first, then cloud-only Entra users', () => {
      const supervisor = member(1, 'Paul Plain');
      const agent = member(3, 'Alice Agent');
      const dora = oid(6);

      it('`user` finds a cloud-only user through Graph when AD has none: an Entra card, no AD unlock, the cloud actions', async () => {
        const card = await say(supervisor, 'user dora');
        const text = cardText(card);
        assert.match(text, /Dora Doe/);
        assert.match(text, /Cloud Sales/);
        assert.match(text, /cloud-only/);
        assert.equal(button(card, VERBS.accountUnlock), undefined, 'no AD unlock on a cloud-only user');
        assert.ok(button(card, VERBS.passwordResetView));
        assert.ok(button(card, VERBS.tapView));
        const search = fake.graphRequests().find((r) => r.path === '/v1.0/users' && r.query.get('$search') === '"displayName:dora" OR "mail:dora" OR "userPrincipalName:dora"');
        assert.ok(search, 'searched in Graph');
      });

      it('a name in both lists each user once: the AD user, then the cloud-only one (not the synced copy of the AD user)', async () => {
        const card = await say(agent, 'user doe');
        const text = cardText(card);
        assert.equal(text.match(/John Doe/g)?.length, 1, text);
        assert.match(text, /Dora Doe/);
        assert.ok(text.indexOf('John Doe') < text.indexOf('Dora Doe'), 'AD first');
      });

      it('unlock of a cloud-only user is refused; a supervisor\'s reset goes to Graph (PATCH passwordProfile, then revoke)', async () => {
        assert.match(cardText(await say(agent, 'unlock dora.doe@corp.example.test')), /not available/i);
        const confirm = await click(supervisor, button(await say(supervisor, 'user dora.doe@corp.example.test'), VERBS.passwordResetView));
        const done = await click(supervisor, button(confirm, VERBS.confirmAccept));
        const set = fake.passwords.get(dora);
        assert.ok(set, 'set through Graph, not LDAP');
        assert.equal(set.forceChange, true);
        assert.deepEqual(fake.revoked, [dora]);
        assert.match(cardText(done), /sign-in sessions were revoked/);
        assert.ok(!logger.text().includes(set.password));
      });
    });
  });

  describe('cloud-only users (DIRECTORY=graph)', () => {
    const cora = member(11, 'Cora Cloud'); // supervisor through the Entra group
    const carlId = oid(12);

    before(async () => {
      fake = await new GraphFake().start();
      fake.groups = [{ id: SUPERVISORS, displayName: 'Helpdesk Supervisors' }];
      fake.users = [
        { id: oid(11), userPrincipalName: 'cora@contoso.example', displayName: 'Cora Cloud', memberOf: [SUPERVISORS] },
        { id: carlId, userPrincipalName: 'carl.cloud@contoso.example', displayName: 'Carl Cloud', mail: 'carl.cloud@contoso.example', department: 'Sales', methods: ['passwordAuthenticationMethod'] },
        { id: oid(13), userPrincipalName: 'dana.other@contoso.example', displayName: 'Dana Other' },
      ];
      logger = recordingLogger();
      const graph = graphDirectory(fake);
      const groups = await resolveGroupSettings(graph, { agentGroups: [], supervisorGroups: [SUPERVISORS], protectedGroups: [] });
      h = await startBotHarness({
        directory: graph, entra: graph, logger,
        settings: { ...DEFAULT_SETTINGS, roles: groups.roles, protection: groups.protection, tap: { lifetimeMinutes: 45, oneTime: true } },
      });
    });
    after(async () => {
      await h?.close();
      await fake?.stop();
    });

    it('`user` finds cloud-only users through $search with ConsistencyLevel: eventual', async () => {
      const card = await say(cora, 'user carl');
      const text = cardText(card);
      assert.match(text, /Carl Cloud/);
      assert.doesNotMatch(text, /Dana Other/);
      const search = fake.graphRequests().find((r) => r.path === '/v1.0/users' && r.query.get('$search'));
      assert.ok(search);
      assert.equal(search.query.get('$search'), '"displayName:carl" OR "mail:carl" OR "userPrincipalName:carl"');
      assert.equal(search.headers.consistencylevel, 'eventual');
      assert.match(text, /cloud-only/);
      assert.equal(button(card, VERBS.accountUnlock), undefined, 'no AD unlock on a cloud-only user');
      assert.ok(button(card, VERBS.passwordResetView));
      assert.ok(button(card, VERBS.tapView));
    });

    it('unlock of a cloud-only user is not offered when typed either', async () => {
      const text = cardText(await say(cora, 'unlock carl.cloud@contoso.example'));
      assert.match(text, /not available/i);
    });

    it('reset: PATCH passwordProfile (force change at next sign-in), then revokeSignInSessions; shown once to the supervisor', async () => {
      const details = await say(cora, 'user carl.cloud@contoso.example');
      const confirm = await click(cora, button(details, VERBS.passwordResetView));
      const done = await click(cora, button(confirm, VERBS.confirmAccept));
      const set = fake.passwords.get(carlId);
      assert.ok(set, 'the password was set through Graph');
      assert.equal(set.forceChange, true);
      const patch = fake.graphRequests().find((r) => r.method === 'PATCH' && r.path === `/v1.0/users/${carlId}`);
      assert.deepEqual(Object.keys(JSON.parse(patch?.body ?? '{}') as object), ['passwordProfile']);
      assert.deepEqual(fake.revoked, [carlId]);
      const text = cardText(done);
      assert.match(text, /sign-in sessions were revoked/);
      assert.ok(text.replace(/ /g, '').includes(set.password), 'the viewer sees the password');
      assert.ok(button(done, VERBS.secretHide), 'with a Hide button');
      assert.ok(!logger.text().includes(set.password), 'never in a log');
      assert.ok(!readFileSync(h.dbPath).includes(Buffer.from(set.password)), 'never in the store');
    });

    it('Temporary Access Pass: the documented body with the configured lifetime and one-time use, shown once, never logged or stored', async () => {
      const details = await say(cora, 'user carl.cloud@contoso.example');
      const confirm = await click(cora, button(details, VERBS.tapView));
      assert.match(cardText(confirm), /Temporary Access Pass/);
      const done = await click(cora, button(confirm, VERBS.confirmAccept));
      assert.equal(fake.taps.length, 1);
      const tap = fake.taps[0]!;
      assert.equal(tap.user, carlId);
      assert.deepEqual(tap.body, { lifetimeInMinutes: 45, isUsableOnce: true });
      const text = cardText(done);
      assert.ok(text.replace(/ /g, '').includes(tap.value), 'the supervisor sees the pass');
      const hidden = await click(cora, button(done, VERBS.secretHide));
      assert.match(cardText(hidden), /Temporary Access Pass for Carl Cloud shown to Cora Cloud at .*; hidden\./);
      assert.ok(!cardText(hidden).includes(tap.value));
      assert.ok(!logger.text().includes(tap.value), 'never in a log');
      assert.ok(!readFileSync(h.dbPath).includes(Buffer.from(tap.value)), 'never in the store (audit included)');
    });

    it('in a shared conversation the card everyone sees holds no user data, and a TAP is refused there', async () => {
      const before = fake.taps.length;
      const shared = await say(cora, 'user carl.cloud@contoso.example', 'channel');
      assert.doesNotMatch(cardText(shared), /Carl Cloud|Sales|cloud-only/);
      // A TAP button pressed in the channel (e.g. from the presser's own view) is refused: private chats only.
      const refused = await click(cora, { verb: VERBS.tapView, data: { verb: VERBS.tapView, user: 'carl.cloud@contoso.example' } }, 'channel');
      assert.match(cardText(refused), /private|1:1|personal/i);
      assert.equal(fake.taps.length, before, 'no pass was created');
      const everything = JSON.stringify(h.connector.replies.map((r) => r.activity));
      for (const t of fake.taps) assert.ok(!everything.includes(t.value), 'no pass in any message sent to a conversation');
      for (const p of fake.passwords.values()) assert.ok(!everything.includes(p.password));
    });
  });
});
