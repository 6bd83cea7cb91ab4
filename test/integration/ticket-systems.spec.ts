// ServiceNow, Jira (REST v3 and Service Management) and the signed webhook, each against a loopback
// server that checks the method, path, auth and body their documentation gives and answers in the
// documented shape; failures map to TICKETS.UNAVAILABLE (retried) and TICKETS.REJECTED (not). A create
// whose answer is lost is found by the retry's lookup, not repeated.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { jiraSink } from '../../src/adapters/tickets/jira';
import { serviceNowSink } from '../../src/adapters/tickets/servicenow';
import { signWebhook, verifyWebhook, webhookSink } from '../../src/adapters/tickets/webhook';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import { HelpdeskError } from '../../src/domain/errors';
import { systemClock } from '../../src/ports/clock.port';
import { silentLogger } from '../../src/ports/logger.port';
import { TicketDesk } from '../../src/service/tickets/ticket-desk';
import { TicketApiFake, type RecordedRequest } from '../helpers/ticket-api-fake';

const REF = `mypass-${'a1'.repeat(12)}`;
const draft = { ref: REF, subject: 'Helpdesk escalation: John Doe (jdoe): locked out', body: 'Reason:\nlocked out\n\nUser: John Doe (jdoe)', requestor: 'jdoe@corp.example.test' };
const SYS_ID = '0123456789abcdef0123456789abcdef';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof HelpdeskError && e.code === code);
}

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('Ticket systems through their documented REST shapes (loopback servers)', function () {
  this.timeout(20_000);
  let fake: TicketApiFake;
  afterEach(async () => {
    await fake?.stop();
  });

  describe('ServiceNow Table API (incident)', () => {
    // What the Table API documents: JSON in and out, Basic auth, /api/now/table/incident, { result: … }.
    const incidents = new Map<string, { number: string; correlation_id: string; work_notes: string[]; state: string; active: string }>();
    function serviceNow(req: RecordedRequest) {
      if (req.headers.authorization !== basic('mypass.integration', 'sn-password')) return { status: 401, body: { error: { message: 'User Not Authenticated' } } };
      if (req.headers.accept !== 'application/json') return { status: 406, body: {} };
      const body = req.json as Record<string, unknown> | undefined;
      if (req.method === 'POST' && req.path === '/api/now/table/incident') {
        if (req.headers['content-type'] !== 'application/json' || typeof body?.short_description !== 'string' || typeof body.description !== 'string' || typeof body.correlation_id !== 'string') {
          return { status: 400, body: { error: { message: 'bad incident' } } };
        }
        const number = `INC00100${incidents.size + 1}`;
        incidents.set(SYS_ID, { number, correlation_id: body.correlation_id, work_notes: [], state: '1', active: 'true' });
        return { status: 201, body: { result: { sys_id: SYS_ID, number } } };
      }
      const m = /^\/api\/now\/table\/incident\/([0-9a-f]{32})$/.exec(req.path);
      const inc = m?.[1] ? incidents.get(m[1]) : undefined;
      if (m && !inc) return { status: 404, body: { error: { message: 'No Record found' } } };
      if (req.method === 'PATCH' && inc && typeof body?.work_notes === 'string') {
        inc.work_notes.push(body.work_notes);
        return { status: 200, body: { result: { sys_id: SYS_ID } } };
      }
      if (req.method === 'GET' && inc) return { status: 200, body: { result: { state: inc.state, active: inc.active } } };
      if (req.method === 'GET' && req.path === '/api/now/table/incident') {
        const q = /^correlation_id=([\w-]+)\^ORDERBYDESCsys_created_on$/.exec(req.query.get('sysparm_query') ?? '');
        if (!q) return { status: 400, body: {} };
        return { status: 200, body: { result: [...incidents].filter(([, i]) => i.correlation_id === q[1]).map(([sys_id, i]) => ({ sys_id, number: i.number })) } };
      }
      return { status: 400, body: { error: { message: `unexpected ${req.method} ${req.path}` } } };
    }

    it('creates an incident (correlation_id = our reference), adds work notes, reads its state, finds it by reference', async () => {
      incidents.clear();
      fake = await new TicketApiFake(serviceNow).start();
      const sink = serviceNowSink({ url: fake.url, user: 'mypass.integration', token: 'sn-password', timeoutMs: 2000 });
      const ticket = await sink.create(draft);
      assert.deepEqual(ticket, { id: SYS_ID, label: 'INC001001', url: `${fake.url}/nav_to.do?uri=${encodeURIComponent(`incident.do?sys_id=${SYS_ID}`)}` });
      const create = fake.requests[0];
      assert.equal(create?.query.get('sysparm_fields'), 'sys_id,number');
      assert.deepEqual(create?.json, { short_description: draft.subject, description: draft.body, correlation_id: REF, correlation_display: 'MyPass Helpdesk' });
      await sink.comment(ticket, 'unlocked by Alice Agent');
      assert.deepEqual(incidents.get(SYS_ID)?.work_notes, ['unlocked by Alice Agent']);
      assert.equal(await sink.state(ticket), 'open');
      assert.deepEqual(await sink.findByRef(REF), { ...ticket });
      assert.equal(await sink.findByRef(`mypass-${'b2'.repeat(12)}`), undefined);
      const inc = incidents.get(SYS_ID);
      if (inc) inc.state = '6'; // Resolved
      assert.equal(await sink.state(ticket), 'closed');
    });

    it('bad credentials → TICKETS.REJECTED; down or 5xx → TICKETS.UNAVAILABLE', async () => {
      fake = await new TicketApiFake(serviceNow).start();
      await rejectsWith(serviceNowSink({ url: fake.url, user: 'mypass.integration', token: 'wrong' }).create(draft), 'TICKETS.REJECTED');
      fake.handler = () => ({ status: 503, body: {} });
      await rejectsWith(serviceNowSink({ url: fake.url, user: 'mypass.integration', token: 'sn-password' }).create(draft), 'TICKETS.UNAVAILABLE');
      const url = fake.url;
      await fake.stop();
      await rejectsWith(serviceNowSink({ url, user: 'u', token: 't', timeoutMs: 500 }).create(draft), 'TICKETS.UNAVAILABLE');
    });

    it('a create whose answer is lost (timeout) is found by the retry’s lookup: one incident, not two', async () => {
      incidents.clear();
      let answerSlowly = true;
      fake = await new TicketApiFake(async (req) => {
        const answer = serviceNow(req);
        if (req.method === 'POST' && answerSlowly) {
          answerSlowly = false;
          await new Promise((r) => setTimeout(r, 1500)); // the incident exists; the answer comes too late
        }
        return answer;
      }).start();
      const store = openSqliteStore({ path: ':memory:', auditKey: randomBytes(32) });
      const desk = new TicketDesk(serviceNowSink({ url: fake.url, user: 'mypass.integration', token: 'sn-password', timeoutMs: 500 }), store.escalations, store.pendingWork, systemClock, silentLogger, { firstMs: 100, maxMs: 200, pollMs: 50 });
      const first = await desk.escalate('jdoe', draft, 'again', 'k1');
      assert.equal(first.kind, 'pending');
      await new Promise((r) => setTimeout(r, 1600));
      await desk.tick();
      await desk.idle();
      const record = await store.escalations.get(first.ref);
      assert.equal(record?.state, 'open');
      assert.equal(record?.ticket?.label, 'INC001001');
      assert.equal(fake.requests.filter((r) => r.method === 'POST').length, 1, 'created once');
      assert.equal(incidents.size, 1);
      assert.ok(fake.requests.some((r) => r.method === 'GET' && r.query.get('sysparm_query')?.startsWith(`correlation_id=${first.ref}`)), 'looked up before creating again');
      await store.close();
    });
  });

  describe('Jira REST v3 and Service Management', () => {
    const adfText = (doc: unknown) => JSON.stringify(doc).match(/"text":"([^"]*)"/g)?.map((t) => t.slice(8, -1)) ?? [];

    it('REST v3: an issue in the project with the reference as a label, ADF description and comments; state from statusCategory; JQL lookup', async () => {
      const comments: unknown[] = [];
      let done = false;
      fake = await new TicketApiFake((req) => {
        if (req.headers.authorization !== basic('bot@example.com', 'jira-api-token')) return { status: 401, body: { errorMessages: ['unauthorized'] } };
        const body = req.json as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any -- a free-form JSON body under test
        if (req.method === 'POST' && req.path === '/rest/api/3/issue') {
          const f = body?.fields;
          const ok = f?.project?.key === 'HD' && f.issuetype?.name === 'Task' && typeof f.summary === 'string' && f.description?.type === 'doc' && f.description.version === 1 && Array.isArray(f.labels);
          return ok ? { status: 201, body: { id: '10001', key: 'HD-7', self: `${fake.url}/rest/api/3/issue/10001` } } : { status: 400, body: { errors: { fields: 'bad' } } };
        }
        if (req.method === 'POST' && req.path === '/rest/api/3/issue/HD-7/comment') {
          if (body?.body?.type !== 'doc') return { status: 400, body: {} };
          comments.push(body.body);
          return { status: 201, body: { id: '100' } };
        }
        if (req.method === 'GET' && req.path === '/rest/api/3/issue/HD-7' && req.query.get('fields') === 'status') {
          return { status: 200, body: { key: 'HD-7', fields: { status: { name: done ? 'Done' : 'In Progress', statusCategory: { key: done ? 'done' : 'indeterminate' } } } } };
        }
        if (req.method === 'GET' && req.path === '/rest/api/3/search/jql') {
          return { status: 200, body: { issues: req.query.get('jql') === `labels = "${REF}" ORDER BY created DESC` ? [{ id: '10001', key: 'HD-7' }] : [] } };
        }
        return { status: 404, body: { errorMessages: ['Issue does not exist'] } };
      }).start();
      const sink = jiraSink({ url: fake.url, user: 'bot@example.com', token: 'jira-api-token', project: 'HD' });
      const ticket = await sink.create(draft);
      assert.deepEqual(ticket, { id: 'HD-7', label: 'HD-7', url: `${fake.url}/browse/HD-7` });
      const created = fake.requests[0]?.json as { fields: { labels: string[]; summary: string; description: unknown } };
      assert.deepEqual(created.fields.labels, [REF]);
      assert.equal(created.fields.summary, draft.subject);
      assert.deepEqual(adfText(created.fields.description), ['Reason:', 'locked out', 'User: John Doe (jdoe)']);
      await sink.comment(ticket, 'unlocked by Alice Agent');
      assert.deepEqual(comments.map(adfText), [['unlocked by Alice Agent']]);
      assert.equal(await sink.state(ticket), 'open');
      done = true;
      assert.equal(await sink.state(ticket), 'closed');
      assert.deepEqual(await sink.findByRef(REF), ticket);
      assert.equal(await sink.state({ ...ticket, id: 'HD-8' }), 'closed', 'an issue Jira no longer has is closed');
      await rejectsWith(jiraSink({ url: fake.url, user: 'bot@example.com', token: 'wrong', project: 'HD' }).create(draft), 'TICKETS.REJECTED');
    });

    it('Service Management: a request in the service desk with its request type; internal comments', async () => {
      fake = await new TicketApiFake((req) => {
        if (req.headers.authorization !== 'Bearer jsm-pat') return { status: 401, body: {} };
        const body = req.json as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any -- a free-form JSON body under test
        if (req.method === 'POST' && req.path === '/rest/servicedeskapi/request') {
          const v = body?.requestFieldValues;
          const ok = body?.serviceDeskId === '4' && body.requestTypeId === '25' && typeof v?.summary === 'string' && typeof v.description === 'string' && v.labels?.[0] === REF;
          return ok ? { status: 201, body: { issueId: '10010', issueKey: 'SD-3', _links: { web: `${fake.url}/servicedesk/customer/portal/4/SD-3` } } } : { status: 400, body: {} };
        }
        if (req.method === 'POST' && req.path === '/rest/servicedeskapi/request/SD-3/comment') {
          return body?.public === false && typeof body.body === 'string' ? { status: 201, body: { id: '7' } } : { status: 400, body: {} };
        }
        return { status: 404, body: {} };
      }).start();
      const sink = jiraSink({ url: fake.url, token: 'jsm-pat', serviceDeskId: '4', requestTypeId: '25' });
      const ticket = await sink.create(draft);
      assert.equal(ticket.label, 'SD-3');
      await sink.comment(ticket, 'unlocked');
      assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path}`), ['POST /rest/servicedeskapi/request', 'POST /rest/servicedeskapi/request/SD-3/comment']);
    });
  });

  describe('the signed webhook', () => {
    const SECRET = 'webhook-shared-secret-0123456789';

    it('every delivery verifies with the shared secret; a replay is detectable by its timestamp; a wrong secret or body fails', async () => {
      fake = await new TicketApiFake(() => ({ status: 200, body: { id: 'WH-1', url: 'https://tickets.example/WH-1' } })).start();
      const sink = webhookSink({ url: fake.url, secret: SECRET });
      const ticket = await sink.create(draft);
      assert.deepEqual(ticket, { id: 'WH-1', label: 'WH-1', url: 'https://tickets.example/WH-1' });
      await sink.comment(ticket, 'unlocked by Alice Agent');
      assert.equal(fake.requests.length, 2);
      for (const r of fake.requests) {
        assert.equal(r.method, 'POST');
        assert.equal(r.headers['content-type'], 'application/json');
        const sig = String(r.headers['x-mypass-signature']);
        assert.equal(sig.split(',')[0], `t=${String(r.headers['x-mypass-timestamp'])}`);
        assert.deepEqual(verifyWebhook(SECRET, sig, r.raw, new Date()), { ok: true, timestamp: Number(r.headers['x-mypass-timestamp']) });
        assert.deepEqual(verifyWebhook('another-secret-0123456789abcdef', sig, r.raw, new Date()), { ok: false, reason: 'bad-signature' });
        assert.deepEqual(verifyWebhook(SECRET, sig, r.raw.replace('"type"', '"tYpe"'), new Date()), { ok: false, reason: 'bad-signature' });
        // The same delivery replayed ten minutes later: the signature still matches, the timestamp does not.
        assert.deepEqual(verifyWebhook(SECRET, sig, r.raw, new Date(Date.now() + 10 * 60_000)), { ok: false, reason: 'stale' });
      }
      const [create, comment] = fake.requests.map((r) => r.json as Record<string, unknown>);
      assert.equal(create?.type, 'ticket.create');
      assert.equal(create?.ref, REF);
      assert.equal(create?.delivery, `${REF}.create`);
      assert.equal(comment?.type, 'ticket.comment');
      assert.equal(comment?.ticket, 'WH-1');
    });

    it('retries with growing pauses, the same delivery id and a fresh signature each time; a 4xx is not retried', async () => {
      let failures = 2;
      fake = await new TicketApiFake(() => (failures-- > 0 ? { status: 503, body: {} } : { status: 202 })).start();
      const at: number[] = [];
      const sink = webhookSink({ url: fake.url, secret: SECRET, backoffMs: 100, now: () => { at.push(Date.now()); return new Date(); } });
      const ticket = await sink.create(draft);
      assert.deepEqual(ticket, { id: REF, label: REF, url: '' }, 'no id in the answer: the reference names it');
      assert.equal(fake.requests.length, 3);
      assert.deepEqual(new Set(fake.requests.map((r) => r.headers['x-mypass-delivery'])).size, 1);
      for (const r of fake.requests) assert.equal(verifyWebhook(SECRET, String(r.headers['x-mypass-signature']), r.raw, new Date()).ok, true);
      const [a = 0, b = 0, c = 0] = at;
      assert.ok(b - a >= 90 && c - b >= 190, `pauses ${b - a} ms, ${c - b} ms`);

      fake.requests.length = 0;
      fake.handler = () => ({ status: 401 });
      await rejectsWith(sink.create(draft), 'TICKETS.REJECTED');
      assert.equal(fake.requests.length, 1);
      assert.equal(signWebhook(SECRET, 1, 'x'), signWebhook(SECRET, 1, 'x'));
    });
  });
});
