// What the chat routes read before anyone is authenticated: JSON only (Slack: its own encodings, read raw),
// bounded, and nothing written to disk. restify's bodyParser used to hand multipart bodies to formidable,
// which wrote them to the temp folder (up to 200 MB, past the size limit) and never deleted them.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { countingService, startBotHarness, type BotHarness } from '../helpers/bot-harness';
import { teamsMember } from '../helpers/loopback-connector';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-harness';
import { post, signedHeaders } from '../helpers/slack-requests';
import { teamsMessage } from '../helpers/teams-activities';

const BOUNDARY = '----mypass-test-boundary';
function multipart(fileBytes: number): { body: Buffer; contentType: string } {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const tail = `\r\n--${BOUNDARY}--\r\n`;
  return { body: Buffer.concat([Buffer.from(head), Buffer.alloc(fileBytes, 0x61), Buffer.from(tail)]), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

async function send(url: string, body: Buffer | string, contentType: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    // The server may close the connection on a refused body before the client finished sending it.
    return { status: -1, text: String(err) };
  }
}

describe('Chat routes: bodies before authentication', function () {
  this.timeout(30_000);
  let h: BotHarness;
  let slack: SlackHarness;
  let calls: () => number;
  let temp: string;
  const savedTmp = process.env.TMPDIR;

  before(async () => {
    h = await startBotHarness({
      directory: 'demo',
      localConsole: true,
      wrapService: (service) => {
        const counted = countingService(service);
        calls = counted.calls;
        return counted.service;
      },
    });
    slack = await startSlackHarness({ directory: 'demo', slackUsers: [] });
  });
  after(async () => {
    await h?.close();
    await slack?.close();
  });
  beforeEach(() => {
    // formidable writes to os.tmpdir(), which follows TMPDIR at request time.
    temp = mkdtempSync(path.join(tmpdir(), 'mypass-bodies-'));
    process.env.TMPDIR = temp;
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(temp, { recursive: true, force: true });
  });

  async function directLineConversation(): Promise<{ path: string; token: string }> {
    const res = await fetch(`${h.url}/v3/directline/conversations`, { method: 'POST' });
    const s = (await res.json()) as { conversationId: string; token: string };
    return { path: `/v3/directline/conversations/${encodeURIComponent(s.conversationId)}/activities`, token: s.token };
  }

  it('multipart/form-data is refused with 415 on /api/messages and Direct Line, and never reaches the disk; Slack reads it raw', async () => {
    const { body, contentType } = multipart(300 * 1024);
    assert.equal((await send(`${h.url}/api/messages`, body, contentType)).status, 415);
    const dl = await directLineConversation();
    assert.equal((await send(`${h.url}${dl.path}`, body, contentType, { authorization: `Bearer ${dl.token}` })).status, 415);
    assert.equal((await send(`${h.url}${dl.path}`, body, contentType)).status, 415, 'no token: refused before any body is read');
    assert.equal((await send(slack.eventsUrl, body, contentType)).status, 401, 'Slack: unsigned');
    const small = multipart(1024);
    const signed = await post(slack.eventsUrl, small.body.toString('latin1'), {
      ...signedHeaders({ contentType: 'application/json', body: small.body.toString('latin1') }),
      'content-type': small.contentType,
    });
    assert.equal(signed.status, 400, 'Slack: signed, but not one of its encodings');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(readdirSync(temp), [], 'nothing was written to the temp folder');
    assert.equal(calls(), 0);
  });

  it('other media types get 415; a body over the limit gets 413', async () => {
    const activity = JSON.stringify(teamsMessage({ serviceUrl: h.connector.url, user: teamsMember('demo.agent'), text: 'help' }));
    assert.equal((await send(`${h.url}/api/messages`, activity, 'text/plain')).status, 415);
    assert.equal((await send(`${h.url}/api/messages`, activity, 'application/x-www-form-urlencoded')).status, 415);
    const huge = JSON.stringify({ ...JSON.parse(activity), text: 'x'.repeat(300 * 1024) });
    const tooBig = await send(`${h.url}/api/messages`, huge, 'application/json');
    assert.ok(tooBig.status === 413 || tooBig.status === -1, `got ${tooBig.status}`);
    const dl = await directLineConversation();
    const dlBig = await send(`${h.url}${dl.path}`, JSON.stringify({ type: 'message', from: { id: 'demo.agent' }, value: 'x'.repeat(100 * 1024) }), 'application/json', {
      authorization: `Bearer ${dl.token}`,
    });
    assert.ok(dlBig.status === 413 || dlBig.status === -1, `got ${dlBig.status}`);
    assert.equal(calls(), 0);
    assert.deepEqual(h.connector.replies, []);
  });

  it('a malformed activity ({}, [], not JSON, no conversation) gets 400 with no internal message, and nothing runs', async () => {
    const base = teamsMessage({ serviceUrl: h.connector.url, user: teamsMember('demo.agent'), text: 'help' });
    for (const body of ['{}', '[]', '{"type":', JSON.stringify({ ...base, conversation: undefined }), JSON.stringify({ ...base, type: 42 })]) {
      const res = await send(`${h.url}/api/messages`, body, 'application/json');
      assert.equal(res.status, 400, `${body.slice(0, 40)} → ${res.status} ${res.text}`);
      assert.doesNotMatch(res.text, /validateAndFixActivity|req\.body|middleware|at \S+ \(/, 'no internals');
    }
    assert.equal(calls(), 0);
    assert.deepEqual(h.connector.memberLookups, []);
    assert.deepEqual(h.connector.replies, []);
  });

  it('the unauthenticated /api/messages answers only requests naming this machine (no DNS rebinding)', async () => {
    const body = JSON.stringify(teamsMessage({ serviceUrl: h.connector.url, user: teamsMember('demo.agent'), text: 'help' }));
    const { port } = new URL(h.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/messages', method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 403);
    assert.equal(calls(), 0);
    assert.deepEqual(h.connector.memberLookups, []);
    assert.deepEqual(h.connector.replies, []);
  });
});
