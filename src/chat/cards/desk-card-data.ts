// The helpdesk's own views → the data their templates (cards/lockout.json) expand with.
import type { LockoutView } from '../../service/kernel';
import { cardAction } from './card-action';
import { formatWhen } from './format';

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
