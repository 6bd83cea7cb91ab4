// A Direct Line 3.0 endpoint for the local console (the subset Microsoft's Web Chat uses with polling):
//   POST /v3/directline/conversations                          → 201 {conversationId, token, expires_in}
//   GET  /v3/directline/conversations/:id                      → reconnect, same shape
//   POST /v3/directline/conversations/:id/activities           → {id}; the bot's turn runs right after
//   GET  /v3/directline/conversations/:id/activities?watermark=N → {activities, watermark}
//   POST /v3/directline/tokens/refresh                         → {conversationId, token, expires_in}
// State lives in this object, never in module globals, and is bounded: conversations (the oldest dropped,
// idle ones after an hour), activities and bytes per conversation, and bot turns running at once.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type restify from 'restify';
import type { Activity } from 'botbuilder';
import { jsonBody } from '../../http/body';
import { BUSY_TEXT } from '../core/error-text';
import type { Logger } from '../../ports/logger.port';

export interface DirectLineOptions {
  readonly logger: Logger;
  /** Runs the bot's turn for a user activity; the bot's replies come back through `addBotActivity`. */
  readonly runTurn: (activity: Partial<Activity>) => Promise<void>;
  readonly bot: { readonly id: string; readonly name: string };
  readonly maxConversations?: number;
  readonly maxActivitiesPerConversation?: number;
  /** Stored activities' JSON size per conversation (oldest dropped past it); default 1 MB. */
  readonly maxBytesPerConversation?: number;
  /** Bot turns running or waiting at once; past it a post gets the busy answer instead of a turn. Default 8. */
  readonly maxPendingTurns?: number;
  readonly idleTtlMs?: number;
  readonly now?: () => number;
}

interface Conversation {
  readonly id: string;
  readonly token: string;
  readonly activities: Partial<Activity>[];
  /** JSON size of each kept activity, and their sum. */
  readonly sizes: number[];
  bytes: number;
  seq: number;
  lastActive: number;
  /** Who the page acts as: the `from` of what it last sent (its join event first). */
  user?: { readonly id: string; readonly name: string };
}

