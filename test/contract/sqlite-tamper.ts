// The SQLite backdoor for the store contract: a second better-sqlite3 connection on the same file.
import Database from 'better-sqlite3';
import type { AuditPatch, Tamper, Unwritable } from './store.contract';

const COLUMNS: Record<keyof AuditPatch, string> = {
  at: 'at', correlationId: 'correlation_id', surface: 'surface', actor: 'actor', role: 'role', action: 'action',
  target: 'target', outcome: 'outcome', code: 'code', detail: 'detail', prevHash: 'prev_hash', hash: 'hash',
};

function withConnection(path: string, fn: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

/** Drops the append-only triggers, runs `fn`, and puts the triggers back — in one transaction. */
function pastTriggers(db: Database.Database, fn: () => void): void {
  const triggers = db.prepare<[], { name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'helpdesk_audit'").all();
  db.transaction(() => {
    for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
    fn();
    for (const t of triggers) db.exec(t.sql);
  })();
}

export function sqliteTamper(path: string, busyTimeoutMs: number): Tamper {
  return {
    async updateAuditEntry(seq, patch) {
      const keys = Object.keys(patch) as (keyof AuditPatch)[];
      const values = keys.map((k) => {
        const v = patch[k];
        return v instanceof Date ? v.getTime() : (v ?? null);
      });
      const sets = keys.map((k) => `${COLUMNS[k]} = ?`).join(', ');
      withConnection(path, (db) => pastTriggers(db, () => {
        db.prepare(`UPDATE helpdesk_audit SET ${sets} WHERE seq = ?`).run(...values, seq);
      }));
    },
    async deleteAuditEntry(seq) {
      withConnection(path, (db) => pastTriggers(db, () => {
        db.prepare('DELETE FROM helpdesk_audit WHERE seq = ?').run(seq);
      }));
    },
    async makeUnwritable(): Promise<Unwritable> {
      const db = new Database(path);
      db.exec('BEGIN EXCLUSIVE'); // holds the write lock until released
      return {
        failWithinMs: busyTimeoutMs,
        async release() {
          db.exec('ROLLBACK');
          db.close();
        },
      };
    },
  };
}
