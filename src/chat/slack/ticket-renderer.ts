// Escalation views → Block Kit: the reason form (an input block whose value block_actions sends back in
// `state.values`) and the escalation's answer with its ticket link.
import type { types } from '@slack/bolt';
import type { EscalateFormView, EscalationView } from '../../service/kernel';
import { LIMITS, actionsBlocks, context, esc, section, truncate, type Block } from './block-kit';

interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

export const REASON_BLOCK_ID = 'escalate-reason';
export const REASON_ACTION_ID = 'reason';

const who = (t: { readonly login: string; readonly displayName: string }) =>
  t.displayName && t.displayName !== t.login ? `${t.displayName} (${t.login})` : t.login;

export function escalateFormMessage(view: EscalateFormView): SlackMessage {
  const input: types.InputBlock = {
    type: 'input',
    block_id: REASON_BLOCK_ID,
    label: { type: 'plain_text', text: 'Reason' },
    element: { type: 'plain_text_input', action_id: REASON_ACTION_ID, multiline: true, max_length: view.maxReason },
  };
  return {
    text: truncate(`Escalate ${who(view.target)}`, LIMITS.fallbackText),
    blocks: [
      section(`*Escalate to a ticket* — ${esc(who(view.target))}${view.openTicket ? `\nOpen ticket: *${esc(view.openTicket.label)}* (your reason is added to it)` : ''}`),
      input,
      context(['Never type a password, PIN or code here.']),
      ...actionsBlocks(view.actions, { targetName: view.target.displayName }, 1),
    ],
  };
}

const MARK: Record<EscalationView['outcome'], string> = {
  created: ':white_check_mark:',
  commented: ':white_check_mark:',
  already: ':information_source:',
  pending: ':hourglass:',
  failed: ':x:',
};

export function escalationMessage(view: EscalationView): SlackMessage {
  const url = view.ticket?.url && /^https?:\/\//.test(view.ticket.url) ? view.ticket.url : undefined;
  const link = view.ticket ? (url ? `<${url}|${esc(view.ticket.label)}>` : `*${esc(view.ticket.label)}*`) : undefined;
  return {
    text: truncate(`${view.title}${url ? `: ${url}` : ''}`, LIMITS.fallbackText),
    blocks: [
      section(`${MARK[view.outcome]} *${esc(view.title)}*\n${esc(view.message)}`),
      context([`${esc(view.target.displayName)} \`${esc(view.target.login)}\``, ...(link ? [`Ticket: ${link}`] : [])]),
      ...actionsBlocks(view.actions, { targetName: view.target.displayName }, 1),
    ],
  };
}

/** The reason typed into the form, from a block_actions payload's state (undefined when absent). */
export function typedReason(state: unknown): string | undefined {
  const values = (state as { values?: Record<string, Record<string, { value?: unknown }>> } | undefined)?.values;
  const v = values?.[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value;
  return typeof v === 'string' ? v : undefined;
}
