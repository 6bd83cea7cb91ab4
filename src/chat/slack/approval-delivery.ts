// Approvals in Slack. An agent's `pin <user> view` request is posted to the channel as an ordinary
// message (it holds only what the agent typed, who asked and the state), so that the supervisors there
// can press Approve / Deny; the service re-checks the presser's role. A decision updates that message for
// everyone (chat.update). On approval the requester's own view — approval.show run as the requester, as
// Teams' refresh does — goes to them alone (chat.postEphemeral): the PIN, once, with Hide. With
// APPROVALS_SLACK_CHANNEL the request is also posted to the supervisors' channel; every copy posted is
// remembered (in the store's pending work when given, else in memory: approval-messages.ts) so that a
// decision on one — or on the `approvals` list — through any replica updates them all. A decision taken in
// Teams reaches them too (decidedElsewhere, through ApprovalDecisions), and one taken here reaches Teams' cards.
// The requester never gets Approve / Deny where only they read (their DM with the app, the private fallback);
// once the PIN reached them, no copy keeps the "Show the PIN" fallback.
import type { webApi } from '@slack/bolt';
import { VERBS } from '../../domain/verbs';
import type { ApprovalView } from '../../service/kernel';
import { withoutShowFallback, type OpenRequestView } from '../core/approval-requests';
import { dispatchPress } from '../core/dispatch';
import { deliver, withAsker, type SlackListenerDeps } from './slack-context';
import type { Installation } from './slack-identity';
import { renderView } from './slack-renderer';

/**
 * Posts the request to the channel it was asked in and to the supervisors' channel (when configured);
 * false when it reached neither (the bot is in neither): the caller then answers the requester privately.
 */
export async function postRequest(deps: SlackListenerDeps, client: webApi.WebClient, channel: string | undefined, view: OpenRequestView): Promise<boolean> {
  const channels = [...new Set([channel, deps.approvalsChannel].filter((c): c is string => typeof c === 'string' && c !== ''))];
  let posted = false;
  for (const to of channels) {
    // A direct message ('D…') where the requester asked is theirs alone: their own view, without Approve / Deny.
    const message = renderView(to === channel && to.startsWith('D') ? view : view.forDeciders, { ephemeral: false });
    try {
      const sent = await client.chat.postMessage({ channel: to, text: message.text, blocks: message.blocks });
      if (typeof sent.ts === 'string') await deps.approvalMessages?.add(view.approvalId, typeof sent.channel === 'string' ? sent.channel : to, sent.ts, to === channel);
      if (to === channel) posted = true;
    } catch (err) {
      deps.logger.warn({ surface: 'slack', what: 'approval request', channel: to, error: err instanceof Error ? err.message : String(err) }, 'approval request not posted to the channel');
    }
  }
  return posted;
}

/**
 * A decision pressed on a request message (`messageTs`; none when pressed on the private `approvals`
 * list): an approval first sends the requester their own view (the PIN) privately, then every copy shows
 * the final state to everyone.
 */
export async function afterDecision(
  deps: SlackListenerDeps,
  press: { client: webApi.WebClient; installation: Installation; channel: string; messageTs: string | undefined; verb: unknown },
  view: ApprovalView,
): Promise<void> {
  const { client, channel } = press;
  const pressed = press.messageTs ? { channel, ts: press.messageTs } : undefined;
  const { copies, askedIn } = (await deps.approvalMessages?.take(view.approvalId, pressed)) ?? { copies: pressed ? [pressed] : [] };
  let delivered = false;
  if (press.verb === VERBS.approvalApprove && view.status === 'approved') {
    const requester = view.requesterChatUserId;
    // To the requester in the channel they asked in; else (not remembered) where the decision was pressed.
    const where = askedIn ?? channel;
    const own = await withAsker(deps, { client, userId: requester, installation: press.installation, conversation: 'personal', channelId: where }, (ctx) =>
      dispatchPress(deps.service, deps.logger, ctx, { verb: VERBS.approvalShow, approvalId: view.approvalId }));
    const message = renderView(own, { ephemeral: true });
    delivered = own.kind === 'approval' && own.secret !== undefined
      && (await deliver(deps, 'approved PIN', own, () => client.chat.postEphemeral({ channel: where, user: requester, text: message.text, blocks: message.blocks })));
  }
  await showOnCopies(deps, client, copies, view, delivered ? withoutShowFallback(view) : view);
}

/**
 * A decision taken on another surface of this replica (Teams): every message of the request posted here
 * shows it, with the bot token. No PIN is sent from here: the requester's "Show the PIN" stays on them.
 */
export async function decidedElsewhere(deps: SlackListenerDeps, client: webApi.WebClient, view: ApprovalView): Promise<void> {
  const { copies } = (await deps.approvalMessages?.take(view.approvalId, undefined)) ?? { copies: [] };
  await showOnCopies(deps, client, copies, view, view);
}

/** Every copy of the request (channel + ts) shows `shown` to everyone, with `client`. */
async function showOnCopies(
  deps: SlackListenerDeps, client: webApi.WebClient, copies: readonly { channel: string; ts: string }[], view: ApprovalView, shown: ApprovalView,
): Promise<void> {
  const shared = renderView(shown, { ephemeral: false });
  for (const copy of copies) {
    await deliver(deps, 'approval update', view, () => client.chat.update({ channel: copy.channel, ts: copy.ts, text: shared.text, blocks: shared.blocks }));
  }
}
