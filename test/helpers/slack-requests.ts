// Requests exactly as Slack sends them: form-encoded slash commands and interaction payloads, JSON
// Events API envelopes, each signed `v0=HMAC_SHA256(secret, "v0:" + timestamp + ":" + rawBody)`.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { stringify } from 'node:querystring';

export const TEST_SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const TEST_BOT_TOKEN = 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';
export const TEST_TEAM_ID = 'T0HELPDESK';

export interface SlackRequest {
  readonly body: string;
  readonly contentType: 'application/x-www-form-urlencoded' | 'application/json';
}

export function sign(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export function signedHeaders(request: SlackRequest, options: { secret?: string; timestampSec?: number } = {}): Record<string, string> {
  const ts = options.timestampSec ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': request.contentType,
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': sign(options.secret ?? TEST_SIGNING_SECRET, ts, request.body),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
}

/** `/helpdesk <text>` as Slack posts it to the slash command's request URL. */
export function slashCommand(args: { userId: string; text: string; responseUrl: string; channelId?: string; teamId?: string }): SlackRequest {
  const teamId = args.teamId ?? TEST_TEAM_ID;
  return {
    contentType: 'application/x-www-form-urlencoded',
    body: stringify({
      token: 'gIkuvaNzQIHg97ATvDxqgjtO', // the deprecated verification token: present, ignored
      team_id: teamId,
      team_domain: 'corp-example',
      channel_id: args.channelId ?? 'C0HELPDESK',
      channel_name: 'it-helpdesk',
      user_id: args.userId,
      user_name: args.userId.toLowerCase(),
      command: '/helpdesk',
      text: args.text,
      api_app_id: 'A0HELPDESK',
      is_enterprise_install: 'false',
      response_url: args.responseUrl,
      trigger_id: `${Date.now()}.1234567890.${Math.random().toString(16).slice(2)}`,
    }),
  };
}

/** A button click: `payload=<JSON>` of type block_actions, as Slack posts it to the interactivity URL. */
export function blockActions(args: {
  userId: string;
  responseUrl: string;
  action: { action_id: string; value?: string; text?: { type: 'plain_text'; text: string } };
  ephemeral?: boolean;
  channelId?: string;
  teamId?: string;
  /** The ts of the message holding the button (default: now). */
  messageTs?: string;
  /** The message's input values (`state.values[block_id][action_id]`), e.g. a typed reason. */
  state?: Record<string, Record<string, { type: string; value: string }>>;
}): SlackRequest {
  const teamId = args.teamId ?? TEST_TEAM_ID;
  const channelId = args.channelId ?? 'C0HELPDESK';
  const messageTs = args.messageTs ?? `${Math.floor(Date.now() / 1000)}.000100`;
  const payload = {
    type: 'block_actions',
    user: { id: args.userId, username: args.userId.toLowerCase(), name: args.userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0HELPDESK',
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: args.ephemeral ?? true },
    trigger_id: `${Date.now()}.1234567890.${Math.random().toString(16).slice(2)}`,
    team: { id: teamId, domain: 'corp-example' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: 'it-helpdesk' },
    state: { values: args.state ?? {} },
    response_url: args.responseUrl,
    actions: [{
      type: 'button',
      block_id: 'b1',
      action_id: args.action.action_id,
      text: args.action.text ?? { type: 'plain_text', text: 'Button', emoji: true },
      ...(args.action.value !== undefined ? { value: args.action.value } : {}),
      action_ts: `${(Date.now() / 1000).toFixed(6)}`,
    }],
  };
  return { contentType: 'application/x-www-form-urlencoded', body: stringify({ payload: JSON.stringify(payload) }) };
}

/** An Events API `event_callback` carrying an app_mention. */
export function appMention(args: { userId: string; text: string; botUserId: string; channelId?: string; teamId?: string; eventId?: string; threadTs?: string }): SlackRequest {
  const teamId = args.teamId ?? TEST_TEAM_ID;
  const ts = `${(Date.now() / 1000).toFixed(6)}`;
  return {
    contentType: 'application/json',
    body: JSON.stringify({
      token: 'gIkuvaNzQIHg97ATvDxqgjtO',
      team_id: teamId,
      api_app_id: 'A0HELPDESK',
      event: {
        type: 'app_mention',
        user: args.userId,
        text: args.text,
        ts,
        channel: args.channelId ?? 'C0HELPDESK',
        event_ts: ts,
        ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
      },
      type: 'event_callback',
      event_id: args.eventId ?? `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: teamId, user_id: args.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: '4-eyJldCI6ImFwcF9tZW50aW9uIn0',
    }),
  };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Milliseconds from sending the request to the complete answer. */
  readonly ms: number;
  /** Milliseconds from sending the request to the TCP connection being established (kernel handshake). */
  readonly connectMs?: number;
  /** Milliseconds from sending the request to the response headers. */
  readonly headersMs?: number;
}

/** POSTs with node:http (keep-alive off, like Slack's fresh connections), returning status, body and time. */
export function post(url: string, body: string, headers: Record<string, string>): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - started) / 1e6;
    let connectMs: number | undefined;
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false }, (res) => {
      const headersMs = since();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: since(),
          headersMs,
          ...(connectMs !== undefined ? { connectMs } : {}),
        }),
      );
      res.on('error', reject);
    });
    req.on('socket', (socket) => socket.once('connect', () => (connectMs = since())));
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a Slack request signed with the test secret (or as `options` say). */
export function postSigned(url: string, request: SlackRequest, options: { secret?: string; timestampSec?: number } = {}): Promise<HttpAnswer> {
  return post(url, request.body, signedHeaders(request, options));
}
