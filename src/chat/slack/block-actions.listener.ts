// Button presses (block_actions): acknowledged at once, then the press goes to the service, which reloads
// what the button names and re-checks the presser's role. The answer replaces the original message
// through its response_url. A one-time secret, or a refusal, pressed on a message others can see goes to
// the presser alone as a new ephemeral message instead.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { dispatchPress } from '../core/dispatch';
import { ACTION_ID_PREFIX } from './block-kit';
import type { SlackListenerDeps } from './slack-context';
import { busy, deliver, installationOf, withAsker } from './slack-context';
import { hasSecret, renderView } from './slack-renderer';

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
      const view = await withAsker(
        deps,
        { client, userId: body.user.id, installation: installationOf(context), conversation: ephemeral ? 'personal' : 'shared' },
        (ctx) => dispatchPress(deps.service, deps.logger, ctx, buttonData(action.value)),
      );
      const privateOnly = !ephemeral && (hasSecret(view) || view.kind === 'error');
      const message = renderView(view, { ephemeral: ephemeral || privateOnly });
      await deliver(deps, 'button response', view, () =>
        privateOnly
          ? respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks })
          : respond({ replace_original: true, text: message.text, blocks: message.blocks }),
      );
    }, () => busy(deps, 'button response', (text) => respond({ response_type: 'ephemeral', replace_original: false, text })));
  });
}
