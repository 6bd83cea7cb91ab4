// Only the configured Microsoft 365 tenants may talk to the bot: a multi-tenant bot registration can be
// installed by anyone, and its JWT proves only that the activity came through the Bot Framework. This
// middleware runs after authentication and before the bot's logic, so a refused activity gets no
// identity lookup (TeamsInfo.getMember), no connector call and no service call, and no reply activity:
// an invoke is answered 403, anything else 200 with nothing sent.
import type { Middleware, TurnContext } from 'botbuilder';
import type { Logger } from '../../ports/logger.port';

/** The activity's tenant when channelData and conversation agree on it; undefined otherwise. */
export function teamsTenantOf(activity: TurnContext['activity']): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const fromConversation = activity.conversation?.tenantId;
  if (typeof fromChannelData !== 'string' || typeof fromConversation !== 'string' || fromChannelData === '') return undefined;
  return fromChannelData.toLowerCase() === fromConversation.toLowerCase() ? fromChannelData.toLowerCase() : undefined;
}

export function tenantGate(allowed: readonly string[], logger: Logger): Middleware {
  const tenants = new Set(allowed.map((t) => t.toLowerCase()));
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const activity = context.activity;
      if (activity.channelId !== 'msteams') return next();
      const tenant = teamsTenantOf(activity);
      if (tenant !== undefined && tenants.has(tenant)) return next();
      logger.warn(
        {
          surface: 'teams',
          activityType: activity.type,
          tenant: tenant ?? null,
          channelDataTenant: (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id ?? null,
          conversationTenant: activity.conversation?.tenantId ?? null,
        },
        'teams activity refused: tenant not allowed',
      );
      if (activity.type === 'invoke') {
        // Answered in the HTTP response (CloudAdapter keeps it for the invoke), never posted to the connector.
        await context.sendActivity({
          type: 'invokeResponse',
          value: {
            status: 403,
            body: { statusCode: 403, type: 'application/vnd.microsoft.error', value: { code: 'Forbidden', message: 'This organisation may not use this bot.' } },
          },
        });
      }
    },
  };
}
