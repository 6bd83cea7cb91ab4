// Approvals in Slack. An agent's `pin <user> view` request is posted to the channel as an ordinary
// message (it holds only what the agent typed, who asked and the state), so that the supervisors there
// can press Approve / Deny; the service re-checks the presser's role. A decision updates that message for
// everyone (chat.update). On approval the requester's own view — approval.show run as the requester, as
// Teams' refresh does — goes to them alone (chat.postEphemeral): the PIN, once, with Hide.
import type { webApi } from '@slack/bolt';
import { VERBS } from '../../domain/verbs';
import type { ApprovalView, View } from '../../service/views';
import { dispatchPress } from '../core/dispatch';
import type { SlackListenerDeps } from './slack-context';
import { deliver, withAsker } from './slack-context';
import type { Installation } from './slack-identity';
import { renderView } from './slack-renderer';

/** A request just opened (or reopened): what goes to the channel. */
export function isOpenRequest(view: View): view is ApprovalView {
  return view.kind === 'approval' && view.status === 'pending' && view.secret === undefined;
}

/** Posts the request to the channel; false when Slack refused (the bot is not in it): the caller answers privately. */
export async function postRequest(deps: SlackListenerDeps, client: webApi.WebClient, channel: string, view: ApprovalView): Promise<boolean> {
  const message = renderView(view, { ephemeral: false });
  try {
    await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
    return true;
  } catch (err) {
    deps.logger.warn({ surface: 'slack', what: 'approval request', error: err instanceof Error ? err.message : String(err) }, 'approval request not posted to the channel');
    return false;
  }
}

/**
 * A decision pressed on the channel's request message: that message shows the final state to everyone,
 * and an approval sends the requester their own view (the PIN) privately.
 */
export async function afterDecision(
  deps: SlackListenerDeps,
  press: { client: webApi.WebClient; installation: Installation; channel: string; messageTs: string; verb: unknown },
  view: ApprovalView,
): Promise<void> {
  const { client, channel } = press;
  const shared = renderView(view, { ephemeral: false });
  await deliver(deps, 'approval update', view, () => client.chat.update({ channel, ts: press.messageTs, text: shared.text, blocks: shared.blocks }));
  if (press.verb !== VERBS.approvalApprove || view.status !== 'approved') return;
  const requester = view.requesterChatUserId;
  const own = await withAsker(deps, { client, userId: requester, installation: press.installation, conversation: 'personal', channelId: channel }, (ctx) =>
    dispatchPress(deps.service, deps.logger, ctx, { verb: VERBS.approvalShow, approvalId: view.approvalId }));
  const message = renderView(own, { ephemeral: true });
  await deliver(deps, 'approved PIN', own, () => client.chat.postEphemeral({ channel, user: requester, text: message.text, blocks: message.blocks }));
}
