// The caller verification form → Block Kit: an input block for the code the caller reads back, whose
// value block_actions sends back in `state.values` (never drawn into any message).
import type { types } from '@slack/bolt';
import type { VerifyFormView } from '../../service/kernel';
import { LIMITS, actionsBlocks, context, esc, section, truncate, type Block } from './block-kit';

export const CODE_BLOCK_ID = 'verify-code';
export const CODE_ACTION_ID = 'code';

const MARK = { ask: ':telephone_receiver:', sent: ':telephone_receiver:', wrong: ':x:', over: ':no_entry:' } as const;

export function verifyFormMessage(view: VerifyFormView): { text: string; blocks: Block[] } {
  const name = view.target.displayName && view.target.displayName !== view.target.login ? `${view.target.displayName} (${view.target.login})` : view.target.login;
  const input: types.InputBlock = {
    type: 'input',
    block_id: CODE_BLOCK_ID,
    label: { type: 'plain_text', text: 'Code the caller reads to you' },
    element: { type: 'plain_text_input', action_id: CODE_ACTION_ID, max_length: 12 },
  };
  return {
    text: truncate(`Verify the caller: ${name}`, LIMITS.fallbackText),
    blocks: [
      section(`${MARK[view.state]} *Verify the caller* — ${esc(name)}\n${esc(view.note)}`),
      ...(view.state === 'sent' || view.state === 'wrong' ? [input] : []),
      context([`${view.state === 'ask' ? 'Goes to' : 'Sent to'} ${esc(view.sentTo)}`]),
      ...actionsBlocks(view.actions, { targetName: view.target.displayName }, 1),
    ],
  };
}

/** The code typed into the form, from a block_actions payload's state (undefined when absent). */
export function typedCode(state: unknown): string | undefined {
  const values = (state as { values?: Record<string, Record<string, { value?: unknown }>> } | undefined)?.values;
  const v = values?.[CODE_BLOCK_ID]?.[CODE_ACTION_ID]?.value;
  return typeof v === 'string' ? v : undefined;
}
