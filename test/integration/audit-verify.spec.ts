// The audit chain checked from outside and at start-up, as an operator meets it: `npm run audit:verify`
// spawned as they would type it (same environment variables as the bot), and the app itself (its entry
// point, spawned) started on a tampered store.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deriveKey, loadOrCreateDevKey } from '../../src/adapters/secrets/secrets-key';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import type { AuditEntryInput } from '../../src/domain/audit-entry';
import { sqliteTamper } from '../contract/sqlite-tamper';
import { cleanEnv, ROOT, startApp, type RunningApp } from '../helpers/app-process';

function entry(i: number): AuditEntryInput {
  return {
    at: new Date(Date.UTC(2026, 0, 15, 9, 0, i)), correlationId: `corr-${i}`, surface: 'teams', actor: 'agent.smith',
    role: 'agent', action: 'account.unlock', target: 'jdoe', outcome: 'success',
  };
}

/** A store with `n` entries at `file`, chained under the audit key derived from `master`. */
async function writeStore(file: string, master: Buffer, n: number): Promise<void> {
  const store = openSqliteStore({ path: file, auditKey: deriveKey(master, 'audit-chain') });
  for (let i = 1; i <= n; i++) await store.audit.append(entry(i));
  await store.close();
}

interface Run { code: number | null; stdout: string; stderr: string }

function auditVerify(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'audit:verify'], { cwd: ROOT, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('npm run audit:verify', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'helpdesk-verify-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on an intact store, reading STORE_URL and the dev key file beside it like the bot', async () => {
    const file = path.join(dir, 'helpdesk.db');
    await writeStore(file, loadOrCreateDevKey(dir), 5);
    const run = await auditVerify({ STORE_URL: `sqlite:${file}` });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /audit chain intact: 5 records, head seq 5 hash [0-9a-f]{64}/);
  });

  it('exits 1 on a tampered copy and names the first broken record, changing nothing', async () => {
    const master = randomBytes(32);
    const original = path.join(dir, 'helpdesk.db');
    await writeStore(original, master, 6);
    const copy = path.join(dir, 'copy', 'helpdesk.db');
    mkdirSync(path.dirname(copy));
    copyFileSync(original, copy);
    await sqliteTamper(copy, 200).updateAuditEntry(3, { target: 'ceo' });
    const before = sha(copy);
    const env = { STORE_URL: `sqlite:${copy}`, SECRETS_KEY: master.toString('base64') };
    const run = await auditVerify(env);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /BROKEN: first broken record seq 3\b/);
    assert.equal(sha(copy), before, 'the store was opened read-only');
    assert.equal((await auditVerify({ ...env, STORE_URL: `sqlite:${original}` })).code, 0, 'the original is intact');
    const wrongKey = await auditVerify({ ...env, SECRETS_KEY: randomBytes(32).toString('base64') });
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stdout, /seq 1\b/);
  });

  it('exits 2 without creating anything when there is no store or no key', async () => {
    const missing = path.join(dir, 'nothing', 'helpdesk.db');
    const run = await auditVerify({ STORE_URL: `sqlite:${missing}` });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no store at/);
    assert.equal(existsSync(path.dirname(missing)), false);
    const file = path.join(dir, 'helpdesk.db');
    await writeStore(file, randomBytes(32), 1); // no key file beside it, no SECRETS_KEY
    const noKey = await auditVerify({ STORE_URL: `sqlite:${file}` });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /SECRETS_KEY is unset/);
    assert.equal(existsSync(path.join(dir, 'secrets.key')), false, 'no key is generated');
  });
});

describe('Start-up verification of the audit chain (the app, spawned)', function () {
  this.timeout(90_000);
  let app: RunningApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  /** A store in the app's data folder under the dev key the app will read, optionally tampered. */
  const storeIn = (tamperSeq?: number) => async (dataDir: string) => {
    const file = path.join(dataDir, 'helpdesk.db');
    await writeStore(file, loadOrCreateDevKey(dataDir), 4);
    if (tamperSeq !== undefined) await sqliteTamper(file, 200).updateAuditEntry(tamperSeq, { actor: 'mallory' });
  };

  async function readyz(base: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${base}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('is not ready with a tampered store: /readyz 503 audit broken, and an error names the seq', async () => {
    app = await startApp({}, { prepare: storeIn(2) });
    // Verified at start-up, not only when readiness is first asked.
    const deadline = Date.now() + 15_000;
    while (!/audit chain is broken/.test(app.output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(app.output, /audit chain is broken at seq 2\b.*npm run audit:verify/);
    const ready = await readyz(app.base);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.audit, 'broken');
  });

  it('is ready with an intact store: /readyz 200 audit ok', async () => {
    app = await startApp({}, { prepare: storeIn() });
    const ready = await readyz(app.base);
    assert.equal(ready.status, 200, JSON.stringify(ready.body) + app.output);
    assert.equal(ready.body.audit, 'ok');
  });
});
