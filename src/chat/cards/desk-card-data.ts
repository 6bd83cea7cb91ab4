// Desk views (`locked`, `expiring`, `history`) → the data cards/desk-list.json is expanded with.
// Presentation only: times in the viewer's zone (with UTC beside), every value in a TextRun or a fact.
import type { DeskFact, DeskListView } from '../../service/kernel';
import { cardAction } from './card-action';
import { formatWhen, truncate } from './format';

const STYLE = { default: 'default', warning: 'warning', attention: 'attention' } as const;

function factValue(f: DeskFact, now: Date): string {
  return f.at !== undefined ? (formatWhen(f.at, now) ?? f.at) : truncate(f.text ?? '', 256);
}

export function deskListData(view: DeskListView, now: Date) {
  return {
    title: truncate(view.title, 200),
    subtitle: view.subtitle,
    emptyText: view.emptyText,
    rows: view.rows.map((r) => ({
      heading: truncate(r.heading, 200),
      style: STYLE[r.tone],
      facts: r.facts.map((f) => ({ label: f.label, value: factValue(f, now) })),
      actions: r.actions.map(cardAction),
    })),
    actions: view.actions.map(cardAction),
  };
}
