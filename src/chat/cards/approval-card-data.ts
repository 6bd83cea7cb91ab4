// ApprovalView → the data cards/approval.json is expanded with. The state reads from a bold word and an
// icon (never coloured text); the PIN appears only when the view carries it (the requester's own view).
import { inGroupsOfFour } from '../../domain/password-policy';
import type { ApprovalListView, ApprovalView } from '../../service/kernel';
import { cardAction } from './card-action';
import { formatWhen, truncate } from './format';

const STATUS: Record<ApprovalView['status'], { statusLabel: string; statusStyle: string }> = {
  pending: { statusLabel: '⏳ Pending', statusStyle: 'emphasis' },
  approved: { statusLabel: '✔ Approved', statusStyle: 'good' },
  denied: { statusLabel: '✖ Denied', statusStyle: 'attention' },
  expired: { statusLabel: '⌛ Expired', statusStyle: 'emphasis' },
};

/** `approvals`: each open request in a few lines, with its Approve / Deny buttons. */
export function approvalListData(view: ApprovalListView, now: Date) {
  return {
    heading: view.requests.length ? `Pending approval requests (${view.requests.length}${view.truncated ? '+' : ''})` : 'No pending approval requests',
    truncated: view.truncated,
    requests: view.requests.map((r) => {
      const { statusLabel, requestedBy, typed, note, actions } = approvalData(r, now);
      return { statusLabel, requestedBy, typed, note, actions };
    }),
  };
}

export function approvalData(view: ApprovalView, now: Date) {
  const facts = [
    { label: 'Asked', value: formatWhen(view.createdAt, now) ?? view.createdAt },
    ...(view.status === 'pending' || view.status === 'expired' ? [{ label: view.status === 'expired' ? 'Expired' : 'Expires', value: formatWhen(view.expiresAt, now) ?? view.expiresAt }] : []),
    ...(view.decidedBy ? [{ label: view.status === 'denied' ? 'Denied by' : 'Approved by', value: truncate(view.decidedBy, 120) }] : []),
    ...(view.decidedAt ? [{ label: 'Decided', value: formatWhen(view.decidedAt, now) ?? view.decidedAt }] : []),
  ];
  return {
    ...STATUS[view.status],
    requestedBy: truncate(view.requestedBy, 120),
    secretName: view.secretName,
    typed: truncate(`${view.command} ${view.target} view`, 300),
    note: view.note,
    facts,
    requesterId: view.requesterChatUserId,
    refresh: cardAction(view.refresh),
    hasSecret: view.secret !== undefined,
    secret: view.secret
      ? { label: view.secret.label, value: inGroupsOfFour(view.secret.value), hides: `It hides itself ${formatWhen(view.secret.hidesAt, now) ?? 'soon'}; press Hide when done.` }
      : { label: '', value: '', hides: '' },
    actions: view.actions.map(cardAction),
  };
}
