// What PORTAL_TRUSTED_PROXIES accepts. Config validates it here; http/client-address.ts trusts the entries
// it is given, so the configuration never has to import the HTTP layer.
import { isIP } from 'node:net';

/** "10.0.0.2" or "10.0.0.0/8" (IPv4 or IPv6). */
export function isAddressOrRange(value: string): boolean {
  const [address = '', bits, extra] = value.trim().split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
