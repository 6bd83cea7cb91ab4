// `/helpdesk <command>`: acknowledged at once (empty 200), the work done after the ack, the answer sent
// through the command's response_url as an ephemeral message: user data is for the asker only, so the
// request context is 'personal'.
import type { App } from '@slack/bolt';
import { dispatchText } from '../core/dispatch';
import { isOpenRequest } from '../core/approval-requests';
import { postRequest } from './approval-delivery';
import { askerTimeZone, busy, deliver, installationOf, watchTicket, withAsker, type SlackListenerDeps } from './slack-context';
import { SLASH_COMMAND, renderView } from './slack-renderer';

export function registerSlashCommand(app: App, deps: SlackListenerDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client, context }) => {
    await ack();
    await deps.afterAck.run(async () => {
      const view = await withAsker(
        deps,
        { client, userId: command.user_id, installation: installationOf(context), conversation: 'personal', channelId: command.channel_id },
        (ctx) => dispatchText(deps.service, deps.logger, ctx, command.text ?? ''),
      );
      watchTicket(deps, view, { client, userId: command.user_id, installation: installationOf(context), conversation: 'personal' }, respond);
      // An approval request goes to the channel, where supervisors can act on it (approval-delivery.ts).
      if (isOpenRequest(view) && (await postRequest(deps, client, command.channel_id, view))) return;
      const asker = { client, userId: command.user_id, installation: installationOf(context), conversation: 'personal' } as const;
      const message = renderView(view, { ephemeral: true, timeZone: await askerTimeZone(deps, asker) });
      await deliver(deps, 'slash-command response', view, () =>
        respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks }),
      );
    }, () => busy(deps, 'slash-command response', (text) => respond({ response_type: 'ephemeral', replace_original: false, text })));
  });
}
