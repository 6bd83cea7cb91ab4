// `npm run audit:export` as an auditor or a SIEM job runs it: spawned with the bot's environment, on a store
// whose trail reaches back before the exported range. What they notice: only the range, oldest first, the
// chain's verdict over it on the last line, a tampered record in the range named, the store unchanged.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deriveKey } from '../../src/adapters/secrets/secrets-key';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store';
import { sqliteTamper } from '../contract/sqlite-tamper';
import { cleanEnv, ROOT } from '../helpers/app-process';

const DAY = 86_400_000;

interface Run { code: number | null; stdout: string; stderr: string }

function auditExport(env: Record<string, string>, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'audit:export', '--', ...args], { cwd: ROOT, env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('npm run audit:export', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  let env: Record<string, string>;

  /** Ten records a day apart, the newest an hour ago (seq 1 ten days back … seq 10); seq 10's detail is a formula. */
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'helpdesk-export-'));
    file = path.join(dir, 'helpdesk.db');
    const master = randomBytes(32);
    env = { STORE_URL: `sqlite:${file}`, SECRETS_KEY: master.toString('base64') };
    const store = openSqliteStore({ path: file, auditKey: deriveKey(master, 'audit-chain') });
    const newest = Date.now() - 3_600_000;
    for (let i = 1; i <= 10; i++) {
      await store.audit.append({
        at: new Date(newest - (10 - i) * DAY), correlationId: `corr-${i}`, surface: i % 2 ? 'teams' : 'slack', actor: 'agent.smith',
        role: 'agent', action: 'account.unlock', target: `user${i}`, outcome: 'success',
        ...(i === 10 ? { detail: '=HYPERLINK("http://x.test","a, b")' } : {}),
      });
    }
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--since 7d --format jsonl: the last seven days oldest first, and the last line says the chain is intact over them', async () => {
    const before = sha(file);
    const run = await auditExport(env, ['--since', '7d', '--format', 'jsonl']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const records = lines.slice(0, -1);
    assert.deepEqual(records.map((r) => r.seq), [4, 5, 6, 7, 8, 9, 10], 'seq 1-3 are older than seven days');
    assert.equal(records[0]?.target, 'user4');
    assert.equal(records[6]?.detail, '=HYPERLINK("http://x.test","a, b")', 'jsonl keeps the record as stored');
    assert.deepEqual(lines.at(-1), { chain: 'intact', since: lines.at(-1)?.since, from: 4, to: 10, count: 7, lastHash: records[6]?.hash });
    assert.equal(sha(file), before, 'the store was opened read-only');
  });

  it('--format csv --out: a header, quoted cells, formulas defused, the verdict as a comment line; never overwrites', async () => {
    const out = path.join(dir, 'export.csv');
    const run = await auditExport(env, ['--since', '2d', '--format', 'csv', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'seq,at,surface,actor,role,action,target,outcome,code,detail,correlationId,prevHash,hash');
    assert.match(lines[1] ?? '', /^9,[^,]+,teams,agent\.smith,agent,account\.unlock,user9,success,,,corr-9,[0-9a-f]{64},[0-9a-f]{64}$/);
    assert.ok(lines[2]?.includes(`,"'=HYPERLINK(""http://x.test"",""a, b"")",`), lines[2]);
    assert.match(lines.at(-1) ?? '', /^# audit chain intact over seq 9-10 \(2 records\) since \S+; last hash [0-9a-f]{64}$/);
    assert.equal(statSync(out).mode & 0o077, 0, 'the export is readable by its owner only');
    writeFileSync(out, 'kept');
    const again = await auditExport(env, ['--since', '2d', '--format', 'csv', '--out', out]);
    assert.equal(again.code, 2);
    assert.equal(readFileSync(out, 'utf8'), 'kept');
  });

  it('a record changed inside the range: exported, the last line names it BROKEN, exit 1; outside the range the range is still intact', async () => {
    await sqliteTamper(file, 200).updateAuditEntry(7, { target: 'ceo' });
    const run = await auditExport(env, ['--since', '7d', '--format', 'csv']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout.trim().split('\n').at(-1) ?? '', /^# audit chain BROKEN over seq 4-10 \(7 records\) since \S+: at seq 7, its content does not match its hash$/);
    assert.match(run.stderr, /BROKEN at seq 7/);
    const older = await auditExport(env, ['--since', '2d', '--format', 'jsonl']);
    assert.equal(older.code, 0, older.stderr);
    assert.equal((JSON.parse(older.stdout.trim().split('\n').at(-1) ?? '{}') as { chain?: string }).chain, 'intact');
  });

  it('bad arguments: one line of usage, exit 2, nothing written', async () => {
    for (const args of [['--since', 'yesterday'], ['--format', 'xml'], ['--drop', 'all']]) {
      const run = await auditExport(env, args);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^audit:export: /);
    }
  });
});
