// What every Slack listener shares: who is asking (users.info → e-mail), the request context, and the
// delivery of a rendered view. No rules: roles, confirmation and protection are the service's.
import type { webApi } from '@slack/bolt';
import type { TicketWatch } from '../core/ticket-watch';
import type { ApprovalDecisions } from '../core/approval-requests';
import { internalError, newCorrelationId } from '../core/dispatch';
import { BUSY_TEXT } from '../core/error-text';
import { inLogScope, type Logger } from '../../ports/logger.port';
import type { HelpdeskService } from '../../service/helpdesk-service';
import type { RequestContext, View } from '../../service/kernel';
import type { AutoHide } from '../core/auto-hide';
import type { ApprovalMessages } from './approval-messages';
import type { SlackLaterMessages } from './later-messages';
import type { PostAckQueue } from './post-ack-queue';
import type { Installation, SlackIdentityResolver } from './slack-identity';

export interface SlackListenerDeps {
  readonly service: HelpdeskService;
  readonly logger: Logger;
  readonly identities: SlackIdentityResolver;
  /** Where each listener's work after its ack runs. */
  readonly afterAck: PostAckQueue;
  /** Pending hides of shown secrets (response_url replaces). */
  readonly autoHide: AutoHide;
  /** "Ticket to follow" messages, updated when the background retry created the ticket. */
  readonly ticketWatch?: TicketWatch;
  /** With the store: where those messages are, for any replica to reach them (later-messages.ts). */
  readonly later?: SlackLaterMessages;
  /** APPROVALS_SLACK_CHANNEL: the supervisors' channel, where approval requests are also posted. */
  readonly approvalsChannel?: string;
  /** The messages of each approval request (approval-messages.ts). */
  readonly approvalMessages?: ApprovalMessages;
  /** The other chat surfaces of this process: a decision taken here shows on their copies of the request too. */
  readonly approvalDecisions?: ApprovalDecisions;
}

/** Bolt's listener `context` after our authorize(): the installation's team and org. */
export function installationOf(context: { teamId?: string; enterpriseId?: string }): Installation {
  return {
    ...(context.teamId ? { teamId: context.teamId } : {}),
    ...(context.enterpriseId ? { enterpriseId: context.enterpriseId } : {}),
  };
}

/**
 * Resolves the asker and runs `work` with their request context. When Slack cannot tell who is asking
 * (users.info failed), the answer is the polite internal-error view, with a reference to the log line.
 */
export async function withAsker(
  deps: SlackListenerDeps,
  asker: { client: webApi.WebClient; userId: string; installation: Installation; conversation: RequestContext['conversation']; channelId?: string | undefined },
  work: (ctx: RequestContext) => Promise<View>,
): Promise<View> {
  const correlationId = newCorrelationId();
  // Slack's own lines for this request (users.info, the answer's delivery) carry the id as well.
  return inLogScope(deps.logger, { correlationId, surface: 'slack' }, async () => {
    let ctx: RequestContext;
    try {
      const identity = await deps.identities.resolve(asker.client, asker.userId, asker.installation);
      ctx = {
        surface: 'slack', identity, correlationId, conversation: asker.conversation,
        ...(asker.channelId ? { conversationId: asker.channelId } : {}),
        ...(identity.timeZone && asker.conversation === 'personal' ? { timeZone: identity.timeZone } : {}),
      };
    } catch (err) {
      deps.logger.error({ err, correlationId, surface: 'slack', slackUser: asker.userId }, 'slack users.info failed');
      return internalError(correlationId);
    }
    return work(ctx);
  });
}

/**
 * The zone the asker's answer is rendered in: their Slack profile's, for an answer only they see (the
 * identity is cached, so Slack is not asked again); UTC when Slack cannot say.
 */
export async function askerTimeZone(deps: SlackListenerDeps, asker: Parameters<typeof withAsker>[1]): Promise<string | undefined> {
  if (asker.conversation !== 'personal') return undefined;
  try {
    return (await deps.identities.resolve(asker.client, asker.userId, asker.installation)).timeZone;
  } catch {
    return undefined;
  }
}

/** The asker's answer when the post-ack queue is full: ephemeral, nothing done, logged once per request. */
export async function busy(deps: SlackListenerDeps, what: string, send: (text: string) => Promise<unknown>): Promise<void> {
  deps.logger.warn({ surface: 'slack', what, pending: deps.afterAck.pending }, 'slack request refused: too much work waiting');
  try {
    await send(BUSY_TEXT);
  } catch (err) {
    deps.logger.error({ err: errorSummary(err), surface: 'slack', what }, 'slack delivery failed');
  }
}

/** Runs a delivery, logging (never throwing) when Slack refuses it. */
/** Sends, logging a failure; true when Slack took it. */
export async function deliver(deps: SlackListenerDeps, what: string, view: View, send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (err) {
    const correlationId = 'correlationId' in view ? view.correlationId : undefined;
    deps.logger.error({ err: errorSummary(err), surface: 'slack', what, correlationId }, 'slack delivery failed');
    return false;
  }
}

/** Web API / fetch errors, reduced to what is safe to log (never the request body). */
function errorSummary(err: unknown): { message: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return { message: err.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(err) };
}
