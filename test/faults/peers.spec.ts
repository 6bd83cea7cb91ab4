// The other peers failing mid-run, for real, against the real program: Twilio answers 500 and then never
// answers (its client's timeout), the ticket system is down and comes back, and Microsoft Graph answers 503
// with Retry-After. Each gives the agent one clear answer within a bounded time, nothing is half done (no PIN
// left valid that nobody received, no password set, no confirm spent), nothing is lost (the escalation is
// kept and filed once when the ticket system is back), and it recovers by itself.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Attribute, Change } from 'ldapts';
import { startApp, type RunningApp } from '../helpers/app-process';
import { CLIENT_ID, CLIENT_SECRET, GraphFake, TENANT } from '../helpers/graph-fake';
import { LoopbackConnector, type TeamsMember } from '../helpers/loopback-connector';
import { USERS, asAdmin, rawUser } from '../helpers/samba';
import { button, teamsChat } from '../helpers/teams-chat';
import { TicketApiFake, type RecordedRequest } from '../helpers/ticket-api-fake';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioFake } from '../helpers/twilio-fake';
import { VERBS } from '../../src/domain/verbs';
import { ask, chatWith, readyz, report, startFaultEnv, startProgram, text, timed, until, type FaultEnv } from './fault-env';

/** What an answer may take beyond the peer's bound: the chat round trip on a 2-core machine shared with others. */
const SLACK_MS = 1500;
const TWILIO_TIMEOUT_MS = 1500;
const GRAPH_TIMEOUT_MS = 3000;
const MOBILE = '+15550177';

