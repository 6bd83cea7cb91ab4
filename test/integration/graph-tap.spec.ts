// Temporary Access Pass under the same rules and approvals as a helpdesk PIN, over the Teams protocol, with
// Graph on a loopback HTTPS server and Twilio (its official client) on a loopback server: `tap <user> sms`
// texts the pass to the mobile Entra has and the agent never sees it; a failed send deletes the pass through
// Graph and says so; an agent's `tap <user> view` becomes an approval request whose pass reaches only the
// requester, once. The pass is never in a log, a card anyone else sees, the audit trail or the store.
import assert from 'node:assert/strict';
import { GraphDirectory } from '../../src/adapters/graph/graph-directory';
import { TwilioSmsSender } from '../../src/adapters/twilio/twilio-sms';
import { VERBS } from '../../src/domain/verbs';
import { resolveGroupSettings } from '../../src/service/kernel/group-settings';
import { DEFAULT_SETTINGS } from '../../src/service-settings';
import { cardText } from '../helpers/adaptive-card-sdk';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { CLIENT_ID, CLIENT_SECRET, GraphFake, TENANT } from '../helpers/graph-fake';
import type { TeamsMember } from '../helpers/loopback-connector';
import { capturingLogger, storeDump, whereFound } from '../helpers/secret-capture';
import { button, teamsChat, type Card } from '../helpers/teams-chat';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioFake } from '../helpers/twilio-fake';


const SUPERVISORS = 'a0000000-0000-4000-8000-000000000001';
const AGENTS = 'a0000000-0000-4000-8000-000000000002';
const oid = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const member = (n: number, name: string): TeamsMember => ({ id: `29:1member${n}`, name, aadObjectId: oid(n), userPrincipalName: '' });
const CARL = oid(21);

