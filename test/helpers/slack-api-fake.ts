// A loopback stand-in for the Slack Web API and for response_url, speaking what the real ones speak:
// form-encoded Web API calls with a Bearer token (`blocks` arrive as a JSON string field), JSON posts to
// response URLs without authorisation. It answers auth.test and users.info from its own user table and
// records chat.postMessage, chat.postEphemeral, chat.update and every response_url post.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { readBody } from './read-body';

export interface FakeSlackUser {
  readonly id: string;
  readonly email?: string;
  readonly realName?: string;
  readonly teamId?: string;
  readonly deleted?: boolean;
  readonly isBot?: boolean;
  /** The profile's time zone (users.info `tz`, e.g. "America/New_York"). */
  readonly tz?: string;
}

export interface RecordedCall {
  /** Web API method (`chat.postEphemeral`) or `response_url`. */
  readonly method: string;
  readonly path: string;
  /** Form fields (with `blocks` JSON-parsed) or the response_url JSON body. */
  readonly body: Record<string, unknown>;
  readonly authorization?: string;
  readonly contentType?: string;
  readonly at: number;
}

export interface FakeSlackOptions {
  readonly token: string;
  readonly teamId?: string;
  readonly botUserId?: string;
  readonly botId?: string;
  readonly users?: readonly FakeSlackUser[];
  /** Called with every recorded call (e.g. to forward it to another process). */
  readonly onCall?: (call: RecordedCall) => void;
}

const RECORDED = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update']);

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** Count of users.info calls per user id (to observe the identity cache). */
  readonly usersInfoCalls = new Map<string, number>();
  private readonly users = new Map<string, FakeSlackUser>();
  private readonly waiters: { predicate: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  private server: Server | undefined;
  private base = '';
  private responseUrlSeq = 0;
  /** When set, users.info answers HTTP 500 (Slack unreachable). */
  failUsersInfo = false;

  constructor(private readonly options: FakeSlackOptions) {
    this.teamId = options.teamId ?? 'T0HELPDESK';
    this.botUserId = options.botUserId ?? 'U0HELPBOT';
    this.botId = options.botId ?? 'B0HELPBOT';
    for (const u of options.users ?? []) this.addUser(u);
  }

  addUser(user: FakeSlackUser): void {
    this.users.set(user.id, user);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => json(res, 500, { ok: false, error: String(err) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The Web API base URL to give the Bolt client (SLACK_API_URL). */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  /** A fresh response_url, as Slack puts in each slash command and interaction payload. */
  newResponseUrl(): string {
    this.responseUrlSeq += 1;
    return `${this.base}/commands/${this.teamId}/${this.responseUrlSeq}/hook${this.responseUrlSeq}`;
  }

  /** The ts this fake answered a recorded chat.* call with (the message's id for chat.update). */
  tsOf(call: RecordedCall): string {
    const ts = this.tsByCall.get(call);
    if (!ts) throw new Error(`no ts for ${call.method}`);
    return ts;
  }

  private readonly tsByCall = new Map<RecordedCall, string>();

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first recorded call (past or future) the predicate accepts. */
  waitFor(predicate: (c: RecordedCall) => boolean, timeoutMs = 10_000): Promise<RecordedCall> {
    const seen = this.calls.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.findIndex((w) => w.resolve === done);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no matching Slack call within ${timeoutMs} ms; seen: ${this.calls.map((c) => c.method).join(', ') || 'none'}`));
      }, timeoutMs);
      const done = (c: RecordedCall) => {
        clearTimeout(timer);
        resolve(c);
      };
      this.waiters.push({ predicate, resolve: done });
    });
  }

  /** The response_url post answering the request that carried `responseUrl`. */
  responseTo(responseUrl: string, timeoutMs?: number): Promise<RecordedCall> {
    const path = new URL(responseUrl).pathname;
    return this.waitFor((c) => c.method === 'response_url' && c.path === path, timeoutMs);
  }

  /** The base every response URL this fake hands out starts with. */
  get responseUrlBase(): string {
    return `${this.base}/commands/${this.teamId}/`;
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    this.options.onCall?.(call);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.predicate(call)) {
        this.waiters.splice(i, 1);
        w.resolve(call);
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const text = await readBody(req);
    const authorization = req.headers.authorization;
    const contentType = req.headers['content-type'];
    const common = { path: url.pathname, at: Date.now(), ...(authorization ? { authorization } : {}), ...(contentType ? { contentType } : {}) };

    if (req.method === 'POST' && url.pathname.startsWith('/commands/')) {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json(res, 400, { ok: false, error: 'invalid_json' });
        return;
      }
      this.record({ method: 'response_url', body, ...common });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }

    const match = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) {
      json(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    const method = match[1]!;
    const form = parseQuery(text);
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(form)) {
      if (typeof v !== 'string') continue;
      body[k] = k === 'blocks' || k === 'attachments' ? JSON.parse(v) : v;
    }
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7) : (body.token as string | undefined);
    if (!bearer) {
      json(res, 200, { ok: false, error: 'not_authed' });
      return;
    }
    if (bearer !== this.options.token) {
      json(res, 200, { ok: false, error: 'invalid_auth' });
      return;
    }

    switch (method) {
      case 'auth.test':
        json(res, 200, {
          ok: true, url: 'https://corp-example.slack.com/', team: 'Corp Example', user: 'helpdesk',
          team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId, is_enterprise_install: false,
        });
        return;
      case 'users.info': {
        const id = String(body.user ?? '');
        this.usersInfoCalls.set(id, (this.usersInfoCalls.get(id) ?? 0) + 1);
        if (this.failUsersInfo) {
          json(res, 500, { ok: false, error: 'internal_error' });
          return;
        }
        const user = this.users.get(id);
        if (!user) {
          json(res, 200, { ok: false, error: 'user_not_found' });
          return;
        }
        json(res, 200, {
          ok: true,
          user: {
            id: user.id, team_id: user.teamId ?? this.teamId, name: user.id.toLowerCase(), deleted: user.deleted ?? false,
            real_name: user.realName ?? user.id, is_bot: user.isBot ?? false, is_email_confirmed: true, ...(user.tz ? { tz: user.tz } : {}),
            profile: { real_name: user.realName ?? user.id, display_name: '', ...(user.email ? { email: user.email } : {}) },
          },
        });
        return;
      }
      default:
        if (RECORDED.has(method)) {
          const call: RecordedCall = { method, body, ...common };
          this.record(call);
          const ts = `${Math.floor(Date.now() / 1000)}.${String(this.calls.length).padStart(6, '0')}`;
          this.tsByCall.set(call, ts);
          json(res, 200, method === 'chat.postEphemeral' ? { ok: true, message_ts: ts } : { ok: true, channel: body.channel, ts });
          return;
        }
        json(res, 200, { ok: false, error: 'unknown_method' });
    }
  }
}

export async function startFakeSlackApi(options: FakeSlackOptions): Promise<FakeSlackApi> {
  const fake = new FakeSlackApi(options);
  await fake.start();
  return fake;
}
