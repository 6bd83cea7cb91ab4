// The one body reader (src/http/body.ts) as a client sees it: the media type and encoding are judged before a
// byte is read, the size is bounded whether declared or not, malformed input gets one polite 4xx, and a
// refused body is never handed on. Real sockets, so "before a byte is read" is what the client observes.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { jsonBody, readBody, readForm, readJsonObject, type BodyRead } from '../../../src/http/body';
import { createHttpServer, type HttpServer } from '../../../src/http/server';
import { silentLogger } from '../../../src/ports/logger.port';

const LIMIT = 1024;
type Reader = (req: IncomingMessage, res: ServerResponse) => Promise<BodyRead<unknown>>;
const readers: Record<string, Reader> = {
  '/raw': (req, res) => readBody(req, res, { maxBytes: LIMIT }),
  '/json': (req, res) => readJsonObject(req, res, LIMIT),
  '/form': async (req, res) => {
    const read = await readForm(req, res, LIMIT);
    return read.ok ? { ok: true, value: Object.fromEntries(read.value) } : read;
  },
};

/** What a surface does with a read: the value it got (bytes as hex), or the refusal's status and words. */
function answer(read: BodyRead<unknown>, res: ServerResponse): void {
  const body = read.ok ? { value: Buffer.isBuffer(read.value) ? read.value.toString('hex') : read.value } : { refusal: read.refusal };
  res.writeHead(read.ok ? 200 : read.refusal.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

describe('HTTP body reader', () => {
  let server: Server;
  let base: string;
  let port: number;
  const handed: unknown[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const reader = readers[req.url ?? ''];
      if (!reader) return void res.writeHead(404).end();
      void reader(req, res).then((read) => {
        if (read.ok) handed.push(read.value);
        answer(read, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    base = `http://127.0.0.1:${port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (handed.length = 0));

  const post = async (path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
    return { status: res.status, connection: res.headers.get('connection'), text: await res.text() };
  };

  /** Sends only the request head, then waits for the server's answer: it must come without the body. */
  function headOnly(path: string, headers: Record<string, string>): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
      socket.write([`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...lines, '', ''].join('\r\n'));
      setTimeout(() => socket.destroy(), 3000);
    });
  }

  it('reads JSON objects, urlencoded forms and raw bytes exactly as sent', async () => {
    const json = await post('/json', '{"a":1,"b":"é"}', { 'content-type': 'application/json; charset=utf-8' });
    assert.deepEqual(JSON.parse(json.text), { value: { a: 1, b: 'é' } });
    const form = await post('/form', 'login=jane.smith&method=pin&csrf=a%2Bb', { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' });
    assert.deepEqual(JSON.parse(form.text), { value: { login: 'jane.smith', method: 'pin', csrf: 'a+b' } });
    // Slack's signature covers the exact bytes: nothing is decoded or re-encoded, whatever the media type.
    const bytes = Uint8Array.from([0x7b, 0xff, 0x00, 0xc3, 0x28, 0x7d]);
    const raw = await post('/raw', bytes, { 'content-type': 'multipart/form-data; boundary=x' });
    assert.deepEqual(JSON.parse(raw.text), { value: Buffer.from(bytes).toString('hex') });
    const empty = await post('/raw', '', { 'content-type': 'application/json' });
    assert.deepEqual(JSON.parse(empty.text), { value: '' });
  });

  it('another media type or a content encoding gets 415 before a byte is read, and nothing is handed on', async () => {
    for (const [path, type] of [['/json', 'text/plain'], ['/json', 'multipart/form-data; boundary=x'], ['/json', 'application/x-www-form-urlencoded'], ['/form', 'application/json'], ['/json', '']] as const) {
      const res = await post(path, 'a=1', type ? { 'content-type': type } : {});
      assert.equal(res.status, 415, `${path} ${type}`);
      assert.equal(res.connection, 'close', 'the unread body is not drained: the connection closes');
      assert.equal(JSON.parse(res.text).refusal.code, 'UnsupportedMediaType');
    }
    const gzip = await post('/json', '{}', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.equal(gzip.status, 415);
    const early = await headOnly('/json', { 'content-type': 'text/plain', 'content-length': '100000' });
    assert.match(early, /^HTTP\/1\.1 415 /, 'answered from the head alone');
    assert.deepEqual(handed, []);
  });

  it('a body over the limit gets 413: at once when declared, while reading when not (chunked)', async () => {
    const declared = await headOnly('/json', { 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) });
    assert.match(declared, /^HTTP\/1\.1 413 /, 'answered from the head alone, none of the 200 MB read');
    assert.match(declared, /connection: close/i);

    // No Content-Length: a stream that never ends is cut off once it passes the limit.
    const streamed = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', () => resolve(got));
      socket.write('POST /raw HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = `${(512).toString(16)}\r\n${'x'.repeat(512)}\r\n`;
      const timer = setInterval(() => (socket.writable ? socket.write(chunk) : clearInterval(timer)), 5);
      socket.on('close', () => clearInterval(timer));
      setTimeout(() => reject(new Error('the server never refused the endless body')), 5000);
    });
    assert.match(streamed, /^HTTP\/1\.1 413 /);
    assert.match(streamed, /"message":"The body is too large\."/);

    const atLimit = await post('/raw', 'x'.repeat(LIMIT), { 'content-type': 'text/plain' });
    assert.equal(atLimit.status, 200, 'exactly the limit is taken');
    const over = await post('/form', `a=${'x'.repeat(LIMIT)}`, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(over.status, 413);
    assert.equal(handed.length, 1, 'only the body within the limit was handed on');
  });

  it('malformed JSON, an array or a bare value gets one polite 400 that names no internals', async () => {
    for (const body of ['{"a":', '[]', '[{"a":1}]', '42', '"x"', 'null', '', '\u0000{}', '{"a":1}{"b":2}']) {
      const res = await post('/json', body, { 'content-type': 'application/json' });
      assert.equal(res.status, 400, JSON.stringify(body));
      const { refusal } = JSON.parse(res.text) as { refusal: { code: string; message: string } };
      assert.equal(refusal.code, 'BadRequest');
      assert.match(refusal.message, /^(The body is not valid JSON\.|A JSON object is expected\.)$/);
    }
    assert.deepEqual(handed, []);
  });

  it('a client that stops mid-body gets its read settled as refused, not left waiting', async () => {
    let s: Server | undefined;
    const settled = new Promise<BodyRead<Buffer>>((resolve) => {
      s = createServer((req, res) => void readBody(req, res, { maxBytes: LIMIT }).then(resolve));
      s.listen(0, '127.0.0.1', () => {
        const socket = connect((s?.address() as { port: number }).port, '127.0.0.1');
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
        setTimeout(() => socket.destroy(), 50);
      });
    }).finally(() => s?.close());
    const read = await settled;
    assert.equal(read.ok, false);
    assert.equal(!read.ok && read.refusal.status, 400);
  });

  describe('jsonBody (restify middleware of the chat routes)', () => {
    let http: HttpServer;
    before(async () => {
      http = createHttpServer({
        logger: silentLogger,
        health: async () => ({ directory: 'ok', store: 'ok', audit: 'ok' }),
        mounts: [(s) => s.post('/activities', jsonBody(LIMIT), (req, res, next) => {
          handed.push(req.body);
          res.send(200, { got: req.body });
          next();
        })],
      });
      await http.listen(0, '127.0.0.1');
    });
    after(() => http.close());

    it('sets req.body to the object; refusals are { error: { code, message } } and the route never runs', async () => {
      const url = `${http.url()}/activities`;
      const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' });
      assert.deepEqual(await ok.json(), { got: { type: 'message' } });
      const cases: [string, string, number, string][] = [
        ['text/plain', '{}', 415, 'UnsupportedMediaType'],
        ['application/json', 'x'.repeat(LIMIT + 1), 413, 'PayloadTooLarge'],
        ['application/json', '{"type":', 400, 'BadRequest'],
      ];
      for (const [type, body, status, code] of cases) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body }).catch(() => undefined);
        if (!res) continue; // the server may close a refused upload before the client finished sending it
        assert.equal(res.status, status, `${type} ${body.slice(0, 10)}`);
        const text = await res.text();
        assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, code);
        assert.doesNotMatch(text, /at \S+ \(|stack|Error:/, 'no internals');
      }
      assert.equal(handed.length, 1);
    });
  });
});
