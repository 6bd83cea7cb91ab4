// The restify route for Slack's request URL: reads the raw body (the signature covers the exact bytes,
// so nothing may parse it first), hands it to the receiver, and writes the receiver's reply. The route
// returns as soon as Slack has its answer; the listener's remaining work is tracked for close().
import type { Request, Response } from 'restify';
import { readBody } from '../../http/body';
import type { Logger } from '../../ports/logger.port';
import type { SlackHttpResponse, SlackReceiver } from './slack-receiver';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack's payloads are small (a block_actions payload carries the message: at most ~150 kB of blocks). */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;

function write(res: Response, response: SlackHttpResponse): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(response.body)) };
  if (response.contentType) headers['content-type'] = response.contentType;
  res.writeHead(response.status, headers);
  res.end(response.body);
}

export interface SlackRoute {
  handler: (req: Request, res: Response) => Promise<void>;
  /** Resolves when every request's post-ack work has finished. */
  drain(): Promise<void>;
}

export function slackRoute(receiver: SlackReceiver, logger: Logger): SlackRoute {
  const inflight = new Set<Promise<void>>();
  const handler = async (req: Request, res: Response): Promise<void> => {
    // Any media type is read: the receiver answers an unsigned request 401 before it judges the encoding.
    const read = await readBody(req, res, { maxBytes: MAX_SLACK_BODY_BYTES });
    if (!read.ok) {
      write(res, { status: read.refusal.status, body: '' });
      return;
    }
    const rawBody = read.value;
    let answered!: () => void;
    const replied = new Promise<void>((resolve) => (answered = resolve));
    const work = receiver
      .dispatch({ headers: req.headers, rawBody }, (response) => {
        write(res, response);
        answered();
      })
      .catch((err: unknown) => {
        logger.error({ err, surface: 'slack' }, 'slack dispatch failed');
        write(res, { status: 500, body: '' });
      })
      .finally(() => {
        answered();
        inflight.delete(work);
      });
    inflight.add(work);
    await replied;
  };
  return {
    handler,
    async drain() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
}
