// The hook for the Slack helper's bench (bench/slack-ack.ts): Slack ack latency against the same Samba
// AD test DC, reported with the other budgets by bench/run.ts.
import { BENCH_USERS, MAIL_DOMAIN, sambaInfo, USERS } from '../test/helpers/samba';
import { SAMBA_SETTINGS } from '../test/helpers/bot-harness';
import type { BenchContext, BenchReport } from './bench-types';
import { ms } from './stats';
import { runSlackAckBench, type SlackAckMeasure } from './slack-ack';

export async function run(ctx: BenchContext): Promise<BenchReport> {
  const info = sambaInfo();
  const concurrency = Number(ctx.env.BENCH_AGENTS) || 50;
  const result = await runSlackAckBench({
    concurrency,
    directory: {
      kind: 'ldap',
      options: { url: info.url, bindDN: info.bindDN, bindPassword: info.bindPassword, baseDN: info.baseDN, caFile: info.caFile },
      settings: SAMBA_SETTINGS,
    },
    agentEmail: `${USERS.agent}@${MAIL_DOMAIN}`,
    query: BENCH_USERS[0] as string,
  });
  const row = (name: string, m: SlackAckMeasure) =>
    `${name.padEnd(10)} ack p50 ${ms(m.ackP50Ms)}  p99 ${ms(m.ackP99Ms)}  max ${ms(m.ackMaxMs)} (in the bot, accepted → acked: p99 ${ms(m.serverAckP99Ms)}; in the sender, connecting: p99 ${ms(m.connectP99Ms)}) | answer p50 ${ms(m.answerP50Ms)}  p99 ${ms(m.answerP99Ms)} | ${m.commandsPerSecond.toFixed(0)}/s, ${m.commands} commands, ${m.failures} failures`;
  return {
    name: 'slack: ack',
    lines: [`signed /helpdesk user …, ${result.concurrency} senders, ${result.directory} directory`, row('burst', result.burst), row('sustained', result.sustained)],
    budgets: [
      { name: 'Slack ack p99 (bursts of simultaneous commands)', measured: ms(result.burst.ackP99Ms), budget: '< 100 ms', ok: result.burst.ackP99Ms < 100 },
      { name: 'Slack failures', measured: String(result.burst.failures + result.sustained.failures), budget: '0', ok: result.burst.failures + result.sustained.failures === 0 },
    ],
  };
}
