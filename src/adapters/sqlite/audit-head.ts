// The audit chain's head (last seq and its hash), kept beside the chain and updated in the same
// transaction as each append.
//
// What it protects against: removing the LAST entries. The chain alone cannot show that (what is left
// still links up), but the head still names the old last seq and hash, so verify() sees the gap. The
// head carries an HMAC under the audit key, so someone with write access to the file but without the
// key cannot move the head back to match a truncated chain, and append() refuses to extend a head
// whose MAC fails (so it cannot launder a forged one).
// What it does not protect against: restoring an older copy of the whole file (chain and head
// together are then consistent), or anyone holding the audit key. That needs the head anchored
// outside the store (e.g. logged or sent elsewhere periodically).
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

export function headMac(key: Buffer, head: AuditHead): string {
  return createHmac('sha256', key).update(`audit-head\n${head.seq}\n${head.hash}`).digest('hex');
}

export function headMacMatches(key: Buffer, head: AuditHead, mac: string): boolean {
  const expected = Buffer.from(headMac(key, head), 'hex');
  const actual = Buffer.from(mac, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