/** Rows of the program's store, read from outside (read-only, as an operator's sqlite3 would). */
function query<T>(app: RunningApp, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(app.dataDir, 'helpdesk.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

async function setMobile(sam: string, mobile: string | undefined): Promise<void> {
  const { dn } = await rawUser(sam, ['1.1']);
  const modification = new Attribute({ type: 'mobile', values: mobile ? [mobile] : [] });
  await asAdmin((c) => c.modify(dn, [new Change({ operation: mobile ? 'replace' : 'delete', modification })]));
}

describe('Faults: Twilio and the ticket system failing mid-run (the real program on its own Samba DC)', function () {
  this.timeout(120_000);
  let f: FaultEnv;
  let app: RunningApp;
  let twilio: TwilioFake;
  let tickets: TicketApiFake;
  let ticketsUp = true;
  /** Deliveries the ticket system accepted (each a ticket). */
  const accepted: string[] = [];

  before(async () => {
    twilio = await new TwilioFake().start();
    tickets = await new TicketApiFake((req: RecordedRequest) => {
      if (!ticketsUp) return { status: 503, body: { error: 'maintenance' } };
      const delivery = String(req.headers['x-mypass-delivery']);
      if (!accepted.includes(delivery)) accepted.push(delivery);
      return { status: 201, body: { id: `WH-${accepted.indexOf(delivery) + 1}`, url: `https://tickets.example.test/WH-${accepted.indexOf(delivery) + 1}` } };
    }).start();
    f = await startFaultEnv({
      TWILIO_ACCOUNT_SID: TWILIO_SID, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, TWILIO_FROM, TWILIO_API_URL: twilio.url, TWILIO_TIMEOUT_MS: String(TWILIO_TIMEOUT_MS),
      TICKETS_KIND: 'webhook', TICKETS_URL: tickets.url, TICKETS_TOKEN: 'webhook-shared-secret-0123456789', TICKETS_RETRY_SECONDS: '1', TICKETS_TIMEOUT_MS: '1000',
      LIMIT_SECRETS_PER_TARGET_PER_HOUR: '100',
    });
    await setMobile(USERS.jdoe, MOBILE);
    app = await startProgram(f);
  });
  after(async () => {
    await app?.stop();
    await setMobile(USERS.jdoe, undefined).catch(() => undefined);
    await f?.close();
    await twilio?.stop();
    await tickets?.stop();
  });

  it('Twilio answers 500, then times out: each press gets one clear answer, no PIN is left valid, and it recovers', async () => {
    const chat = chatWith(f, app);
    const pinBySms = async () => chat.press(f.agent, button(await chat.say(f.agent, `pin ${USERS.jdoe} sms`), VERBS.confirmAccept));
    /** A PIN of jdoe's that could still be used: unused and not expired. */
    const validPins = () => query(app, 'SELECT 1 FROM pins WHERE user = ? AND used_at IS NULL AND expires_at > ?', USERS.jdoe, Date.now()).length;

    assert.match(text(await pinBySms()), /PIN/);
    assert.equal(twilio.messages.length, 1);
    assert.equal(validPins(), 1);

    twilio.mode = 'server-error';
    const failed = await timed(pinBySms);
    assert.match(text(failed.value), /did not take the message/);
    assert.match(text(failed.value), /No PIN is valid/);
    assert.equal(validPins(), 0, 'the PIN nobody received is withdrawn (and the earlier one was replaced)');

    twilio.mode = 'hang';
    const hung = await timed(pinBySms);
    assert.match(text(hung.value), /did not take the message/);
    assert.match(text(hung.value), /No PIN is valid/);
    assert.ok(hung.ms < TWILIO_TIMEOUT_MS + SLACK_MS, `the press took ${hung.ms} ms (TWILIO_TIMEOUT_MS ${TWILIO_TIMEOUT_MS})`);
    assert.equal(validPins(), 0);
    // Other agents are answered meanwhile: a lookup is not held up by a text that hangs.
    const confirm = button(await chat.say(f.agent, `pin ${USERS.jdoe} sms`), VERBS.confirmAccept);
    const pending = chat.press(f.agent, confirm);
    await new Promise((r) => setTimeout(r, 200)); // the text is waiting on Twilio now
    const lookup = await timed(() => ask(f, app, f.otherAgent, `user ${USERS.jsmith}`));
    assert.match(text(lookup.value), /Jane Smith/);
    assert.match(text(await pending), /did not take the message/);

    twilio.mode = 'ok';
    const recovered = await timed(pinBySms);
    assert.doesNotMatch(text(recovered.value), /did not take the message/);
    assert.equal(twilio.messages.length, 2, 'only the texts Twilio took were sent');
    assert.equal(validPins(), 1);
    assert.deepEqual(twilio.problems, []);
    report('Twilio 500 then timeout', {
      'agent saw': '"Twilio did not take the message … No PIN is valid …"',
      '500': `${failed.ms} ms`, timeout: `${hung.ms} ms (bound ${TWILIO_TIMEOUT_MS} ms)`, 'a lookup meanwhile': `${lookup.ms} ms`,
      'recovered': `at once (the next press sent a text, ${recovered.ms} ms)`,
    });
  });

  it('the ticket system down: the agent hears the escalation is kept; back up, it is filed once, without the agent', async () => {
    const chat = chatWith(f, app);
    ticketsUp = false;
    const down = await timed(() => chat.say(f.agent, `escalate ${USERS.zmuller} mailbox full, cannot send`));
    assert.match(text(down.value), /The ticket system is not reachable right now\. Your escalation of .* is kept/);
    const kept = query<{ ref: string; state: string }>(app, 'SELECT ref, state FROM escalation_tickets WHERE user = ?', USERS.zmuller);
    assert.equal(kept.length, 1, 'kept in the store');
    assert.equal(kept[0]?.state, 'pending');
    const triedWhileDown = tickets.requests.length;
    assert.ok(triedWhileDown >= 1);

    ticketsUp = true;
    const filed = await until('the kept escalation filed once the ticket system is back', async () =>
      query<{ state: string }>(app, 'SELECT state FROM escalation_tickets WHERE ref = ?', kept[0]?.ref)[0]?.state === 'open');
    const mine = tickets.requests.filter((r) => String((r.json as { subject?: string } | undefined)?.subject).includes(USERS.zmuller));
    assert.equal(new Set(mine.map((r) => r.headers['x-mypass-delivery'])).size, 1, 'every try was the same delivery');
    assert.equal(accepted.filter((d) => d.startsWith(kept[0]?.ref ?? '-')).length, 1, 'filed once');
    report('ticket system down', {
      'agent saw': '"The ticket system is not reachable right now. Your escalation of … is kept …"',
      answer: `${down.ms} ms (the webhook's own retries first)`, 'tries while down': triedWhileDown,
      'filed after it came back': `${filed} ms (TICKETS_RETRY_SECONDS 1), once`,
    });
  });
});

const SUPERVISORS = 'a0000000-0000-4000-8000-000000000001';
const AGENTS = 'a0000000-0000-4000-8000-000000000002';
const oid = (n: number) => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const member = (n: number, name: string): TeamsMember => ({ id: `29:1member${n}`, name, aadObjectId: oid(n), userPrincipalName: '' });
const CARL = 'carl.cloud@contoso.example';
const UNREACHABLE = /The directory is not reachable right now\. Nothing was changed/;

describe('Faults: Microsoft Graph answering 503 with Retry-After (the real program, DIRECTORY=graph)', function () {
  this.timeout(120_000);
  let graph: GraphFake;
  let connector: LoopbackConnector;
  let app: RunningApp;
  let cora: TeamsMember;

  before(async () => {
    graph = await new GraphFake().start();
    graph.groups = [{ id: SUPERVISORS, displayName: 'Helpdesk Supervisors' }, { id: AGENTS, displayName: 'Helpdesk Agents' }];
    graph.users = [
      { id: oid(11), userPrincipalName: 'cora@contoso.example', displayName: 'Cora Cloud', memberOf: [SUPERVISORS] },
      { id: oid(12), userPrincipalName: CARL, displayName: 'Carl Cloud', mail: CARL, methods: ['passwordAuthenticationMethod'] },
    ];
    connector = await new LoopbackConnector().start();
    cora = connector.addMember(member(11, 'Cora Cloud'));
    app = await startApp({
      DIRECTORY: 'graph', GRAPH_TENANT_ID: TENANT, GRAPH_CLIENT_ID: CLIENT_ID, GRAPH_CLIENT_SECRET: CLIENT_SECRET,
      GRAPH_BASE_URL: graph.base, GRAPH_AUTHORITY_URL: graph.base, GRAPH_TIMEOUT_MS: String(GRAPH_TIMEOUT_MS), NODE_EXTRA_CA_CERTS: graph.bundleFile,
      ROLE_AGENT_GROUPS: AGENTS, ROLE_SUPERVISOR_GROUPS: SUPERVISORS, SECRETS_KEY: randomBytes(32).toString('base64'),
      LOCAL_CONSOLE: 'on', HOST: '127.0.0.1', LOG_LEVEL: 'info',
    });
  });
  after(async () => {
    await app?.stop();
    await connector?.stop();
    await graph?.stop();
  });

  it('a short 503 is waited out (Retry-After within the budget); a long one is one clear answer at the bound, nothing set, the confirm not spent', async () => {
    const chat = teamsChat({ url: app.base, connector });
    const details = await chat.say(cora, `user ${CARL}`);
    assert.match(text(details), /Carl Cloud/);
    const confirm = button(await chat.press(cora, button(details, VERBS.passwordResetView)), VERBS.confirmAccept);
    assert.ok(confirm);

    // Retry-After: 1 fits the call's budget: the client waits it out and the agent sees the card, late.
    graph.unavailable = { retryAfterS: 1, times: 1 };
    const waited = await timed(() => chat.say(cora, `user ${CARL}`));
    assert.match(text(waited.value), /Carl Cloud/);
    assert.ok(waited.ms >= 1000, `answered in ${waited.ms} ms: the Retry-After was not honoured`);

    // Graph down for longer than the budget: no waiting out a two-minute Retry-After.
    graph.unavailable = { retryAfterS: 120 };
    const lookup = await timed(() => chat.say(cora, `user ${CARL}`));
    assert.match(text(lookup.value), UNREACHABLE);
    assert.ok(lookup.ms < GRAPH_TIMEOUT_MS + SLACK_MS, `the lookup took ${lookup.ms} ms (GRAPH_TIMEOUT_MS ${GRAPH_TIMEOUT_MS})`);
    const pressed = await timed(() => chat.press(cora, confirm));
    assert.match(text(pressed.value), UNREACHABLE);
    assert.ok(pressed.ms < 2 * GRAPH_TIMEOUT_MS + SLACK_MS, `the confirm took ${pressed.ms} ms`);
    assert.equal(graph.passwords.size, 0, 'no password was set');
    const ready = await readyz(app);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.directory, 'down');

    graph.unavailable = undefined;
    const recovery = await until('a lookup once Graph answers again', async () => /Carl Cloud/.test(text(await chat.say(cora, `user ${CARL}`))));
    await until('/readyz 200 once Graph answers again', async () => (await readyz(app)).status === 200);
    // The refused press spent nothing: the same confirm resets now, once.
    assert.match(text(await chat.press(cora, confirm)), /sign-in sessions were revoked/);
    assert.equal(graph.passwords.size, 1);
    assert.match(text(await chat.press(cora, confirm)), /already been used|already used/i);
    report('Graph 503 Retry-After', {
      'agent saw': 'the card after the Retry-After (1 s); "The directory is not reachable right now. Nothing was changed…" when it is longer than the budget',
      'Retry-After 1 s': `${waited.ms} ms`, 'Retry-After 120 s: lookup': `${lookup.ms} ms`, confirm: `${pressed.ms} ms (bound ${GRAPH_TIMEOUT_MS} ms)`,
      recovered: `${recovery} ms after Graph answered again`,
    });
  });
});
