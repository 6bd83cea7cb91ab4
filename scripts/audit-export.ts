// `npm run audit:export -- --since 7d --format csv|jsonl [--out FILE]`: the helpdesk's audit trail since then,
// oldest first, for the auditors and the SIEM, from the store the bot is configured with (any store: sqlite:…
// or mongodb://…, opened read-only as by `audit:verify`). The chain is checked over the exported range — each
// record's MAC, the seqs without a gap, each record linked to the one before, the first to the record before
// the range, the last to the head when it is the head — and the file's last line says so:
//   csv:   # audit chain intact over seq 12-40 (29 records) …      (a comment line)
//   jsonl: {"chain":"intact","from":12,"to":40,…}
// Without --out the export goes to standard output (use `npm run --silent`); --out never overwrites a file.
// CSV cells that a spreadsheet would run as a formula (= + - @ first) are prefixed with ' (the JSONL keeps
// the records as stored, to check against the chain).
//
// Exit status: 0 exported and intact, 1 exported but the chain is broken in the range, 2 nothing exported.
import fs from 'node:fs';
import { chainHash, GENESIS_HASH } from '../src/domain/audit-chain';
import type { AuditEntry } from '../src/domain/audit-entry';
import type { HelpdeskAuditTrail } from '../src/ports/audit-trail.port';
import { openConfiguredAuditTrail } from './audit-store';

const PAGE = 1000;
const COLUMNS = ['seq', 'at', 'surface', 'actor', 'role', 'action', 'target', 'outcome', 'code', 'detail', 'correlationId', 'prevHash', 'hash'] as const;
const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

function fail(message: string): never {
  console.error(`audit:export: ${message}`);
  process.exit(2);
}

interface Options { readonly since: Date; readonly format: 'csv' | 'jsonl'; readonly out?: string }

function options(argv: readonly string[], now: Date): Options {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i] ?? '';
    const value = argv[i + 1];
    if (!['--since', '--format', '--out'].includes(name) || value === undefined) {
      fail(`usage: npm run audit:export -- --since 7d|12h|2026-01-15 --format csv|jsonl [--out FILE] (not understood: ${name.slice(0, 40)})`);
    }
    args.set(name, value);
  }
  const since = args.get('--since') ?? '7d';
  const relative = /^(\d{1,4})([mhd])$/.exec(since);
  const at = relative ? new Date(now.getTime() - Number(relative[1]) * (UNITS[relative[2] ?? 'd'] ?? 0)) : new Date(since);
  if (!/^\d{4}-\d{2}-\d{2}/.test(since) && !relative) fail('--since takes a duration (30m, 12h, 7d) or a date (2026-01-15)');
  if (Number.isNaN(at.getTime())) fail('--since is not a date');
  const format = args.get('--format') ?? 'jsonl';
  if (format !== 'csv' && format !== 'jsonl') fail('--format takes csv or jsonl');
  const out = args.get('--out');
  return { since: at, format, ...(out ? { out } : {}) };
}

/** The records at or after `since`, oldest first: newest-first pages, each older than the last. */
async function recordsSince(audit: HelpdeskAuditTrail, since: Date): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  let before: number | undefined;
  for (;;) {
    const page = (await audit.list({ since, limit: PAGE, ...(before !== undefined ? { beforeSeq: before } : {}) }))
      .filter((e) => e.at.getTime() >= since.getTime() && (before === undefined || e.seq < before));
    found.push(...page);
    const last = page[page.length - 1];
    if (page.length < PAGE || !last) break;
    before = last.seq;
  }
  return found.reverse();
}

type RangeCheck = { readonly ok: true } | { readonly ok: false; readonly seq: number; readonly reason: string };

/** The chain over `records` (oldest first): each MAC, no gap, each linked to the one before and to the head. */
async function checkRange(audit: HelpdeskAuditTrail, auditKey: Buffer, records: readonly AuditEntry[]): Promise<RangeCheck> {
  const first = records[0];
  if (!first) return { ok: true };
  const before = first.seq === 1 ? undefined : (await audit.list({ beforeSeq: first.seq, limit: 1 }))[0];
  if (first.seq > 1 && before?.seq !== first.seq - 1) return { ok: false, seq: first.seq, reason: `the record before it (seq ${first.seq - 1}) is missing` };
  let prevHash = before?.hash ?? GENESIS_HASH;
  let seq = first.seq;
  for (const e of records) {
    if (e.seq !== seq) return { ok: false, seq, reason: `seq ${seq} is missing (found ${e.seq})` };
    if (e.prevHash !== prevHash) return { ok: false, seq, reason: 'it does not link to the record before it' };
    if (chainHash(auditKey, e.prevHash, e.seq, e) !== e.hash) return { ok: false, seq, reason: 'its content does not match its hash' };
    prevHash = e.hash;
    seq++;
  }
  const head = await audit.head();
  const last = records[records.length - 1] as AuditEntry;
  if (head && head.seq === last.seq && head.hash !== last.hash) return { ok: false, seq: last.seq, reason: 'it is not the head the store names' };
  if (head && head.seq < last.seq) return { ok: false, seq: head.seq + 1, reason: `the head names seq ${head.seq}, before the last record` };
  return { ok: true };
}

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function fields(e: AuditEntry): Record<(typeof COLUMNS)[number], string | number | undefined> {
  return {
    seq: e.seq, at: e.at.toISOString(), surface: e.surface, actor: e.actor, role: e.role, action: e.action, target: e.target,
    outcome: e.outcome, code: e.code, detail: e.detail, correlationId: e.correlationId, prevHash: e.prevHash, hash: e.hash,
  };
}

function chainLine(format: Options['format'], records: readonly AuditEntry[], check: RangeCheck, since: Date): string {
  const first = records[0];
  const last = records[records.length - 1];
  const range = first && last ? { from: first.seq, to: last.seq, count: records.length, lastHash: last.hash } : { count: 0 };
  if (format === 'jsonl') {
    return JSON.stringify(check.ok
      ? { chain: 'intact', since: since.toISOString(), ...range }
      : { chain: 'broken', since: since.toISOString(), ...range, brokenAt: check.seq, reason: check.reason });
  }
  const over = first && last ? `over seq ${first.seq}-${last.seq} (${records.length} records) since ${since.toISOString()}` : `(no records since ${since.toISOString()})`;
  return check.ok
    ? `# audit chain intact ${over}${last ? `; last hash ${last.hash}` : ''}`
    : `# audit chain BROKEN ${over}: at seq ${check.seq}, ${check.reason}`;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2), new Date());
  const trail = await openConfiguredAuditTrail(fail);
  let text: string;
  let check: RangeCheck;
  try {
    const records = await recordsSince(trail.audit, opts.since);
    check = await checkRange(trail.audit, trail.auditKey, records);
    const lines = opts.format === 'jsonl'
      ? records.map((e) => JSON.stringify(fields(e)))
      : [COLUMNS.join(','), ...records.map((e) => { const f = fields(e); return COLUMNS.map((c) => csvCell(f[c])).join(','); })];
    text = [...lines, chainLine(opts.format, records, check, opts.since)].join('\n') + '\n';
  } finally {
    await trail.close();
  }
  if (opts.out) {
    try {
      fs.writeFileSync(opts.out, text, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      fail(`cannot write ${opts.out}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    process.stdout.write(text);
  }
  if (!check.ok) {
    console.error(`audit:export: the audit chain is BROKEN at seq ${check.seq}: ${check.reason}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
