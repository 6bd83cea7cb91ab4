// The helpdesk's own views → Block Kit: the same words as the cards (cards/lockout.json).
import type { LockoutView } from '../../service/kernel';
import { LIMITS, actionsBlocks, capBlocks, context, esc, header, section, slackDate, truncate, type Block } from './block-kit';

interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

export function lockoutMessage(view: LockoutView): SlackMessage {
  const who = `${view.target.displayName} (${view.target.login})`;
  const blocks: Block[] = [header(`Lockout — ${who}`)];
  blocks.push(section(`${view.locked ? ':lock: *Locked now*' : ':unlock: *Not locked now*'}\n${esc(view.summary)}`));
  const p = view.policy;
  blocks.push(context([
    p ? `Policy (${p.source === 'pso' ? 'fine-grained' : 'domain'}): ${p.threshold === 0 ? 'never locks' : `${p.threshold} bad passwords within ${p.windowMinutes} minutes; locked ${p.durationMinutes ? `for ${p.durationMinutes} minutes` : 'until unlocked'}`}` : 'Policy: not readable',
  ]));
  const rows = view.dcs.map((d) => `*${esc(d.dc)}*: ${d.reachable ? `${d.badPwdCount ?? 0} bad · last bad ${slackDate(d.badPasswordTime) ?? '—'} · last logon ${slackDate(d.lastLogon) ?? '—'}` : 'not reachable'}`);
  if (rows.length > 0) blocks.push(section(rows.join('\n')));
  if (view.portalFailures.length > 0) {
    blocks.push(section(`*Failed portal challenges (24 hours)*\n${view.portalFailures.map((f) => `${slackDate(f.at) ?? esc(f.at)} · ${esc([f.ip, f.client].filter(Boolean).join(' · ') || 'address not given')}`).join('\n')}`));
  }
  blocks.push(...actionsBlocks(view.actions));
  return { text: truncate(`Lockout: ${who}`, LIMITS.fallbackText), blocks: capBlocks(blocks) };
}
