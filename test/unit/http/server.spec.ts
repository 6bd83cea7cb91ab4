import assert from 'node:assert/strict';
import { createHttpServer, type HttpServer } from '../../../src/http/server';
import { installGracefulShutdown } from '../../../src/http/shutdown';
import { silentLogger } from '../../../src/ports/logger.port';
import type { HealthReport } from '../../../src/domain/health';

describe('HTTP server', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(health: () => Promise<HealthReport>, healthTimeoutMs?: number): Promise<string> {
    server = createHttpServer({ logger: silentLogger, health, ...(healthTimeoutMs ? { healthTimeoutMs } : {}) });
    await server.listen(0, '127.0.0.1');
    return server.url();
  }

  it('/healthz is 200 while the process runs, whatever the peers say', async () => {
    const url = await start(async () => ({ directory: 'down', store: 'down', audit: 'ok' }));
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  });

  it('/readyz is 200 only when the directory and the store are reachable', async () => {
    let report: HealthReport = { directory: 'ok', store: 'ok', audit: 'ok' };
    const url = await start(async () => report);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    report = { directory: 'down', store: 'ok', audit: 'ok' };
    const res = await fetch(`${url}/readyz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'not-ready', directory: 'down', store: 'ok', audit: 'ok' });
  });

  it('/readyz is 503 and says so when the audit chain is broken, even with both peers up', async () => {
    const url = await start(async () => ({ directory: 'ok', store: 'ok', audit: 'broken' }));
    const res = await fetch(`${url}/readyz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'not-ready', directory: 'ok', store: 'ok', audit: 'broken' });
  });

  it('/readyz is 200 and says so when another replica verified the audit chain and this one skipped it', async () => {
    const url = await start(async () => ({ directory: 'ok', store: 'ok', audit: 'skipped' }));
    const res = await fetch(`${url}/readyz`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { audit?: string }).audit, 'skipped');
  });

  it('/readyz is 503 when the check fails or hangs', async () => {
    const url = await start(() => new Promise<HealthReport>(() => undefined), 100);
    assert.equal((await fetch(`${url}/readyz`)).status, 503);
    await server?.close();
    const url2 = await start(() => Promise.reject(new Error('boom')));
    assert.equal((await fetch(`${url2}/readyz`)).status, 503);
  });

  it('mounts extra routes; parses no body unless the route asks for it', async () => {
    server = createHttpServer({
      logger: silentLogger,
      health: async () => ({ directory: 'ok', store: 'ok', audit: 'ok' }),
      mounts: [
        (s) =>
          s.post('/raw', (req, res, next) => {
            let raw = '';
            req.on('data', (c: Buffer) => (raw += c.toString()));
            req.on('end', () => {
              res.send(200, { raw, parsed: req.body !== undefined });
              next();
            });
          }),
      ],
    });
    await server.listen(0, '127.0.0.1');
    const res = await fetch(`${server.url()}/raw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual(await res.json(), { raw: '{"a":1}', parsed: false });
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM runs the steps in order, then exits 0 (1 if a step failed)', async () => {
    const ran: string[] = [];
    let code: number | undefined;
    const { uninstall } = installGracefulShutdown({
      logger: silentLogger,
      signals: ['SIGUSR2'],
      exit: (c) => (code = c),
      steps: [
        { name: 'http', run: async () => void ran.push('http') },
        { name: 'store', run: () => void ran.push('store') },
      ],
    });
    process.kill(process.pid, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 50));
    uninstall();
    assert.deepEqual(ran, ['http', 'store']);
    assert.equal(code, 0);

    const failing = installGracefulShutdown({
      logger: silentLogger,
      signals: [],
      exit: (c) => (code = c),
      steps: [{ name: 'boom', run: () => Promise.reject(new Error('x')) }],
    });
    await failing.shutdown('test');
    assert.equal(code, 1);
  });
});
