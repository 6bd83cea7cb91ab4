// Desk views (`locked`, `expiring`, `history`) → Block Kit: a header, the subtitle, one section per row
// with its buttons, and "More". Plain translation; within Slack's limits by summarising.
import type { DeskFact, DeskListView } from '../../service/kernel';
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