const TOKEN_TTL_SECONDS = 3600;
const MAX_ACTIVITY_BYTES = 64 * 1024;
const MAX_TEXT = 4000;
/** A page polls every 400 ms: a conversation not polled for a minute is a closed tab or another identity picked. */
const LIVE_MS = 60_000;
/** Activity ids are `${conversation id}|${seq}`: far shorter. */
const MAX_ID = 256;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function bearer(req: restify.Request): string {
  const header = req.headers.authorization ?? '';
  return /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function pick<T extends object>(obj: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (obj[key] !== undefined) out[key] = obj[key];
  return out;
}

export class DirectLineBridge {
  private readonly conversations = new Map<string, Conversation>();
  private readonly maxConversations: number;
  private readonly maxActivities: number;
  private readonly maxBytes: number;
  private readonly maxPendingTurns: number;
  private readonly idleTtlMs: number;
  private readonly now: () => number;
  /** Turns still running (awaited by close(), and by tests). */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: DirectLineOptions) {
    // 50 conversations × 1 MB bounds the bridge's memory at ~50 MB (the console is one developer's tabs).
    this.maxConversations = options.maxConversations ?? 50;
    this.maxActivities = options.maxActivitiesPerConversation ?? 500;
    this.maxBytes = options.maxBytesPerConversation ?? 1024 * 1024;
    this.maxPendingTurns = options.maxPendingTurns ?? 8;
    this.idleTtlMs = options.idleTtlMs ?? 3600_000;
    this.now = options.now ?? Date.now;
  }

  startConversation(): Conversation {
    this.sweep();
    while (this.conversations.size >= this.maxConversations) {
      const oldest = this.conversations.keys().next().value;
      if (oldest === undefined) break;
      this.conversations.delete(oldest);
    }
    const conversation: Conversation = {
      id: `local-${randomUUID()}`,
      token: randomBytes(24).toString('base64url'),
      activities: [],
      sizes: [],
      bytes: 0,
      seq: 0,
      lastActive: this.now(),
    };
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  private sweep(): void {
    const cutoff = this.now() - this.idleTtlMs;
    for (const [id, c] of this.conversations) if (c.lastActive < cutoff) this.conversations.delete(id);
  }

  private conversation(id: string, token: string): Conversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw new HttpError(404, 'Conversation not found');
    if (!sameToken(token, conversation.token)) throw new HttpError(403, 'Token not valid for this conversation');
    conversation.lastActive = this.now();
    return conversation;
  }

  private append(conversation: Conversation, activity: Partial<Activity>): Partial<Activity> {
    conversation.seq += 1;
    const stored: Partial<Activity> = {
      ...activity,
      // A messageUpdate carries the id of the message it updates (the Bot Framework's convention).
      id: activity.type === 'messageUpdate' && activity.id ? activity.id : `${conversation.id}|${String(conversation.seq).padStart(7, '0')}`,
      timestamp: new Date(this.now()),
      channelId: 'directline',
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
    };
    const size = Buffer.byteLength(JSON.stringify(stored));
    conversation.activities.push(stored);
    conversation.sizes.push(size);
    conversation.bytes += size;
    while (conversation.activities.length > 1 && (conversation.activities.length > this.maxActivities || conversation.bytes > this.maxBytes)) {
      conversation.activities.shift();
      conversation.bytes -= conversation.sizes.shift() ?? 0;
    }
    return stored;
  }

  /** The in-process adapter's reply sink. */
  addBotActivity = (conversationId: string, activity: Partial<Activity>): string => {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return '';
    const stored = this.append(conversation, {
      ...activity,
      from: { id: this.options.bot.id, name: this.options.bot.name, role: 'bot' },
      recipient: activity.recipient,
    });
    return stored.id ?? '';
  };

  /**
   * The in-process adapter's update sink: the bot's activity `activityId` is replaced where it stands in
   * the history (a reconnect or a poll from the start no longer returns what it said), and a
   * `messageUpdate` activity carrying the new version is appended for clients already past it.
   */
  replaceBotActivity = (conversationId: string, activityId: string, activity: Partial<Activity>): boolean => {
    const conversation = this.conversations.get(conversationId);
    const index = conversation?.activities.findIndex((a) => a.id === activityId && a.from?.role === 'bot') ?? -1;
    const old = conversation?.activities[index];
    if (!conversation || !old) return false;
    const updated: Partial<Activity> = {
      ...pick(activity, ['text', 'attachments', 'attachmentLayout', 'channelData', 'locale', 'textFormat']),
      type: 'message',
      id: old.id,
      timestamp: old.timestamp,
      channelId: old.channelId,
      conversation: old.conversation,
      from: old.from,
      recipient: old.recipient,
    };
    conversation.activities[index] = updated;
    this.append(conversation, { ...updated, type: 'messageUpdate' });
    return true;
  };

  /** Stores the user's activity (Web Chat expects its own message echoed back) and runs the bot's turn. */
  postActivity(conversation: Conversation, body: unknown, serviceUrl: string): string {
    if (typeof body !== 'object' || body === null) throw new HttpError(400, 'An activity object is expected');
    const incoming = body as Partial<Activity>;
    if (incoming.type === 'typing') return ''; // not kept, nothing to answer
    if (incoming.type !== 'message' && incoming.type !== 'event') throw new HttpError(400, 'Only message and event activities are accepted');
    const from = incoming.from;
    if (!from || typeof from.id !== 'string' || from.id === '' || from.id.length > 128) throw new HttpError(400, 'from.id is required');
    if (incoming.text !== undefined && (typeof incoming.text !== 'string' || incoming.text.length > MAX_TEXT)) {
      throw new HttpError(400, 'text is too long');
    }
    if (incoming.replyToId !== undefined && (typeof incoming.replyToId !== 'string' || incoming.replyToId.length > MAX_ID)) {
      throw new HttpError(400, 'replyToId is not valid');
    }
    const user = { id: from.id, name: typeof from.name === 'string' ? from.name.slice(0, 128) : '' };
    conversation.user = user;
    const stored = this.append(conversation, {
      ...pick(incoming, ['type', 'name', 'text', 'value', 'replyToId', 'channelData', 'locale', 'textFormat']),
      // replyToId: a press names the message its card is in (console.js): a decision or a refusal redraws it.
      // The client's time zone, as Web Chat sends it: shown beside UTC, trusted for nothing else.
      ...(typeof incoming.localTimezone === 'string' && incoming.localTimezone.length <= 64 ? { localTimezone: incoming.localTimezone } : {}),
      from: { ...user, role: 'user' },
      recipient: { id: this.options.bot.id, name: this.options.bot.name, role: 'bot' },
      serviceUrl,
    });
    if (this.pending.size >= this.maxPendingTurns) {
      // Too many turns already running: one polite answer, and this activity is not acted on.
      this.options.logger.warn({ conversationId: conversation.id, pending: this.pending.size }, 'local console busy: turn refused');
      this.addBotActivity(conversation.id, { type: 'message', text: BUSY_TEXT, replyToId: stored.id });
      return stored.id ?? '';
    }
    const turn = this.options
      .runTurn({ ...stored })
      .catch((err: unknown) => this.options.logger.error({ err, conversationId: conversation.id }, 'local console turn failed'))
      .finally(() => this.pending.delete(turn));
    this.pending.add(turn);
    return stored.id ?? '';
  }

  /**
   * The conversations a page is still polling (active within `withinMs`) and the user each acts as: where
   * the console sends what a user receives without asking (approval requests).
   */
  members(withinMs = LIVE_MS): { conversationId: string; user: { id: string; name: string } }[] {
    const since = this.now() - withinMs;
    return [...this.conversations.values()]
      .filter((c) => c.user !== undefined && c.lastActive >= since)
      .map((c) => ({ conversationId: c.id, user: { ...(c.user as { id: string; name: string }) } }));
  }

  activitiesAfter(conversation: Conversation, watermark: string | undefined): { activities: Partial<Activity>[]; watermark: string } {
    const total = conversation.seq;
    const kept = conversation.activities.length;
    const firstSeq = total - kept; // sequence number before the oldest kept activity
    const from = Math.max(0, Math.min(total, Number.parseInt(watermark ?? '', 10) || 0) - firstSeq);
    return { activities: conversation.activities.slice(from), watermark: String(total) };
  }

  /** Waits for the bot turns that are still running. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  mount(server: restify.Server, guard: restify.RequestHandler): void {
    // JSON only, bounded; the other routes read no body at all.
    const json = jsonBody(MAX_ACTIVITY_BYTES);
    const answer = (res: restify.Response, status: number, body: object) => {
      res.header('Cache-Control', 'no-store');
      res.send(status, body);
    };
    const handle =
      (fn: (req: restify.Request, res: restify.Response) => void) =>
      (req: restify.Request, res: restify.Response, next: restify.Next) => {
        try {
          fn(req, res);
        } catch (err) {
          if (err instanceof HttpError) answer(res, err.status, { error: { code: err.status === 404 ? 'BadArgument' : 'Unauthorized', message: err.message } });
          else throw err;
        }
        next();
      };
    const session = (c: Conversation) => ({ conversationId: c.id, token: c.token, expires_in: TOKEN_TTL_SECONDS });

    server.post('/v3/directline/conversations', guard, handle((_req, res) => answer(res, 201, session(this.startConversation()))));
    server.post(
      '/v3/directline/tokens/refresh',
      guard,
      handle((req, res) => {
        const token = bearer(req);
        const conversation = [...this.conversations.values()].find((c) => sameToken(token, c.token));
        if (!conversation) throw new HttpError(403, 'Unknown token');
        answer(res, 200, session(conversation));
      }),
    );
    server.get(
      '/v3/directline/conversations/:id',
      guard,
      handle((req, res) => answer(res, 200, session(this.conversation(String(req.params.id), bearer(req))))),
    );
    server.get(
      '/v3/directline/conversations/:id/activities',
      guard,
      handle((req, res) => {
        const conversation = this.conversation(String(req.params.id), bearer(req));
        const watermark = new URL(req.url ?? '/', 'http://local').searchParams.get('watermark') ?? undefined;
        answer(res, 200, this.activitiesAfter(conversation, watermark));
      }),
    );
    server.post(
      '/v3/directline/conversations/:id/activities',
      guard,
      json,
      handle((req, res) => {
        const conversation = this.conversation(String(req.params.id), bearer(req));
        const serviceUrl = `http://${req.headers.host ?? 'localhost'}/`;
        answer(res, 200, { id: this.postActivity(conversation, req.body, serviceUrl) });
      }),
    );
  }
}
