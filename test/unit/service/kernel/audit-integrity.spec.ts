// The audit chain watched by the running service: readiness says whether it verified, a broken chain is
// logged as an error naming the first broken record and a command that exists, and the head is logged
// periodically (seq and hash only).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoDirectory } from '../../../../src/adapters/demo/demo-directory';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import type { Logger } from '../../../../src/ports/logger.port';
import { sqliteTamper } from '../../../contract/sqlite-tamper';
import { HelpdeskService } from '../../../../src/service/helpdesk-service';
import { ctxFor, DEMO_SETTINGS, demoFixture, TestClock } from '../../../helpers/service-fixture';

interface Line { level: string; fields: Record<string, unknown>; message: string }

function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (fields: object, message: string) => lines.push({ level, fields: fields as Record<string, unknown>, message });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

describe('Audit chain integrity in the running service', () => {
  let dir: string;
  let path: string;
  const auditKey = randomBytes(32);
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'helpdesk-integrity-'));
    path = join(dir, 'helpdesk.db');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A service on the file store, after a few audited requests. */
  async function serviceWithTrail(logger: Logger): Promise<{ service: HelpdeskService; close: () => Promise<void> }> {
    const f = demoFixture({ store: openSqliteStore({ path, auditKey }) });
    for (const q of ['john', 'lena', 'smith']) await f.service.command(ctxFor('demo.agent'), { name: 'user', query: q });
    await f.store.close();
    const store = openSqliteStore({ path, auditKey });
    const service = new HelpdeskService({ directory: f.directory, store, clock: f.clock, logger, settings: DEMO_SETTINGS });
    return { service, close: () => store.close() };
  }

  it('is ready with an intact chain, and says the chain was verified', async () => {
    const logger = recordingLogger();
    const { service, close } = await serviceWithTrail(logger);
    try {
      assert.deepEqual(await service.health(), { directory: 'ok', store: 'ok', audit: 'ok' });
      assert.ok(logger.lines.some((l) => l.message === 'audit chain verified' && l.fields.records === 3));
    } finally {
      await close();
    }
  });

  it('reports a tampered chain as broken, logging the first broken seq and a verify command that exists', async () => {
    const logger = recordingLogger();
    await serviceWithTrail(recordingLogger()).then((s) => s.close());
    await sqliteTamper(path, 200).updateAuditEntry(2, { actor: 'mallory' });
    const { service, close } = await serviceWithTrail(logger); // appends 3 more, on top of the tampered one
    try {
      assert.equal((await service.health()).audit, 'broken');
      const error = logger.lines.find((l) => l.level === 'error');
      assert.equal(error?.fields.brokenAt, 2);
      const command = /`npm run ([\w:-]+)`/.exec(error?.message ?? '')?.[1];
      const scripts = (JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      assert.ok(command && scripts[command], `names an existing npm script: ${error?.message}`);
    } finally {
      await close();
    }
  });

  describe('with several replicas: the start-up walk is claimed once per window in the store', () => {
    const WINDOW_MS = 10 * 60_000;

    /** `n` services, each on a store instance of its own over the same file (replicas), sharing one clock. */
    async function replicas(n: number, logger: Logger): Promise<{ services: HelpdeskService[]; clock: TestClock; close: () => Promise<void> }> {
      await serviceWithTrail(recordingLogger()).then((s) => s.close());
      const clock = new TestClock();
      const directory = new DemoDirectory(clock);
      const stores = Array.from({ length: n }, () => openSqliteStore({ path, auditKey, clock }));
      const services = stores.map((store) => new HelpdeskService({
        directory, store, clock, logger, settings: { ...DEMO_SETTINGS, auditVerifyWindowMs: WINDOW_MS },
      }));
      return { services, clock, close: async () => { for (const s of stores) await s.close(); } };
    }

    it('two replicas starting at once: one walks the chain, the other skips it, says so, and is ready', async () => {
      const logger = recordingLogger();
      const { services: [a, b], close } = await replicas(2, logger);
      try {
        const statuses = await Promise.all([a!.auditIntegrity.verify(), b!.auditIntegrity.verify()]);
        assert.deepEqual([...statuses].sort(), ['ok', 'skipped']);
        assert.equal(logger.lines.filter((l) => l.message === 'audit chain verified').length, 1, 'walked once');
        const skipped = logger.lines.filter((l) => l.message.startsWith('audit chain verification skipped'));
        assert.equal(skipped.length, 1);
        assert.match(skipped[0]?.message ?? '', /another process verified it within the last 10 minutes/);
        const skipper = statuses[0] === 'skipped' ? a! : b!;
        assert.deepEqual(await skipper.health(), { directory: 'ok', store: 'ok', audit: 'skipped' });
        assert.equal(skipper.auditIntegrity.latest(), 'unverified', 'metrics: this process has no verdict of its own');
      } finally {
        await close();
      }
    });

    it('a replica starting after the window walks the chain again', async () => {
      const logger = recordingLogger();
      const { services: [a, b, c], clock, close } = await replicas(3, logger);
      try {
        assert.equal(await a!.auditIntegrity.verify(), 'ok');
        clock.advance(WINDOW_MS - 1000);
        assert.equal(await b!.auditIntegrity.verify(), 'skipped');
        clock.advance(1000);
        assert.equal(await c!.auditIntegrity.verify(), 'ok');
        assert.equal(logger.lines.filter((l) => l.message === 'audit chain verified').length, 2);
      } finally {
        await close();
      }
    });

    it('a broken chain is never hidden behind a skip: the next replica walks it too and is not ready', async () => {
      await serviceWithTrail(recordingLogger()).then((s) => s.close());
      await sqliteTamper(path, 200).updateAuditEntry(2, { actor: 'mallory' });
      const logger = recordingLogger();
      const { services: [a, b], close } = await replicas(2, logger);
      try {
        assert.equal(await a!.auditIntegrity.verify(), 'broken');
        assert.equal((await b!.health()).audit, 'broken');
        assert.equal(logger.lines.filter((l) => l.level === 'error' && l.fields.brokenAt === 2).length, 2, 'both walked and found seq 2');
        assert.ok(!logger.lines.some((l) => l.message.startsWith('audit chain verification skipped')));
      } finally {
        await close();
      }
    });
  });

  it('logs the head periodically: seq and hash, nothing else', async () => {
    const logger = recordingLogger();
    const { service, close } = await serviceWithTrail(logger);
    const stop = service.auditIntegrity.startHeadLog(20);
    try {
      await new Promise((r) => setTimeout(r, 110));
      stop();
      const heads = logger.lines.filter((l) => l.message === 'audit chain head');
      assert.ok(heads.length >= 2, `${heads.length} head lines`);
      const store = openSqliteStore({ path, auditKey });
      const [last] = await store.audit.list({ limit: 1 });
      await store.close();
      for (const h of heads) assert.deepEqual(h.fields, { auditHead: { seq: 3, hash: last?.hash } });
      const count = heads.length;
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(logger.lines.filter((l) => l.message === 'audit chain head').length, count, 'stopped');
    } finally {
      stop();
      await close();
    }
  });
});
