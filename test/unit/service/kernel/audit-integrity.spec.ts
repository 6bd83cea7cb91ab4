// The audit chain watched by the running service: readiness says whether it verified, a broken chain is
// logged as an error naming the first broken record and a command that exists, and the head is logged
// periodically (seq and hash only).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../../src/adapters/sqlite/sqlite-store';
import type { Logger } from '../../../../src/ports/logger.port';
import { sqliteTamper } from '../../../contract/sqlite-tamper';
import { HelpdeskService } from '../../../../src/service/helpdesk-service';
import { ctxFor, DEMO_SETTINGS, demoFixture } from '../../../helpers/service-fixture';

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
