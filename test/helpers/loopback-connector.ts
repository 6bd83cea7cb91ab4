// A loopback Bot Connector, as the Bot Framework Emulator plays it: the bot's serviceUrl points here.
// It answers TeamsInfo.getMember (GET /v3/conversations/{id}/members/{memberId}) from a member table and
// records every reply the bot sends (POST /v3/conversations/{id}/activities[/{replyToId}]) and update.
// It can also serve OpenID metadata and a JWKS, for the production-auth path fully offline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { readBody } from './read-body';

export interface TeamsMember {
  /** Teams member id ("29:…"), what activity.from.id carries. */
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
  readonly userPrincipalName: string;
  readonly email?: string;
  readonly tenantId?: string;
}

export interface RecordedReply {
  readonly method: string;
  readonly conversationId: string;
  readonly replyToId?: string;
  readonly activity: Partial<Activity>;
  readonly headers: IncomingMessage['headers'];
  /** The id this connector gave the activity (what a later update or invoke names it by). */
  readonly answeredId: string;
}

export interface MemberLookup {
  readonly conversationId: string;
  readonly memberId: string;
  readonly found: boolean;
}

export class LoopbackConnector {
  readonly replies: RecordedReply[] = [];
  readonly memberLookups: MemberLookup[] = [];
  /** Extra routes (the OpenID metadata and JWKS of an auth test). */
  readonly routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  private readonly members = new Map<string, TeamsMember>();
  private server?: Server;
  private seq = 0;
  /** Record replies (the bench turns this off to keep memory flat; `replyCount` still counts them). */
  record = true;
  replyCount = 0;

  addMember(member: TeamsMember): TeamsMember {
    this.members.set(member.id, member);
    return member;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the loopback connector is not listening');
    return `http://127.0.0.1:${address.port}/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'Fake', message: String(err) } }));
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Replies to one conversation (decoded id), oldest first. */
  repliesTo(conversationId: string): RecordedReply[] {
    return this.replies.filter((r) => r.conversationId === conversationId);
  }

  /** Resolves with the first recorded reply (past or future) the predicate accepts. */
  async waitFor(predicate: (r: RecordedReply) => boolean, timeoutMs = 10_000): Promise<RecordedReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.replies.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching request within ${timeoutMs} ms; seen: ${this.replies.map((r) => `${r.method} ${r.replyToId ?? ''}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  clear(): void {
    this.replies.length = 0;
    this.memberLookups.length = 0;
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const extra = this.routes.get(`${req.method} ${url.pathname}`);
    if (extra) return extra(req, res);

    const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && member?.[1] && member[2]) {
      const conversationId = decodeURIComponent(member[1]);
      const memberId = decodeURIComponent(member[2]);
      const found = this.members.get(memberId);
      this.memberLookups.push({ conversationId, memberId, found: found !== undefined });
      if (!found) return this.json(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'The member is not in the conversation' } });
      return this.json(res, 200, {
        id: found.id,
        name: found.name,
        aadObjectId: found.aadObjectId,
        givenName: found.name.split(' ')[0],
        surname: found.name.split(' ').slice(1).join(' '),
        email: found.email ?? found.userPrincipalName,
        userPrincipalName: found.userPrincipalName,
        tenantId: found.tenantId ?? TENANT_ID,
        userRole: 'user',
      });
    }

    const activities = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if ((req.method === 'POST' || req.method === 'PUT') && activities?.[1]) {
      const body = await readBody(req);
      this.seq += 1;
      this.replyCount += 1;
      if (this.record) {
        this.replies.push({
          method: req.method,
          conversationId: decodeURIComponent(activities[1]),
          ...(activities[2] ? { replyToId: decodeURIComponent(activities[2]) } : {}),
          activity: JSON.parse(body) as Partial<Activity>,
          headers: req.headers,
          answeredId: `reply-${this.seq}`,
        });
      }
      return this.json(res, 200, { id: `reply-${this.seq}` });
    }
    this.json(res, 404, { error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } });
  }
}

export const TENANT_ID = '99999999-aaaa-4bbb-8ccc-000000000001';
export const BOT_ID = '28:00000000-0000-0000-0000-00000000b07';
export const BOT_NAME = 'MyPass Helpdesk';

/** A Teams member whose UPN is `<login>@corp.example.test` (the Samba domain's seeded users). */
export function teamsMember(login: string, name = login, domain = 'corp.example.test'): TeamsMember {
  const hex = Buffer.from(login).toString('hex').padEnd(12, '0').slice(0, 12);
  return { id: `29:1${hex}`, name, aadObjectId: `00000000-0000-4000-8000-${hex}`, userPrincipalName: `${login}@${domain}` };
}
