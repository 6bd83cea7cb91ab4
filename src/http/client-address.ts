// Who sent a request: the TCP peer, unless the peer is a reverse proxy we were told to trust
// (PORTAL_TRUSTED_PROXIES: addresses or CIDR ranges). Then the client is the nearest X-Forwarded-For hop
// that is not a trusted proxy: hops further left were written by the client itself and prove nothing.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** An address without IPv4-mapped IPv6 dressing ("::ffff:10.0.0.5" → "10.0.0.5"). */
function plainAddress(address: string): string {
  return address.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

/** Whether an address is one of the trusted proxies. */
export type TrustedProxies = (address: string) => boolean;

/** The trusted proxies as one matcher (entries must pass config/address-or-range.ts). */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  // No proxy configured (the usual case): nothing to ask per request (a BlockList check builds a
  // SocketAddress each time, 1% of the portal's CPU under load).
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.trim().split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** The TCP peer; behind trusted proxies, the last X-Forwarded-For hop that is not one of them. */
export function clientAddress(req: Pick<IncomingMessage, 'socket' | 'headers'>, isTrusted: TrustedProxies): string {
  const peer = plainAddress(req.socket.remoteAddress ?? 'unknown');
  if (!isTrusted(peer)) return peer;
  const hops = String(req.headers['x-forwarded-for'] ?? '').split(',').map(plainAddress).filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return peer; // a proxy writes addresses; anything else is not one
    if (!isTrusted(hop)) return hop;
  }
  return peer;
}
