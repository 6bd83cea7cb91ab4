// Button presses (block_actions): acknowledged at once, then the press goes to the service, which reloads
// what the button names and re-checks the presser's role. The answer replaces the original message
// through its response_url. A one-time secret, or a refusal, pressed on a message others can see goes to
// the presser alone as a new ephemeral message instead.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { VERBS } from '../../domain/verbs';
import { dispatchPress, newCorrelationId } from '../core/dispatch';
import { ACTION_ID_PREFIX } from './block-kit';
import { afterDecision } from './approval-delivery';
import { askerTimeZone, busy, deliver, installationOf, watchTicket, withAsker, type SlackListenerDeps } from './slack-context';
import { hasSecret, renderView } from './slack-renderer';
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
      // A decision on the channel's approval request: that message is updated for everyone (approval-delivery.ts).
      const messageTs = body.container?.message_ts ?? body.message?.ts;
      const verb = (pressed as { verb?: unknown } | undefined)?.verb;
      if (!ephemeral && view.kind === 'approval' && !hasSecret(view) && body.channel?.id && typeof messageTs === 'string') {
        await afterDecision(deps, { client, installation: installationOf(context), channel: body.channel.id, messageTs, verb }, view);
        return;
      }
      // Decided on the private `approvals` list: the request's messages are updated too (the list itself below).
      if (ephemeral && view.kind === 'approval' && (verb === VERBS.approvalApprove || verb === VERBS.approvalDeny) && body.channel?.id) {
        await afterDecision(deps, { client, installation: installationOf(context), channel: body.channel.id, messageTs: undefined, verb }, view);
      }
      const privateOnly = !ephemeral && (hasSecret(view) || view.kind === 'error');
      if (!privateOnly) watchTicket(deps, view, asker, respond);
      const message = renderView(view, { ephemeral: ephemeral || privateOnly, timeZone: await askerTimeZone(deps, asker) });
      await deliver(deps, 'button response', view, () =>
        privateOnly
          ? respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks })
          : respond({ replace_original: true, text: message.text, blocks: message.blocks }),
      );
      // A manual Hide replaced the message already: its timer goes.
      const data = pressed as { verb?: unknown; ref?: unknown } | undefined;
      if (data?.verb === VERBS.secretHide && typeof data.ref === 'string' && view.kind === 'result') deps.autoHide.take(data.ref);
      // A shown secret is replaced, through the same response_url, once its time is up. (A secret sent as a
      // new ephemeral message, pressed on a message others see, cannot be: replace_original would hit the
      // shared message. Every answer of this app is ephemeral, so that does not happen.)
      if (view.kind === 'result' && view.secret && !privateOnly) {
        const ref = view.secret.ref;
        deps.autoHide.schedule(ref, view.secret.hideAfterMs, {
          press: () => withAsker(deps, asker, (ctx) =>
            dispatchPress(deps.service, deps.logger, { ...ctx, correlationId: newCorrelationId() }, { verb: VERBS.secretHide, ref, auto: 'yes' })),
          replace: async (hidden) => {
            const replacement = renderView(hidden, { ephemeral: true, timeZone: await askerTimeZone(deps, asker) });
            await respond({ replace_original: true, text: replacement.text, blocks: replacement.blocks });
          },
        });
      }
    }, () => busy(deps, 'button response', (text) => respond({ response_type: 'ephemeral', replace_original: false, text })));
  });
}
