// Approval requests on SQLite. The decision is one conditional UPDATE: of two concurrent presses, only
// one finds the row still pending.
import type Database from 'better-sqlite3';
import type { Approval, ApprovalKind, ApprovalRepository } from '../../ports/approvals.port';
import { guard } from './store-unavailable';

interface ApprovalRow {
  id: string;
  kind: string;
  requester: string;
  target: string;
  status: string;
  decided_by: string | null;
  created_at: number;
  decided_at: number | null;
  expires_at: number;
  requester_chat_user_id: string;
  requester_name: string;
  target_name: string;
  decided_by_name: string | null;
  shown_at: number | null;
}

function toApproval(r: ApprovalRow, now: number): Approval {
  const status = r.status === 'pending' && r.expires_at <= now ? 'expired' : (r.status as Approval['status']);
  return {
    id: r.id, kind: r.kind as ApprovalKind, requester: r.requester, requesterChatUserId: r.requester_chat_user_id, requesterName: r.requester_name,
    target: r.target, targetName: r.target_name, status,
    ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
    ...(r.decided_by_name ? { decidedByName: r.decided_by_name } : {}),
    ...(r.decided_at !== null ? { decidedAt: new Date(r.decided_at) } : {}),
    createdAt: new Date(r.created_at), expiresAt: new Date(r.expires_at),
    ...(r.shown_at !== null ? { shownAt: new Date(r.shown_at) } : {}),
  };
}

export function sqliteApprovals(db: Database.Database): ApprovalRepository {
  const insert = db.prepare(`INSERT INTO approvals (id, kind, requester, target, status, created_at, expires_at,
    requester_chat_user_id, requester_name, target_name) VALUES (@id, @kind, @requester, @target, 'pending', @createdAt, @expiresAt,
    @requesterChatUserId, @requesterName, @targetName)`);
  const read = db.prepare<[string], ApprovalRow>('SELECT * FROM approvals WHERE id = ?');
  const pending = db.prepare<[string, string, string, number], ApprovalRow>(`SELECT * FROM approvals WHERE kind = ? AND requester = ? AND target = ?
    AND status = 'pending' AND expires_at > ? ORDER BY created_at DESC LIMIT 1`);
  const decide = db.prepare<[string, string, string, number, string, number]>(`UPDATE approvals SET status = ?, decided_by = ?,
    decided_by_name = ?, decided_at = ? WHERE id = ? AND status = 'pending' AND expires_at > ?`);
  const open = db.prepare<[number, number], ApprovalRow>(`SELECT * FROM approvals WHERE status = 'pending' AND expires_at > ?
    ORDER BY created_at DESC, id LIMIT ?`);
  const shown = db.prepare<[number, string]>(`UPDATE approvals SET shown_at = ? WHERE id = ? AND status = 'approved' AND shown_at IS NULL`);

  return {
    async create(a) {
      guard('approval create', () => {
        insert.run({
          id: a.id, kind: a.kind, requester: a.requester, target: a.target, createdAt: a.createdAt.getTime(), expiresAt: a.expiresAt.getTime(),
          requesterChatUserId: a.requesterChatUserId, requesterName: a.requesterName, targetName: a.targetName,
        });
      });
    },
    async find(id, now) {
      return guard('approval find', () => {
        const row = read.get(id);
        return row ? toApproval(row, now.getTime()) : undefined;
      });
    },
    async findPending(kind, requester, target, now) {
      return guard('approval findPending', () => {
        const row = pending.get(kind, requester, target, now.getTime());
        return row ? toApproval(row, now.getTime()) : undefined;
      });
    },
    async decide(id, status, by, byName, now) {
      return guard('approval decide', () => {
        const changed = decide.run(status, by, byName, now.getTime(), id, now.getTime()).changes === 1;
        const row = read.get(id);
        const approval = row ? toApproval(row, now.getTime()) : undefined;
        return changed && approval ? { ok: true as const, approval } : { ok: false as const, approval };
      });
    },
    async listPending(now, limit) {
      return guard('approval listPending', () =>
        open.all(now.getTime(), Math.max(0, Math.floor(limit))).map((row) => toApproval(row, now.getTime())));
    },
    async markShown(id, now) {
      return guard('approval markShown', () => shown.run(now.getTime(), id).changes === 1);
    },
  };
}
