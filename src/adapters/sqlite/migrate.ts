// Applies the migrations not yet recorded in schema_migrations, in order, each in its own IMMEDIATE
// transaction (taking the write lock first, so two processes opening the same file at once cannot
// both apply one).
import type Database from 'better-sqlite3';
import type { Migration } from './migrations';

/** Returns the versions applied by this call. */
export function migrate(db: Database.Database, migrations: readonly Migration[], now: Date): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const isApplied = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?');
  const record = db.prepare<[number, string, number]>('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    db.transaction(() => {
      if (isApplied.get(m.version)) return; // re-checked under the lock
      db.exec(m.sql);
      record.run(m.version, m.name, now.getTime());
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}
