// The one path after the service answered, for every Slack listener (slash command, mention, button press):
// where the answer goes, and what it calls for (follow-ups.ts): an approval request posted where supervisors
// act on it, a decision shown on every copy of the request, a shown secret hidden in time, a "ticket to
// follow" message updated once the ticket exists. The listeners only say how they can answer (`SlackReply`).
// A hide or a "ticket to follow" whose message another replica can reach (later-messages.ts) is kept in the
// store too, and done by whichever replica is there when it is due (auto-hide.ts, ticket-watch.ts).
import { autoHidePress, followUpsOf, ticketPress, type FollowUps } from '../core/follow-ups';
import { dispatchPress, newCorrelationId } from '../core/dispatch';
import type { View } from '../../service/kernel';
import { afterDecision, postRequest } from './approval-delivery';
import { askerTimeZone, deliver, withAsker, type SlackListenerDeps } from './slack-context';
import type { LaterRoute, SlackAddress } from './later-messages';
import { hasSecret, renderView, type SlackMessage } from './slack-renderer';
import type { PendingHide } from '../core/auto-hide';
import type { PendingTicketMessage } from '../core/ticket-watch';

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
  /** What `inPlace` and `privately` post to (slash command, button press), or (a mention) where `privately` posts: any replica can, too. */
  readonly route: { readonly responseUrl: string } | { readonly channel: string; readonly threadTs?: string | undefined };
}

export async function deliverAnswer(deps: SlackListenerDeps, reply: SlackReply, view: View, pressed?: unknown): Promise<void> {
  const next = followUpsOf(view, pressed);
  const { asker } = reply;
  const verb = (pressed as { verb?: unknown } | undefined)?.verb;
  const press = { client: asker.client, installation: asker.installation, verb };
  // A decision also shows on the request's copies on this replica's other surfaces (Teams' cards), each surface updating its own.
  const elsewhere = async () => (next.decision ? deps.approvalDecisions?.decidedOn('slack', next.decision) : undefined);
  // A press on the channel's approval request: that message is updated for everyone (approval-delivery.ts).
  if (reply.shared?.ts && view.kind === 'approval' && !hasSecret(view) && asker.channelId) {
    await afterDecision(deps, { ...press, channel: asker.channelId, messageTs: reply.shared.ts }, view);
    await elsewhere();
    return;
  }
  // Decided on the private `approvals` list: the request's messages are updated too (the list itself below).
  if (!reply.shared && next.decision && asker.channelId) {
    await afterDecision(deps, { ...press, channel: asker.channelId, messageTs: undefined }, next.decision);
  }
  await elsewhere();
  const privateOnly = reply.shared !== undefined && (hasSecret(view) || view.kind === 'error');
  // How the message is updated later: in place, or (a mention) by a new message; never a shared message.
  const later = privateOnly ? undefined : reply.inPlace;
  if (next.ticket && !privateOnly) watchTicket(deps, asker, next.ticket, later ?? reply.privately, routeOf(reply, later !== undefined));
  // A new request goes to the channel, where supervisors can act on it; the asker alone is answered only when it could not.
  if (next.request && (await postRequest(deps, asker.client, asker.channelId, next.request))) return;
  const send = reply.answer === 'in place' && later ? later : reply.privately;
  const message = renderView(view, { ephemeral: reply.shared === undefined || privateOnly, timeZone: await askerTimeZone(deps, asker) });
  await deliver(deps, reply.what, view, () => send(message));
  // A manual Hide replaced the message already: its timer goes.
  if (next.hidden) await deps.autoHide.take(next.hidden);
  // A shown secret is replaced once its time is up, where the message can be replaced. (A secret sent as a new
  // ephemeral message, pressed on a message others can see, cannot be: the replace would hit the shared message.)
  if (next.hide && later) scheduleHide(deps, asker, next.hide, later, routeOf(reply, true));
}

/** How another replica reaches the message `later` (in place) or `privately` would. */
function routeOf(reply: SlackReply, inPlace: boolean): LaterRoute {
  return 'responseUrl' in reply.route ? { responseUrl: reply.route.responseUrl, replace: inPlace } : reply.route;
}

/** An escalation whose ticket is still to come: once the background retry created it, the asker's own `ticket.show` answer follows. */
function watchTicket(deps: SlackListenerDeps, asker: Asker, ref: string, update: (message: SlackMessage) => Promise<unknown>, route: LaterRoute): void {
  deps.ticketWatch?.watch(ref, laterMessage(deps, asker, ticketPress(ref), update), deps.later?.address(ref, asker, route));
}

/** A shown secret: the viewer's own `secret.hide` answer replaces it once its time is up. */
function scheduleHide(deps: SlackListenerDeps, asker: Asker, hide: NonNullable<FollowUps['hide']>, update: (message: SlackMessage) => Promise<unknown>, route: LaterRoute): void {
  deps.autoHide.schedule(hide.ref, hide.afterMs, laterMessage(deps, asker, autoHidePress(hide.ref), update), deps.later?.address(hide.ref, asker, route));
}

/** A hide kept in the store (by this replica or another, before it was gone), done from here. */
export function revivedHide(deps: SlackListenerDeps, ref: string, address: SlackAddress): PendingHide | undefined {
  return revived(deps, ref, address, autoHidePress(ref));
}

/** A "ticket to follow" message kept in the store, answered from here. */
export function revivedTicketMessage(deps: SlackListenerDeps, ref: string, address: SlackAddress): PendingTicketMessage | undefined {
  return revived(deps, ref, address, ticketPress(ref));
}

function revived(deps: SlackListenerDeps, ref: string, address: SlackAddress, pressed: unknown): (PendingHide & PendingTicketMessage) | undefined {
  // Each surface lists only its own stored work, but what the release before stored alike for every surface is looked at by all: only Slack's is ours.
  if (typeof address !== 'object' || address === null || typeof address.userId !== 'string' || typeof address.installation !== 'object') return undefined;
  const send = deps.later?.sender(ref, address);
  return send && deps.later ? laterMessage(deps, deps.later.asker(address), pressed, send) : undefined;
}

/** A message's later update: the asker's own answer to `pressed` (role re-checked then), put in the message. */
function laterMessage(deps: SlackListenerDeps, asker: Asker, pressed: unknown, update: (message: SlackMessage) => Promise<unknown>): PendingHide & PendingTicketMessage {
  return {
    press: () => withAsker(deps, asker, (ctx) => dispatchPress(deps.service, deps.logger, { ...ctx, correlationId: newCorrelationId() }, pressed)),
    replace: async (view) => {
      await update(renderView(view, { ephemeral: true, timeZone: await askerTimeZone(deps, asker) }));
    },
  };
}
