// Bot Framework conversation → who sees the answer. Anything not known to be one-to-one is 'shared',
// so a secret is never shown where others could read it.
import type { Activity } from 'botbuilder';
import { viewerTimeZone } from '../../domain/time-text';
import type { RequestContext } from '../../service/kernel';

export function conversationKind(activity: Partial<Activity>, localConsole: boolean): RequestContext['conversation'] {
  if (localConsole) return 'personal';
  const conversation = activity.conversation;
  if (activity.channelId === 'msteams') return conversation?.conversationType === 'personal' ? 'personal' : 'shared';
  return conversation?.isGroup === true ? 'shared' : conversation?.conversationType === 'channel' ? 'shared' : 'personal';
}

/**
 * The zone the client says its user is in: the activity's `localTimezone` (Teams, Web Chat, the console),
 * else a `clientInfo` entity's `timezone`. Only a one-to-one answer has one reader to show it to.
 */
export function activityTimeZone(activity: Partial<Activity>, conversation: RequestContext['conversation']): string | undefined {
  if (conversation !== 'personal') return undefined;
  const clientInfo = (activity.entities ?? []).find((e) => e.type === 'clientInfo') as { timezone?: unknown } | undefined;
  return viewerTimeZone(activity.localTimezone) ?? viewerTimeZone(clientInfo?.timezone);
}

/** Teams renders Universal Actions (Action.Execute); Web Chat, the Emulator and the console need Action.Submit. */
export function actionModeFor(activity: Partial<Activity>): 'execute' | 'submit' {
  return activity.channelId === 'msteams' ? 'execute' : 'submit';
}
