// The MongoDB backdoor for the store contract: the driver on the same database for the audit records, and
// the store's proxy cut for an unwritable store.
import type { Db } from 'mongodb';
import type { PausingProxy } from '../helpers/pausing-proxy';
import type { AuditPatch, Tamper, Unwritable } from './store.contract';

export function mongoTamper(db: Db, proxy: PausingProxy, failWithinMs: number): Tamper {
  const audit = db.collection<{ _id: number }>('audit');
  return {
    async updateAuditEntry(seq, patch: AuditPatch) {
      const set: Record<string, unknown> = {};
      const unset: Record<string, ''> = {};
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) unset[k] = '';
        else set[k] = v;
      }
      await audit.updateOne({ _id: seq }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
    },
    async deleteAuditEntry(seq) {
      await audit.deleteOne({ _id: seq });
    },
    async makeUnwritable(): Promise<Unwritable> {
      proxy.pause();
      return {
        failWithinMs,
        async release() {
          proxy.resume();
        },
      };
    },
  };
}
