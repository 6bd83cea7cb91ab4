// Hash chain for the helpdesk audit trail. Each entry's hash is an HMAC over the previous hash and the
// entry's canonical form, keyed by a server secret: editing, inserting or removing an entry breaks the
// chain, and without the key nobody can rebuild a consistent one.
import { createHmac } from 'node:crypto';
import type { AuditEntryInput } from './audit-entry';

export const GENESIS_HASH = '0'.repeat(64);

/** Stable serialisation: fixed key order, dates as ISO strings, absent fields as null. */
export function canonicalAuditEntry(seq: number, e: AuditEntryInput): string {
  return JSON.stringify([
    seq, e.at.toISOString(), e.correlationId, e.surface, e.actor, e.role, e.action,
    e.target ?? null, e.outcome, e.code ?? null, e.detail ?? null,
  ]);
}

export function chainHash(key: Buffer, prevHash: string, seq: number, e: AuditEntryInput): string {
  return createHmac('sha256', key).update(prevHash).update('\n').update(canonicalAuditEntry(seq, e)).digest('hex');
}
