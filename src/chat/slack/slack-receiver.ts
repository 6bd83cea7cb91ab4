// Transport, kept apart from routing (as Bolt's own receivers do): a small Bolt `Receiver` fed by our
// restify route. It checks every request's `v0` signature and timestamp with Bolt's own
// `verifySlackRequest`, parses the form or JSON body, answers Slack's URL/SSL checks, and hands the
// event to the Bolt App, whose listeners do the routing. `ack()` writes the HTTP response at once, so
// the listener's slow work (directory, store, Slack Web API) happens after Slack has its answer.
import { parse as parseQuery } from 'node:querystring';
import type { IncomingHttpHeaders } from 'node:http';
import { verifySlackRequest, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../ports/logger.port';

/** Slack refuses requests older than five minutes; we refuse them in either direction. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** Bolt's HTTPReceiver answers 404 when no listener acknowledged within 3 s. */
const UNHANDLED_TIMEOUT_MS = 3001;

export interface SlackHttpRequest {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
}

export interface SlackHttpResponse {
  readonly status: number;
  readonly contentType?: string;
  readonly body: string;
}

export type Reply = (response: SlackHttpResponse) => void;

export interface SlackReceiverOptions {
  readonly signingSecret: string;
  readonly logger: Logger;
  readonly now?: () => number;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

function mediaType(headers: IncomingHttpHeaders): string {
  return (header(headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function toResponse(body: unknown): SlackHttpResponse {
  if (body === undefined || body === null || body === '') return { status: 200, body: '' };
  if (typeof body === 'string') return { status: 200, contentType: 'text/plain; charset=utf-8', body };
  return { status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}

export class SlackReceiver implements Receiver {
  private app: App | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SlackReceiverOptions) {
    if (!options.signingSecret) throw new Error('SLACK_SIGNING_SECRET is empty');
    this.now = options.now ?? Date.now;
  }

  init(app: App): void {
    this.app = app;
  }

  /** Nothing to start: the HTTP server belongs to src/http. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Whether the request carries a valid, fresh Slack signature. Logs why not, never the secret. */
  verify(request: SlackHttpRequest): boolean {
    const signature = header(request.headers, 'x-slack-signature');
    const timestamp = header(request.headers, 'x-slack-request-timestamp');
    if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) {
      this.options.logger.warn({ surface: 'slack' }, 'slack request refused: missing signature headers');
      return false;
    }
    const nowMs = this.now();
    const ts = Number(timestamp);
    if (Math.abs(Math.floor(nowMs / 1000) - ts) > MAX_CLOCK_SKEW_SECONDS) {
      this.options.logger.warn({ surface: 'slack', timestamp: ts }, 'slack request refused: stale timestamp');
      return false;
    }
    try {
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: request.rawBody.toString('utf8'),
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
        nowMilliseconds: nowMs,
      });
      return true;
    } catch {
      this.options.logger.warn({ surface: 'slack' }, 'slack request refused: bad signature');
      return false;
    }
  }

  /**
   * One HTTP request from Slack. `reply` is called exactly once: with the ack (as soon as a listener
   * acknowledges), with 401 when the signature does not hold, 400 for a body we cannot read, 404 when
   * no listener took the request.
   */
  async dispatch(request: SlackHttpRequest, reply: Reply): Promise<void> {
    let replied = false;
    const once: Reply = (response) => {
      if (replied) return;
      replied = true;
      reply(response);
    };
    const type = mediaType(request.headers);
    const text = request.rawBody.toString('utf8');

    // Slack's SSL check carries nothing to act on; like Bolt, answer it without a signature and run nothing.
    if (type === 'application/x-www-form-urlencoded') {
      const form = parseQuery(text);
      if (form.ssl_check === '1' && form.payload === undefined && form.command === undefined) {
        once({ status: 200, body: '' });
        return;
      }
    }
    if (!this.verify(request)) {
      once({ status: 401, body: '' });
      return;
    }

    let body: Record<string, unknown>;
    try {
      body = this.parseBody(type, text);
    } catch {
      once({ status: 400, body: '' });
      return;
    }
    if (body.type === 'url_verification' && typeof body.challenge === 'string') {
      once({ status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ challenge: body.challenge }) });
      return;
    }
    if (!this.app) {
      once({ status: 503, body: '' });
      return;
    }

    let acked = false;
    const timer = setTimeout(() => {
      if (!acked) {
        this.options.logger.warn({ surface: 'slack' }, 'slack request not acknowledged in time');
        once({ status: 404, body: '' });
      }
    }, UNHANDLED_TIMEOUT_MS);
    timer.unref();

    const retryNum = header(request.headers, 'x-slack-retry-num');
    const retryReason = header(request.headers, 'x-slack-retry-reason');
    const event: ReceiverEvent = {
      body,
      ...(retryNum !== undefined && /^\d+$/.test(retryNum) ? { retryNum: Number(retryNum) } : {}),
      ...(retryReason !== undefined ? { retryReason } : {}),
      // Bolt's AckFn is generic over the listener's response type.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Bolt's ReceiverEvent.ack is AckFn<any>
      ack: async (response?: any) => {
        if (acked) throw new Error('ack() was called more than once');
        acked = true;
        clearTimeout(timer);
        once(toResponse(response));
      },
    };
    try {
      await this.app.processEvent(event);
      if (!acked) once({ status: 404, body: '' });
    } catch (err) {
      this.options.logger.error({ err, surface: 'slack' }, 'slack event processing failed');
      once({ status: 500, body: '' });
    } finally {
      clearTimeout(timer);
    }
  }

  private parseBody(type: string, text: string): Record<string, unknown> {
    let parsed: unknown;
    if (type === 'application/x-www-form-urlencoded') {
      const form = parseQuery(text);
      parsed = typeof form.payload === 'string' ? JSON.parse(form.payload) : { ...form };
    } else if (type === 'application/json') {
      parsed = JSON.parse(text);
    } else {
      throw new Error(`unsupported content type ${type}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  }
}
