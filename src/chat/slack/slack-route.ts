// The restify route for Slack's request URL: reads the raw body (the signature covers the exact bytes,
// so nothing may parse it first), hands it to the receiver, and writes the receiver's reply. The route
// returns as soon as Slack has its answer; the listener's remaining work is tracked for close().
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'restify';
import type { Logger } from '../../ports/logger.port';
import type { SlackHttpResponse, SlackReceiver } from './slack-receiver';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack's payloads are small (a block_actions payload carries the message: at most ~150 kB of blocks). */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  // If some middleware already buffered the body (restify's bodyReader keeps `rawBody`), use those bytes.
  const buffered = (req as IncomingMessage & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(buffered)) return Promise.resolve(buffered);
  if (typeof buffered === 'string') return Promise.resolve(Buffer.from(buffered, 'utf8'));
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!ended) reject(new Error('request aborted'));
    });
  });
}

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
    let rawBody: Buffer;
    try {
      rawBody = await readRawBody(req, MAX_SLACK_BODY_BYTES);
    } catch (err) {
      write(res, { status: err instanceof BodyTooLarge ? 413 : 400, body: '' });
      return;
    }
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
