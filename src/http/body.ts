// The one reader of request bodies (chat routes, Slack's request URL, the portal's forms and its API), used
// before anyone is authenticated: the media type and encoding are checked before a byte is read, the size is
// bounded while reading (a declared Content-Length over the limit is refused at once), and every refusal is
// one polite 4xx that names no internals. Each surface writes the refusal in its own format.
// restify's bodyReader/bodyParser are not used on purpose: they read an oversized body to its end before
// refusing it, inflate gzip without a bound, and hand multipart bodies to formidable, which writes them to
// the temp folder and never deletes them. restify's request parses the media type; Node parses the forms.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type restify from 'restify';

export const JSON_MEDIA_TYPE = 'application/json';
export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export interface BodyRefusal {
  readonly status: 400 | 413 | 415;
  readonly code: 'BadRequest' | 'PayloadTooLarge' | 'UnsupportedMediaType';
  readonly message: string;
}

export type BodyRead<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: BodyRefusal };

export interface BodyLimits {
  readonly maxBytes: number;
  /** The media types taken (without parameters); absent: any (Slack judges its own after the signature). */
  readonly types?: readonly string[];
}

const refused = (status: BodyRefusal['status'], code: BodyRefusal['code'], message: string): { ok: false; refusal: BodyRefusal } => ({
  ok: false,
  refusal: { status, code, message },
});
const TOO_LARGE = refused(413, 'PayloadTooLarge', 'The body is too large.');
const UNREADABLE = refused(400, 'BadRequest', 'The body could not be read.');

/** The media type without parameters, lower case; '' when none was sent (restify's would say octet-stream). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** A body refused before its end: the rest is not read, so the connection closes once the answer is out. */
function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  res.once('finish', () => req.destroy());
}

/** The body's exact bytes (Slack's signature covers them), within the limits. */
export function readBody(req: IncomingMessage, res: ServerResponse, limits: BodyLimits): Promise<BodyRead<Buffer>> {
  const refuseUnread = (r: { ok: false; refusal: BodyRefusal }) => {
    closeAfterAnswer(req, res);
    return Promise.resolve(r);
  };
  const type = mediaType(req);
  if (limits.types && !limits.types.includes(type)) {
    return refuseUnread(refused(415, 'UnsupportedMediaType', `Send the body as ${limits.types.join(' or ')}.`));
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') return refuseUnread(refused(415, 'UnsupportedMediaType', 'Send the body without a content encoding.'));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return refuseUnread(TOO_LARGE);

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyRead<Buffer>) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limits.maxBytes) {
        req.pause();
        closeAfterAnswer(req, res);
        finish(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, value: Buffer.concat(chunks) }));
    req.on('error', () => finish(UNREADABLE));
    req.on('close', () => finish(UNREADABLE)); // aborted before its end ('end' comes first otherwise)
  });
}

/** A JSON object (not an array, not a bare value), sent as application/json. */
export async function readJsonObject(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<BodyRead<Record<string, unknown>>> {
  const read = await readBody(req, res, { maxBytes, types: [JSON_MEDIA_TYPE] });
  if (!read.ok) return read;
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.value.toString('utf8'));
  } catch {
    return refused(400, 'BadRequest', 'The body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return refused(400, 'BadRequest', 'A JSON object is expected.');
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** An HTML form's fields, sent urlencoded (Node's URLSearchParams decodes them). */
export async function readForm(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<BodyRead<URLSearchParams>> {
  const read = await readBody(req, res, { maxBytes, types: [FORM_MEDIA_TYPE] });
  return read.ok ? { ok: true, value: new URLSearchParams(read.value.toString('utf8')) } : read;
}

/** restify middleware for the chat routes: `req.body` is the JSON object, or the refusal is sent as `{ error: { code, message } }`. */
export function jsonBody(maxBytes: number): restify.RequestHandler {
  // Callback-style (restify refuses an async handler that also takes `next`).
  return (req, res, next) => {
    void readJsonObject(req, res, maxBytes).then((read) => {
      if (!read.ok) {
        res.send(read.refusal.status, { error: { code: read.refusal.code, message: read.refusal.message } });
        return next(false);
      }
      req.body = read.value;
      next();
    });
  };
}
