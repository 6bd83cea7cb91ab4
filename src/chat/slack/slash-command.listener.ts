// `/helpdesk <command>`: acknowledged at once (empty 200), the work done after the ack, the answer sent
// through the command's response_url as an ephemeral message: user data is for the asker only, so the
// request context is 'personal'.
import type { App } from '@slack/bolt';
import { dispatchText } from '../core/dispatch';
import { deliverAnswer } from './answer-delivery';
import { busy, installationOf, withAsker, type SlackListenerDeps } from './slack-context';
import { SLASH_COMMAND } from './slack-renderer';

export function registerSlashCommand(app: App, deps: SlackListenerDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client, context }) => {
    await ack();
    await deps.afterAck.run(async () => {
      const asker = { client, userId: command.user_id, installation: installationOf(context), conversation: 'personal', channelId: command.channel_id } as const;
      const view = await withAsker(deps, asker, (ctx) => dispatchText(deps.service, deps.logger, ctx, command.text ?? ''));
      await deliverAnswer(deps, {
        what: 'slash-command response',
        asker,
        answer: 'new',
        privately: (message) => respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks }),
        // The response_url also replaces the message it answered (a ticket that followed, a secret hidden in time).
        inPlace: (message) => respond({ replace_original: true, text: message.text, blocks: message.blocks }),
        route: { responseUrl: command.response_url },
      }, view);
    }, () => busy(deps, 'slash-command response', (text) => respond({ response_type: 'ephemeral', replace_original: false, text })));
  });
}
