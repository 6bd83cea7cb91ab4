// The one path after the service answered, for every Slack listener (slash command, mention, button press):
// where the answer goes, and what it calls for (follow-ups.ts): an approval request posted where supervisors
// act on it, a decision shown on every copy of the request, a shown secret hidden in time, a "ticket to
// follow" message updated once the ticket exists. The listeners only say how they can answer (`SlackReply`).
import { autoHidePress, followUpsOf, ticketPress, type FollowUps } from '../core/follow-ups';
import { dispatchPress, newCorrelationId } from '../core/dispatch';
import type { View } from '../../service/kernel';
import { afterDecision, postRequest } from './approval-delivery';
import { askerTimeZone, deliver, withAsker, type SlackListenerDeps } from './slack-context';
import { hasSecret, renderView, type SlackMessage } from './slack-renderer';

type Asker = Parameters<typeof withAsker>[1];

/** How a listener can answer its asker. */
export interface SlackReply {
  /** Named in the log when Slack refuses a delivery ('slash-command response'). */
  readonly what: string;
  readonly asker: Asker;
  /** The answer itself: a new private message (typed commands) or in place of the pressed message (button presses). */
  readonly answer: 'new' | 'in place';
  /** Sends a new message only the asker sees. */
  readonly privately: (message: SlackMessage) => Promise<unknown>;
  /**
   * Puts a message in place of the one answered (response_url). None for a mention: chat.postEphemeral
   * cannot be updated, so a later answer comes as a new message and a shown secret cannot hide itself.
   */
  readonly inPlace?: (message: SlackMessage) => Promise<unknown>;
  /** Pressed on a message everyone in the channel sees (`ts` when Slack says which): a secret or a refusal goes to the presser alone. */
  readonly shared?: { readonly ts: string | undefined };
}

export async function deliverAnswer(deps: SlackListenerDeps, reply: SlackReply, view: View, pressed?: unknown): Promise<void> {
  const next = followUpsOf(view, pressed);
  const { asker } = reply;
  const verb = (pressed as { verb?: unknown } | undefined)?.verb;
  const press = { client: asker.client, installation: asker.installation, verb };
  // A press on the channel's approval request: that message is updated for everyone (approval-delivery.ts).
  if (reply.shared?.ts && view.kind === 'approval' && !hasSecret(view) && asker.channelId) {
    await afterDecision(deps, { ...press, channel: asker.channelId, messageTs: reply.shared.ts }, view);
    return;
  }
  // Decided on the private `approvals` list: the request's messages are updated too (the list itself below).
  if (!reply.shared && next.decision && asker.channelId) {
    await afterDecision(deps, { ...press, channel: asker.channelId, messageTs: undefined }, next.decision);
  }
  const privateOnly = reply.shared !== undefined && (hasSecret(view) || view.kind === 'error');
  // How the message is updated later: in place, or (a mention) by a new message; never a shared message.
  const later = privateOnly ? undefined : reply.inPlace;
  if (next.ticket && !privateOnly) watchTicket(deps, asker, next.ticket, later ?? reply.privately);
  // A new request goes to the channel, where supervisors can act on it; the asker alone is answered only when it could not.
  if (next.request && (await postRequest(deps, asker.client, asker.channelId, next.request))) return;
  const send = reply.answer === 'in place' && later ? later : reply.privately;
  const message = renderView(view, { ephemeral: reply.shared === undefined || privateOnly, timeZone: await askerTimeZone(deps, asker) });
  await deliver(deps, reply.what, view, () => send(message));
  // A manual Hide replaced the message already: its timer goes.
  if (next.hidden) await deps.autoHide.take(next.hidden);
  // A shown secret is replaced once its time is up, where the message can be replaced. (A secret sent as a new
  // ephemeral message, pressed on a message others can see, cannot be: the replace would hit the shared message.)
  if (next.hide && later) scheduleHide(deps, asker, next.hide, later);
}

/** An escalation whose ticket is still to come: once the background retry created it, the asker's own `ticket.show` answer follows. */
function watchTicket(deps: SlackListenerDeps, asker: Asker, ref: string, update: (message: SlackMessage) => Promise<unknown>): void {
  deps.ticketWatch?.watch(ref, {
    press: () => withAsker(deps, asker, (ctx) => dispatchPress(deps.service, deps.logger, { ...ctx, correlationId: newCorrelationId() }, ticketPress(ref))),
    replace: async (shown) => {
      await update(renderView(shown, { ephemeral: true, timeZone: await askerTimeZone(deps, asker) }));
    },
  });
}

/** A shown secret: the viewer's own `secret.hide` answer replaces it once its time is up. */
function scheduleHide(deps: SlackListenerDeps, asker: Asker, hide: NonNullable<FollowUps['hide']>, update: (message: SlackMessage) => Promise<unknown>): void {
  deps.autoHide.schedule(hide.ref, hide.afterMs, {
    press: () => withAsker(deps, asker, (ctx) => dispatchPress(deps.service, deps.logger, { ...ctx, correlationId: newCorrelationId() }, autoHidePress(hide.ref))),
    replace: async (hidden) => {
      await update(renderView(hidden, { ephemeral: true, timeZone: await askerTimeZone(deps, asker) }));
    },
  });
}