describe('Temporary Access Pass by SMS and by approved view (Graph + Twilio on loopback, Teams protocol)', function () {
  this.timeout(60_000);
  let fake: GraphFake;
  let twilio: TwilioFake;
  let h: BotHarness;
  const capture = capturingLogger();
  const seen: string[] = [];
  const cora = member(11, 'Cora Cloud'); // supervisor
  const sami = member(14, 'Sami Second'); // another supervisor
  const alex = member(12, 'Alex Agent'); // agent

  before(async () => {
    fake = await new GraphFake().start();
    twilio = await new TwilioFake().start();
    fake.groups = [{ id: SUPERVISORS, displayName: 'Helpdesk Supervisors' }, { id: AGENTS, displayName: 'Helpdesk Agents' }];
    fake.users = [
      { id: oid(11), userPrincipalName: 'cora@contoso.example', displayName: 'Cora Cloud', memberOf: [SUPERVISORS] },
      { id: oid(14), userPrincipalName: 'sami@contoso.example', displayName: 'Sami Second', memberOf: [SUPERVISORS] },
      { id: oid(12), userPrincipalName: 'alex@contoso.example', displayName: 'Alex Agent', memberOf: [AGENTS] },
      { id: CARL, userPrincipalName: 'carl.cloud@contoso.example', displayName: 'Carl Cloud', mobilePhone: '+1 555 0177' },
      { id: oid(22), userPrincipalName: 'nina.nomobile@contoso.example', displayName: 'Nina Nomobile' },
    ];
    const graph = new GraphDirectory({
      tenantId: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: fake.base, authorityUrl: fake.base,
      timeoutMs: 5000, fetchOptions: fake.fetchOptions(), tokenCa: fake.certPem,
    });
    const groups = await resolveGroupSettings(graph, { agentGroups: [AGENTS], supervisorGroups: [SUPERVISORS], protectedGroups: [] });
    const sms = new TwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: TWILIO_FROM, apiUrl: twilio.url, timeoutMs: 1500, logger: capture.logger });
    h = await startBotHarness({
      directory: graph, entra: graph, sms, logger: capture.logger,
      settings: {
        ...DEFAULT_SETTINGS, roles: groups.roles, protection: groups.protection, tap: { lifetimeMinutes: 30, oneTime: true },
        changeLimits: { perActor: 1000, perTarget: 1000, secretsPerTarget: 1000, windowMs: 3600_000 },
      },
    });
  });
  after(async () => {
    await h?.close();
    await fake?.stop();
    await twilio?.stop();
  });
  beforeEach(() => {
    twilio.mode = 'ok';
  });

  const say = (user: TeamsMember, text: string) => teamsChat(h, seen).say(user, text);
  const press = (user: TeamsMember, verb: string, data: Record<string, unknown>, trigger: 'manual' | 'automatic' = 'manual') => teamsChat(h, seen).invoke(user, verb, data, trigger);
  const click = (user: TeamsMember, card: Card, verb: string) => {
    const a = button(card, verb);
    assert.ok(a, `no ${verb} button`);
    return press(user, verb, a.data as Record<string, unknown>);
  };
  const nowhere = (value: string) => whereFound(value, { log: capture.lines, store: storeDump(h.dbPath) });

  it('`tap <user> sms` (agent): the documented TAP body, one SMS with the pass to the mobile Entra has; the agent sees only the masked number', async () => {
    const confirm = await say(alex, 'tap carl.cloud@contoso.example sms');
    assert.match(cardText(confirm), /Send a new Temporary Access Pass to the mobile of Carl Cloud/);
    const done = await click(alex, confirm, VERBS.confirmAccept);
    assert.equal(fake.taps.length, 1);
    const tap = fake.taps[0]!;
    assert.equal(tap.user, CARL);
    assert.deepEqual(tap.body, { lifetimeInMinutes: 30, isUsableOnce: true });
    assert.equal(twilio.messages.length, 1);
    const msg = twilio.messages[0]!;
    assert.equal(msg.to, '+15550177');
    assert.ok(msg.body.includes(tap.value), 'the SMS carries the pass');
    assert.deepEqual(twilio.problems, []);
    const text = cardText(done);
    assert.match(text, /Temporary Access Pass sent/);
    assert.match(text, /…0177/);
    assert.ok(!text.includes(tap.value), 'the agent never sees it');
    assert.deepEqual(fake.deletedTaps, []);
    assert.deepEqual(nowhere(tap.value), [], 'not in a log, the audit trail or any store row');
    assert.ok(!seen.some((s) => s.includes(tap.value)), 'not in any card or reply');
  });

  it('a failed SMS leaves no usable pass: it is deleted through Graph, and the agent is told', async () => {
    twilio.mode = 'server-error';
    const before = fake.taps.length;
    const done = await click(alex, await say(alex, 'tap carl.cloud@contoso.example sms'), VERBS.confirmAccept);
    assert.equal(fake.taps.length, before + 1, 'a pass was created');
    const tap = fake.taps.at(-1)!;
    assert.deepEqual(fake.deletedTaps, [`${CARL}/${tap.id}`], 'and deleted again');
    const del = fake.graphRequests().find((r) => r.method === 'DELETE');
    assert.equal(del?.path, `/v1.0/users/${CARL}/authentication/temporaryAccessPassMethods/${tap.id}`);
    const text = cardText(done);
    assert.match(text, /No Temporary Access Pass is valid: the one created was deleted/);
    assert.ok(!text.includes(tap.value));
    assert.deepEqual(nowhere(tap.value), []);
  });

  it('no mobile in the directory: refused before any pass exists; the details card offers no SMS button', async () => {
    const before = fake.taps.length;
    assert.match(cardText(await say(alex, 'tap nina.nomobile@contoso.example sms')), /no mobile/i);
    assert.equal(fake.taps.length, before);
    const details = await say(alex, 'user nina.nomobile@contoso.example');
    assert.equal(button(details, VERBS.tapSms), undefined);
    const carl = await say(alex, 'user carl.cloud@contoso.example');
    assert.ok(button(carl, VERBS.tapSms), 'an agent gets the SMS button where there is a mobile');
    assert.equal(button(carl, VERBS.tapView), undefined, 'and no show-once button');
  });

  it("an agent's `tap <user> view` is an approval request; approved by a supervisor, the pass reaches the requester only, once", async () => {
    const before = fake.taps.length;
    const request = await say(alex, 'tap carl.cloud@contoso.example view');
    const text = cardText(request);
    assert.match(text, /Approval request: show a Temporary Access Pass/);
    assert.match(text, /Alex Agent\s+asked:\s+tap carl\.cloud@contoso\.example view/);
    assert.equal(fake.taps.length, before, 'nothing created before the approval');
    assert.equal(button(request, VERBS.approvalApprove), undefined, 'the requester\'s own card (a 1:1 chat) offers no Approve');
    const refresh = button(request, VERBS.approvalShow);
    assert.ok(refresh);
    const data = refresh.data as Record<string, unknown>;
    assert.match(cardText(await press(alex, VERBS.approvalApprove, data)), /needs the supervisor role/);
    assert.match(cardText(await press(cora, VERBS.approvalApprove, data)), /Approved/);
    assert.equal(fake.taps.length, before, 'the approval itself creates nothing');
    const other = await press(sami, VERBS.approvalShow, data, 'automatic');
    assert.equal(fake.taps.length, before, "another supervisor's view creates nothing");
    const mine = await press(alex, VERBS.approvalShow, data, 'automatic');
    assert.equal(fake.taps.length, before + 1);
    const tap = fake.taps.at(-1)!;
    assert.ok(cardText(mine).replace(/ /g, '').includes(tap.value), 'the requester sees the pass');
    assert.ok(!cardText(other).includes(tap.value));
    const again = await press(alex, VERBS.approvalShow, data, 'automatic');
    assert.ok(!cardText(again).includes(tap.value), 'once');
    assert.match(cardText(again), /the pass was shown to Alex Agent/);
    assert.equal(fake.taps.length, before + 1);
    assert.deepEqual(nowhere(tap.value), []);
  });

  it("a pin view request and a tap view request for the same user are separate approvals", async () => {
    const tapReq = await say(alex, 'tap carl.cloud@contoso.example view');
    const pinReq = await say(alex, 'pin carl.cloud@contoso.example view');
    const id = (c: Card) => (button(c, VERBS.approvalShow)?.data as Record<string, unknown> | undefined)?.approvalId;
    assert.ok(id(tapReq) && id(pinReq));
    assert.notEqual(id(tapReq), id(pinReq));
    assert.match(cardText(pinReq), /show a helpdesk PIN/);
  });

  it("a supervisor's `tap <user> view` goes to the confirm card and shows the pass once", async () => {
    const before = fake.taps.length;
    const confirm = await say(cora, 'tap carl.cloud@contoso.example view');
    assert.match(cardText(confirm), /Create a Temporary Access Pass for Carl Cloud/);
    const done = await click(cora, confirm, VERBS.confirmAccept);
    assert.equal(fake.taps.length, before + 1);
    const tap = fake.taps.at(-1)!;
    assert.ok(cardText(done).replace(/ /g, '').includes(tap.value));
    assert.deepEqual(nowhere(tap.value), []);
  });
});
