// JSON request bodies for the chat routes, read by us and bounded: anything but `application/json` is
// refused with 415 before a byte is read (restify's bodyParser would hand multipart bodies to formidable,
// which writes them to the temp folder, ignores the size limit and never deletes them), a body over the
// limit gets 413, and one that is not a JSON object gets 400. Answers name no internals.
import type restify from 'restify';

export const JSON_MEDIA_TYPE = 'application/json';

function refuse(res: restify.Response, next: restify.Next, status: number, code: string, message: string): void {
  // The rest of a refused body is not read: close the connection rather than drain it.
  res.header('Connection', 'close');
  res.send(status, { error: { code, message } });
  next(false);
}

export function jsonBody(maxBytes: number): restify.RequestHandler {
  return (req, res, next) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== JSON_MEDIA_TYPE) return refuse(res, next, 415, 'UnsupportedMediaType', 'Send the body as application/json.');
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') return refuse(res, next, 415, 'UnsupportedMediaType', 'Send the body without a content encoding.');
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) return refuse(res, next, 413, 'PayloadTooLarge', 'The body is too large.');

    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      fn();
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        finish(() => refuse(res, next, 413, 'PayloadTooLarge', 'The body is too large.'));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => finish(() => next(false)));
    req.on('end', () =>
      finish(() => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return refuse(res, next, 400, 'BadRequest', 'The body is not valid JSON.');
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          return refuse(res, next, 400, 'BadRequest', 'A JSON object is expected.');
        }
        req.body = parsed;
        next();
      }),
    );
  };
}
