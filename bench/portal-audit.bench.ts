// `audit <user>` with 1,000,000 portal events in the SQLite store (generated here): p50/p99 end to end
// over the Bot Framework protocol (activity POSTed to /api/messages, card replied to the loopback
// connector), sequentially, against DESIGN.md's 20 ms budget; and the store file's size. The target user
// holds 100,000 of the events (a year of heavy use), the rest are spread over 2,000 other users.
// BENCH_AUDIT_EVENTS overrides the total.
import { statSync } from 'node:fs';
import type { PortalEventInput } from '../src/domain/portal';
import { startBotHarness } from '../test/helpers/bot-harness';
import { teamsMember } from '../test/helpers/loopback-connector';
import { postActivity, teamsMessage } from '../test/helpers/teams-activities';
import type { BenchContext, BenchReport } from './bench-types';
import { ms, summarise } from './stats';

const TARGET = 'john.doe';
const YEAR_MS = 365 * 24 * 3_600_000;
const TYPES = ['sign-in', 'sign-in', 'sign-in', 'challenge', 'challenge', 'password-reset', 'account-unlock', 'enrollment-change'];

function* events(total: number, now: number): Generator<PortalEventInput> {
  const targetShare = Math.min(100_000, Math.floor(total / 10));
  for (let i = 0; i < total; i++) {
    const mine = i < targetShare;
    const user = mine ? TARGET : `bench.portal${String(i % 2000).padStart(4, '0')}`;
    const type = TYPES[i % TYPES.length] as string;
    yield {
      user,
      type,
      outcome: i % 13 === 0 ? 'failure' : 'success',
      at: new Date(now - ((i * 7919) % YEAR_MS) - 120_000),
      ip: `198.51.${(i >> 8) % 256}.${i % 256}`,
      userAgent: `Mozilla/5.0 bench client ${i % 50}`,
      ...(type === 'challenge' ? { detail: 'questions' } : {}),
      category: 'self-service',
      unknownUser: false,
    };
  }
}

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const total = Number(ctx.env.BENCH_AUDIT_EVENTS) || 1_000_000;
  const h = await startBotHarness({ directory: 'demo' });
  try {
    const agent = h.connector.addMember(teamsMember('demo.agent', 'Dana Agent'));
    const t0 = performance.now();
    let batch: PortalEventInput[] = [];
    for (const e of events(total, Date.now())) {
      batch.push(e);
      if (batch.length === 10_000) {
        await h.store.portalEvents.append(batch);
        batch = [];
      }
    }
    if (batch.length) await h.store.portalEvents.append(batch);
    const generatedS = (performance.now() - t0) / 1000;

    const ask = async (text: string): Promise<number> => {
      const start = performance.now();
      const res = await postActivity(h.url, teamsMessage({ serviceUrl: h.connector.url, user: agent, text }));
      if (res.status !== 200) throw new Error(`answered ${res.status}`);
      return performance.now() - start;
    };
    for (let i = 0; i < 30; i++) await ask(`audit ${TARGET}`); // warm-up
    const variants = [`audit ${TARGET}`, `audit ${TARGET} days=30`, `audit ${TARGET} type=password-reset`];
    const samples: number[] = [];
    const perVariant = new Map<string, number[]>();
    for (let i = 0; i < 600; i++) {
      const text = variants[i % variants.length] as string;
      const t = await ask(text);
      samples.push(t);
      perVariant.set(text, [...(perVariant.get(text) ?? []), t]);
    }
    const s = summarise(samples);
    const size = fileSize(h.dbPath);
    return {
      name: 'portal: audit <user>',
      lines: [
        `${total.toLocaleString('en')} events generated in ${generatedS.toFixed(1)} s (${TARGET}: ${Math.min(100_000, Math.floor(total / 10)).toLocaleString('en')})`,
        `store file ${(size / 1024 / 1024).toFixed(0)} MB (with its WAL)`,
        `audit over the Bot Framework protocol, sequential, ${s.count} commands: p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`,
        ...[...perVariant].map(([text, xs]) => {
          const v = summarise(xs);
          return `  ${text.padEnd(38)} p50 ${ms(v.p50)}  p99 ${ms(v.p99)}`;
        }),
      ],
      budgets: [{ name: 'audit <user> p99 with 1,000,000 events', measured: ms(s.p99), budget: '< 20 ms', ok: s.p99 < 20 && total >= 1_000_000 }],
    };
  } finally {
    await h.close();
  }
}

function fileSize(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      total += statSync(f).size;
    } catch {
      // no WAL
    }
  }
  return total;
}
