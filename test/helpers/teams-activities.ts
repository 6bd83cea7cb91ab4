// Activities exactly as Teams sends them to a bot's /api/messages (shapes from notes/bot-protocols.md),
// and a plain HTTP POST to send them.
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { BOT_ID, BOT_NAME, TENANT_ID, type TeamsMember } from './loopback-connector';

export type TeamsConversation = 'personal' | 'groupChat' | 'channel';

export const TEAM_ID = '19:team-helpdesk@thread.tacv2';
export const CHANNEL_ID = '19:channel-general@thread.tacv2';

interface Envelope {
  readonly serviceUrl: string;
  readonly user: TeamsMember;
  readonly conversation?: TeamsConversation;
  readonly channelId?: string;
  /** Another conversation than the kind's default (e.g. a second channel). */
  readonly conversationId?: string;
}

function envelope(e: Envelope, activityId: string): Partial<Activity> {
  const kind = e.conversation ?? 'personal';
  const conversationId = e.conversationId ??
    (kind === 'personal'
      ? `a:1personal-${e.user.aadObjectId}`
      : kind === 'groupChat'
        ? '19:group-chat-helpdesk@thread.v2'
        : `${CHANNEL_ID};messageid=${activityId}`);
  return {
    id: activityId,
    timestamp: new Date(),
    localTimestamp: new Date(),
    serviceUrl: e.serviceUrl,
    channelId: e.channelId ?? 'msteams',
    from: { id: e.user.id, name: e.user.name, aadObjectId: e.user.aadObjectId },
    conversation: {
      id: conversationId,
      conversationType: kind,
      tenantId: TENANT_ID,
      isGroup: kind !== 'personal',
      name: '',
    },
    recipient: { id: BOT_ID, name: BOT_NAME },
    locale: 'en-US',
    channelData:
      kind === 'channel'
        ? { tenant: { id: TENANT_ID }, team: { id: TEAM_ID, name: 'Helpdesk' }, channel: { id: CHANNEL_ID, name: 'General' } }
        : { tenant: { id: TENANT_ID } },
  };
}

/** A typed message; outside a 1:1 chat the bot is @mentioned, as Teams requires. */
export function teamsMessage(e: Envelope & { readonly text: string; readonly mention?: boolean }): Partial<Activity> {
  const id = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const mention = e.mention ?? (e.conversation ?? 'personal') !== 'personal';
  const atText = `<at>${BOT_NAME}</at>`;
  return {
    type: 'message',
    ...envelope(e, id),
    text: mention ? `${atText} ${e.text}` : e.text,
    textFormat: 'plain',
    attachments: [],
    entities: [
      ...(mention ? [{ type: 'mention', text: atText, mentioned: { id: BOT_ID, name: BOT_NAME } }] : []),
      { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/Paris' },
    ],
  };
}

/** A click on an Action.Execute button: the adaptiveCard/action invoke. */
export function teamsInvoke(
  e: Envelope & {
    readonly verb: string;
    readonly data: Record<string, unknown>;
    /** 'automatic': a `refresh` of a user-specific view, sent by the Teams client of a user in refresh.userIds. */
    readonly trigger?: 'manual' | 'automatic';
    /** The id of the message the card lives in (Teams sets it on every card invoke). */
    readonly replyToId?: string;
  },
): Partial<Activity> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    ...envelope(e, `f:${randomUUID()}`),
    ...(e.replyToId ? { replyToId: e.replyToId } : {}),
    value: { action: { type: 'Action.Execute', id: '', verb: e.verb, data: e.data }, trigger: e.trigger ?? 'manual' },
  };
}

/** An Action.Submit click as Web Chat or the Emulator sends it: a message whose value is the card data. */
export function submitMessage(e: Envelope & { readonly data: Record<string, unknown> }): Partial<Activity> {
  return { type: 'message', ...envelope(e, randomUUID()), value: e.data, channelData: { postBack: true } };
}

export interface PostResult {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

export async function postActivity(botUrl: string, activity: Partial<Activity>, headers: Record<string, string> = {}): Promise<PostResult> {
  const res = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}
