// "This machine only", for the local surfaces (the console, its Direct Line endpoint, the dev outbox and
// the unauthenticated Bot Framework endpoint): a loopback peer, and a Host header naming loopback (which
// defeats DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends Host: evil.example).
import type restify from 'restify';

const LOOPBACK_PEER = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;
const LOOPBACK_HOSTNAME = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

export function localOnly(allowRemote = false): restify.RequestHandler {
  return (req, res, next) => {
    if (allowRemote) return next();
    const peer = req.socket.remoteAddress ?? '';
    const host = req.headers.host ?? '';
    if (!LOOPBACK_PEER.test(peer) || !LOCAL_HOST.test(host)) {
      res.send(403, { error: { code: 'Forbidden', message: 'This endpoint only answers on this machine (http://localhost).' } });
      return next(false);
    }
    return next();
  };
}

/** An http(s) URL on this machine (localhost, 127.x.x.x, [::1]). */
export function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTNAME.test(url.hostname) && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
