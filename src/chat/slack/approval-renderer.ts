// ApprovalView → Block Kit. The state is an icon and a bold word; the PIN is drawn only in an ephemeral
// message (the requester's own), never in a message others can read.
import { inGroupsOfFour } from '../../domain/password-policy';
import type { ApprovalListView, ApprovalView } from '../../service/kernel';
import { actionsBlocks, context, esc, preformatted, section, slackDate, truncate, type Block } from './block-kit';

const STATUS: Record<ApprovalView['status'], string> = {
  pending: ':hourglass_flowing_sand: *Pending*',
  approved: ':white_check_mark: *Approved*',
  denied: ':no_entry_sign: *Denied*',
  expired: ':hourglass: *Expired*',
};

export function approvalMessage(view: ApprovalView, options: { readonly ephemeral: boolean }): { text: string; blocks: Block[] } {
  const blocks: Block[] = [
    section(`${STATUS[view.status]} — *Approval request: show a ${view.secretName}*\n*${esc(truncate(view.requestedBy, 120))}* asked: \`${view.command} ${esc(truncate(view.target, 256))} view\``),
    section(esc(view.note)),
    context([
      `Asked ${slackDate(view.createdAt) ?? ''}`,
      ...(view.decidedBy ? [`${view.status === 'denied' ? 'Denied' : 'Approved'} by *${esc(view.decidedBy)}* ${slackDate(view.decidedAt) ?? ''}`] : []),
      ...(view.status === 'pending' ? [`Expires ${slackDate(view.expiresAt) ?? 'soon'}`] : []),
    ]),
  ];
  if (view.secret) {
    blocks.push(options.ephemeral
      ? preformatted(inGroupsOfFour(view.secret.value))
      : section(`The ${view.secretName} was sent to the requester privately.`));
    if (options.ephemeral) blocks.push(context([`Only you can see this message. It hides itself ${slackDate(view.secret.hidesAt) ?? 'soon'}; press Hide when done.`]));
  }
  blocks.push(...actionsBlocks(view.actions, {}, 1));
  return { text: `Approval request (${view.status}): ${truncate(view.requestedBy, 120)} asked to see a ${view.secretName}`, blocks };
}

/** `approvals`: each open request as its own short message part (state, who asked, Approve / Deny). */
export function approvalListMessage(view: ApprovalListView): { text: string; blocks: Block[] } {
  const heading = view.requests.length ? `*Pending approval requests (${view.requests.length}${view.truncated ? '+' : ''})*` : '*No pending approval requests*';
  const blocks: Block[] = [section(heading)];
  for (const request of view.requests) blocks.push({ type: 'divider' }, ...approvalMessage(request, { ephemeral: true }).blocks);
  if (view.truncated) blocks.push(context(['More requests are open than are shown: decide these first.']));
  return { text: `Pending approval requests: ${view.requests.length}`, blocks };
}
