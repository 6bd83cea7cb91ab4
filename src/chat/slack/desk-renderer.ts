// Desk views (`locked`, `expiring`, `history`) → Block Kit: a header, the subtitle, one section per row
// with its buttons, and "More"; `lockout <user>` and the supervisors' alerts in the same words as their
// cards (cards/lockout.json, cards/alert.json). Plain translation; within Slack's limits by summarising.
import type { AlertView, DeskFact, DeskListView, LockoutView } from '../../service/kernel';
import { alertUsersLine } from '../cards/alert-card-data';
import { LIMITS, actionsBlocks, capBlocks, context, esc, header, section, slackDate, truncate, type Block } from './block-kit';

interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

const TONE = { default: '', warning: ':warning: ', attention: ':red_circle: ' } as const;

function factText(f: DeskFact): string {
  const value = f.at !== undefined ? (slackDate(f.at) ?? esc(f.at)) : esc(truncate(f.text ?? '', 300));
  return `*${esc(f.label)}:* ${value}`;
}

export function deskListMessage(view: DeskListView): SlackMessage {
  const blocks: Block[] = [header(view.title), context([esc(view.subtitle)])];
  if (view.rows.length === 0) blocks.push(section(`_${esc(view.emptyText)}_`));
  view.rows.forEach((row, i) => {
    blocks.push(section(truncate(`${TONE[row.tone]}*${esc(row.heading)}*\n${row.facts.map(factText).join(' · ')}`, LIMITS.sectionText)));
    blocks.push(...actionsBlocks(row.actions, { targetName: row.heading }, 1, i * 10));
  });
  const more = actionsBlocks(view.actions, {}, 1, 1000);
  return {
    text: truncate(`${view.title} (${view.rows.length} shown)`, LIMITS.fallbackText),
    blocks: capBlocks([...blocks, ...more], more.length),
  };
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

export function alertMessage(view: AlertView): SlackMessage {
  const blocks: Block[] = [header(`:rotating_light: ${view.title}`), context([slackDate(view.at) ?? esc(view.at)]), section(esc(truncate(view.text, 2000)))];
  if (view.users.length > 0) blocks.push(section(truncate(`*Users:* ${esc(alertUsersLine(view))}`, LIMITS.sectionText)));
  const logins = [...new Set(view.actions.map((a) => a.data.user ?? ''))];
  logins.forEach((login, i) => {
    blocks.push(section(`*${esc(login)}*`));
    blocks.push(...actionsBlocks(view.actions.filter((a) => (a.data.user ?? '') === login), { targetName: login }, 1, i * 10));
  });
  return { text: truncate(`${view.title}: ${view.text}`, LIMITS.fallbackText), blocks: capBlocks(blocks) };
}
