// Button presses (block_actions): acknowledged at once, then the press goes to the service, which reloads
// what the button names and re-checks the presser's role. The answer replaces the original message
// through its response_url. A one-time secret, or a refusal, pressed on a message others can see goes to
// the presser alone as a new ephemeral message instead.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { dispatchPress } from '../core/dispatch';
import { ACTION_ID_PREFIX } from './block-kit';
import { deliverAnswer } from './answer-delivery';
import { busy, installationOf, withAsker, type SlackListenerDeps } from './slack-context';
import { typedReason } from './ticket-renderer';
import { typedCode } from './verify-renderer';

const ACTION_ID = new RegExp(`^${ACTION_ID_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

/** The button's value: `{verb, ...ids}` JSON as block-kit.ts drew it; anything else is not ours. */
export function buttonData(value: string | undefined): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export function registerBlockActions(app: App, deps: SlackListenerDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACTION_ID }, async ({ ack, action, body, respond, client, context }) => {
    await ack();
    if (action.type !== 'button') return;
    const ephemeral = body.container?.is_ephemeral === true;
    await deps.afterAck.run(async () => {
      // A form's typed input (the escalation reason, the caller's code) travels in the payload's state, not in the button.
      const reason = typedReason(body.state);
      const value = buttonData(action.value);
      const code = typedCode(body.state);
      const typed = { ...(reason !== undefined ? { reason } : {}), ...(code !== undefined ? { code } : {}) };
      const pressed = Object.keys(typed).length > 0 && typeof value === 'object' && value !== null ? { ...value, ...typed } : value;
      const asker = { client, userId: body.user.id, installation: installationOf(context), conversation: ephemeral ? 'personal' : 'shared', channelId: body.channel?.id } as const;
      const view = await withAsker(deps, asker, (ctx) => dispatchPress(deps.service, deps.logger, ctx, pressed));
      const messageTs = body.container?.message_ts ?? body.message?.ts;
      await deliverAnswer(deps, {
        what: 'button response',
        asker,
        answer: 'in place',
        privately: (message) => respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks }),
        inPlace: (message) => respond({ replace_original: true, text: message.text, blocks: message.blocks }),
        route: { responseUrl: body.response_url },
        ...(ephemeral ? {} : { shared: { ts: typeof messageTs === 'string' ? messageTs : undefined } }),
      }, view, pressed);
    }, () => busy(deps, 'button response', (text) => respond({ response_type: 'ephemeral', replace_original: false, text })));
  });
}
