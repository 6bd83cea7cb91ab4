// Who sent a request: the TCP peer, unless the peer is a reverse proxy we were told to trust
// (PORTAL_TRUSTED_PROXIES). Then the client is the nearest X-Forwarded-For hop that is not a trusted
// proxy: hops further left were written by the client itself and prove nothing.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** An address without IPv4-mapped IPv6 dressing ("::ffff:10.0.0.5" → "10.0.0.5"). */
export function plainAddress(address: string): string {
  return address.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

/** The TCP peer; behind trusted proxies, the last X-Forwarded-For hop that is not one of them. */
export function clientAddress(req: Pick<IncomingMessage, 'socket' | 'headers'>, trusted: ReadonlySet<string>): string {
  const peer = plainAddress(req.socket.remoteAddress ?? 'unknown');
  if (!trusted.has(peer)) return peer;
  const hops = String(req.headers['x-forwarded-for'] ?? '').split(',').map(plainAddress).filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!trusted.has(hop)) return isIP(hop) !== 0 ? hop : peer; // a proxy writes addresses; anything else is not one
  }
  return peer;
}
