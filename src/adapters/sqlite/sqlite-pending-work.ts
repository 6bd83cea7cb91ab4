// Pending chat work and work leases on SQLite (pending-work.port.ts): a lease is a unique-key insert
// (INSERT OR IGNORE, one row changed = ours) after purging expired leases; removal counts its rows.
import type Database from 'better-sqlite3';
import type { PendingWork, PendingWorkRepository } from '../../ports/pending-work.port';
import { guard } from './store-unavailable';

interface WorkRow {
  key: string;
  grp: string;
  due_at: number | null;
  payload: string;
  expires_at: number;
}

function work(r: WorkRow): PendingWork {
  return { key: r.key, group: r.grp, ...(r.due_at !== null ? { dueAt: new Date(r.due_at) } : {}), payload: r.payload, expiresAt: new Date(r.expires_at) };
}

export function sqlitePendingWork(db: Database.Database): PendingWorkRepository {
  const purge = db.prepare<[number]>('DELETE FROM pending_work WHERE expires_at <= ?');
  const insert = db.prepare<[string, string, number | null, string, number]>(
    'INSERT OR IGNORE INTO pending_work (key, grp, due_at, payload, expires_at) VALUES (?, ?, ?, ?, ?)');
  const due = db.prepare<[number, number, number, string, number], WorkRow>(
    'SELECT * FROM pending_work WHERE due_at IS NOT NULL AND due_at <= ? AND expires_at > ? AND substr(grp, 1, ?) = ? ORDER BY due_at, seq LIMIT ?');
  const inGroup = db.prepare<[string, number], WorkRow>('SELECT * FROM pending_work WHERE grp = ? AND expires_at > ? ORDER BY seq');
  const purgeLeases = db.prepare<[number]>('DELETE FROM work_leases WHERE until <= ?');
  const lease = db.prepare<[string, number]>('INSERT OR IGNORE INTO work_leases (key, until) VALUES (?, ?)');
  const remove = db.prepare<[string]>('DELETE FROM pending_work WHERE key = ?');
  const release = db.prepare<[string]>('DELETE FROM work_leases WHERE key = ?');
  const removeTx = db.transaction((key: string) => {
    const removed = remove.run(key).changes === 1;
    release.run(key);
    return removed;
  });

  return {
    async add(w, now) {
      return guard('pending work add', () => {
        purge.run(now.getTime());
        return insert.run(w.key, w.group, w.dueAt ? w.dueAt.getTime() : null, w.payload, w.expiresAt.getTime()).changes === 1;
      });
    },
    async due(dueBy, now, limit, groupPrefix = '') {
      const n = Math.max(0, Math.floor(limit));
      return guard('pending work due', () => (n === 0 ? [] : due.all(dueBy.getTime(), now.getTime(), groupPrefix.length, groupPrefix, n).map(work)));
    },
    async inGroup(group, now) {
      return guard('pending work group', () => inGroup.all(group, now.getTime()).map(work));
    },
    async lease(key, now, until) {
      return guard('work lease', () => {
        purgeLeases.run(now.getTime());
        return lease.run(key, until.getTime()).changes === 1;
      });
    },
    async remove(key) {
      // One transaction: a busy store makes the call be tried again (busy-retry.ts), which must not find
      // the work already removed by a first try that failed only at the release.
      return guard('pending work remove', () => removeTx.immediate(key));
    },
  };
}
