// Escalation views → the data of cards/escalate-form.json and cards/escalation.json. As everywhere, state
// is a bold word and an icon, never coloured text; a link is shown as text too (some hosts hide buttons).
import type { EscalateFormView, EscalationView } from '../../service/kernel';
import { cardAction } from './card-action';
import { person, truncate } from './format';

export function escalateFormData(view: EscalateFormView) {
  return {
    target: person(view.target),
    hasOpenTicket: view.openTicket !== undefined,
    openTicket: view.openTicket ? view.openTicket.label : '',
    note: view.openTicket
      ? `The user has an open ticket: your reason is added to it as a comment, with the user's summary now.`
      : `A ticket is opened with the reason, the user's summary, their recent self-service events and what the helpdesk did for them today. Never type a password, PIN or code here.`,
    maxReason: view.maxReason,
    actions: view.actions.map(cardAction),
  };
}

const OUTCOMES = {
  created: { outcomeLabel: '✔ Escalated', outcomeStyle: 'good' },
  commented: { outcomeLabel: '✔ Escalated', outcomeStyle: 'good' },
  already: { outcomeLabel: 'ℹ Already escalated', outcomeStyle: 'emphasis' },
  pending: { outcomeLabel: '⏳ Kept', outcomeStyle: 'warning' },
  failed: { outcomeLabel: '✖ Not escalated', outcomeStyle: 'attention' },
} as const;

export function escalationData(view: EscalationView) {
  const url = view.ticket?.url && /^https?:\/\//.test(view.ticket.url) ? view.ticket.url : '';
  return {
    ...OUTCOMES[view.outcome],
    title: view.title,
    message: view.message,
    target: person(view.target),
    hasTicket: view.ticket !== undefined,
    ticket: view.ticket ? truncate(view.ticket.label, 80) : '',
    hasUrl: url !== '',
    url,
    actions: view.actions.map(cardAction),
  };
}
