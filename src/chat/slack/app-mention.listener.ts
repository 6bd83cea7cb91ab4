// `@MyPass Helpdesk <command>` in a channel: Bolt acknowledges Events API requests at once; the answer
// is posted with chat.postEphemeral in the same channel (and thread), visible only to the asker, since
// user data is for the asker only — so the request context is 'personal'.
import type { App } from '@slack/bolt';
import { dispatchText } from '../core/dispatch';
import { deliverAnswer } from './answer-delivery';
import { busy, installationOf, withAsker, type SlackListenerDeps } from './slack-context';

/**
 * Slack retries an event it thinks we missed (within minutes), and the retry may reach another replica:
 * the same event_id is handled once, claimed in the store for this long.
 */
const SEEN_FOR_MS = 60 * 60_000;

/**
 * The command typed after the mention: the app's own mention removed, Slack's link markup unwrapped
 * (`<mailto:a@b|a@b>` → `a@b`), and its three entities decoded.
 */
export function mentionText(text: string, botUserId: string | undefined): string {
  const own = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g') : /^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>/;
  return text
    .replace(own, ' ')
    .replace(/<(?:mailto:|tel:)?([^<>|]*)\|([^<>]*)>/g, '$2')
    .replace(/<(?:mailto:|tel:)?([^<>@!#][^<>]*)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export function registerAppMention(app: App, deps: SlackListenerDeps): void {
  // A store that cannot be written answers the event as a first one: its actions are refused anyway, since
  // their audit record cannot be written, and the asker is told so rather than left without an answer.
  const firstTime = (eventId: string | undefined): Promise<boolean> =>
    eventId ? deps.service.firstDelivery(`slack:${eventId}`, SEEN_FOR_MS).catch(() => true) : Promise.resolve(true);

  app.event('app_mention', async ({ event, body, client, context }) => {
    if (event.bot_id || !event.user) return; // other bots (and ourselves) are not helpdesk agents
    if (!(await firstTime(typeof body.event_id === 'string' ? body.event_id : undefined))) return;
    const user = event.user;
    const text = mentionText(event.text, context.botUserId);
    // Bolt acknowledged the Events API request before calling this listener.
    await deps.afterAck.run(async () => {
      const asker = { client, userId: user, installation: installationOf(context), conversation: 'personal', channelId: event.channel } as const;
      const view = await withAsker(deps, asker, (ctx) => dispatchText(deps.service, deps.logger, ctx, text));
      // An ephemeral message cannot be updated: what follows (a ticket that now exists) comes as a new one.
      await deliverAnswer(deps, {
        what: 'app-mention response',
        asker,
        answer: 'new',
        privately: (message) => client.chat.postEphemeral({
          channel: event.channel,
          user,
          text: message.text,
          blocks: message.blocks,
          ...(event.thread_ts ? { thread_ts: event.thread_ts } : {}),
        }),
        route: { channel: event.channel, threadTs: event.thread_ts },
      }, view);
    }, () =>
      busy(deps, 'app-mention response', (busyText) =>
        client.chat.postEphemeral({ channel: event.channel, user, text: busyText, ...(event.thread_ts ? { thread_ts: event.thread_ts } : {}) }),
      ),
    );
  });
}
