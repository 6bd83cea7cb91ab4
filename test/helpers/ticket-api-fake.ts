// A loopback HTTP server standing in for a ticket system's REST API (ServiceNow, Jira, a webhook
// receiver): every request is recorded (method, path and query, headers, raw body) and answered by the
// test's handler, which checks the documented shape and answers as the vendor does.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly json: unknown;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
}

export type FakeHandler = (req: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

export class TicketApiFake {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;

  constructor(public handler: FakeHandler) {}

  get url(): string {
    const a = this.server?.address() as AddressInfo | undefined;
    if (!a) throw new Error('not listening');
    return `http://127.0.0.1:${a.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void (async () => {
        const raw = await readBody(req);
        const u = new URL(req.url ?? '/', 'http://x');
        let json: unknown;
        try {
          json = raw ? JSON.parse(raw) : undefined;
        } catch {
          json = undefined;
        }
        const recorded: RecordedRequest = { method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers, raw, json };
        this.requests.push(recorded);
        let answer: FakeAnswer;
        try {
          answer = await this.handler(recorded);
        } catch (err) {
          answer = { status: 599, body: { error: String(err) } };
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      })();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => { s.close(() => resolve()); s.closeAllConnections(); });
  }
}
