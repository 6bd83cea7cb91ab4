// Single-use confirmation tokens on SQLite. Consuming is one conditional UPDATE, so of any number of
// concurrent consumers (in this process or another) exactly one sees a changed row.
import type Database from 'better-sqlite3';
import type { Action } from '../../domain/policy';
import type { ConfirmationRepository, ConsumeResult, PendingConfirmation } from '../../ports/confirmations.port';
import { guard } from './store-unavailable';

interface ConfirmationRow {
  token_hash: string;
  actor: string;
  action: string;
  target: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export function sqliteConfirmations(db: Database.Database): ConfirmationRepository {
  const insert = db.prepare<[string, string, string, string, number, number]>(`INSERT INTO confirmations
    (token_hash, actor, action, target, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, NULL)`);
  const consume = db.prepare<[number, string, string, number], ConfirmationRow>(`UPDATE confirmations SET used_at = ?
    WHERE token_hash = ? AND used_at IS NULL AND actor = ? AND expires_at > ?
    RETURNING *`);
  const read = db.prepare<[string], ConfirmationRow>('SELECT * FROM confirmations WHERE token_hash = ?');
  const purge = db.prepare<[number, number]>(`DELETE FROM confirmations WHERE token_hash IN
    (SELECT token_hash FROM confirmations WHERE expires_at < ? LIMIT ?)`);

  const pending = (row: ConfirmationRow): PendingConfirmation => ({
    tokenHash: row.token_hash,
    actor: row.actor,
    action: row.action as Action, // only save() writes this column, from a typed Action
    target: row.target,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  });
  // Refused: say why. Another agent learns only "wrong-actor", not whether the token was used.
  const refusal = (row: ConfirmationRow | undefined, actor: string): ConsumeResult => {
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.actor !== actor) return { ok: false, reason: 'wrong-actor' };
    if (row.used_at !== null) return { ok: false, reason: 'used' };
    return { ok: false, reason: 'expired' };
  };

  return {
    async save(c: PendingConfirmation): Promise<void> {
      guard('confirmation save', () => {
        insert.run(c.tokenHash, c.actor, c.action, c.target, c.createdAt.getTime(), c.expiresAt.getTime());
      });
    },
    async consume(tokenHash: string, actor: string, now: Date): Promise<ConsumeResult> {
      return guard('confirmation consume', (): ConsumeResult => {
        const at = now.getTime();
        const used = consume.get(at, tokenHash, actor, at);
        return used ? { ok: true, confirmation: pending(used) } : refusal(read.get(tokenHash), actor);
      });
    },
    async check(tokenHash: string, actor: string, now: Date): Promise<ConsumeResult> {
      return guard('confirmation check', (): ConsumeResult => {
        const row = read.get(tokenHash);
        return row && row.actor === actor && row.used_at === null && row.expires_at > now.getTime()
          ? { ok: true, confirmation: pending(row) }
          : refusal(row, actor);
      });
    },
    async purgeExpired(before: Date, max: number): Promise<number> {
      return guard('confirmation purge', () => purge.run(before.getTime(), Math.max(0, Math.floor(max))).changes);
    },
  };
}
