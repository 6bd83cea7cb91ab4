// Desk views (`locked`, `expiring`, `history`) → the data cards/desk-list.json is expanded with.
// Presentation only: times in the viewer's zone (with UTC beside), every value in a TextRun or a fact. And
// `lockout <user>` → the data of cards/lockout.json.
import type { DeskFact, DeskListView, LockoutView } from '../../service/kernel';
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

export function lockoutData(view: LockoutView, now: Date) {
  const when = (iso: string | undefined) => (iso ? formatWhen(iso, now) ?? iso : '—');
  const p = view.policy;
  return {
    title: `Lockout — ${view.target.displayName} (${view.target.login})`,
    state: view.locked ? 'Locked now' : 'Not locked now',
    stateColor: view.locked ? 'Attention' : 'Good',
    summary: view.summary,
    policy: p
      ? `Policy (${p.source === 'pso' ? 'fine-grained' : 'domain'}): ${p.threshold === 0 ? 'never locks' : `${p.threshold} bad passwords within ${p.windowMinutes} minutes`}` +
        (p.threshold === 0 ? '' : `; locked ${p.durationMinutes === undefined || p.durationMinutes === 0 ? 'until unlocked' : `for ${p.durationMinutes} minutes`}`)
      : 'Policy: not readable',
    origin: view.origin ? `Lockout written ${when(view.origin.at)}${view.origin.dc ? ` on ${view.origin.dc}` : ''} (from ${view.origin.from})` : '',
    dcs: view.dcs.map((d) => ({
      dc: d.dc,
      counts: d.reachable ? `${d.badPwdCount ?? 0} bad` : 'not reachable',
      last: d.reachable ? `last bad ${when(d.badPasswordTime)} · last logon ${when(d.lastLogon)}` : '',
    })),
    portal: view.portalFailures.map((f) => ({ when: when(f.at), from: [f.ip, f.client].filter(Boolean).join(' · ') || 'address not given' })),
    actions: view.actions.map(cardAction),
  };
}
