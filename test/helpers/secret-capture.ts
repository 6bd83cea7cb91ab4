// Everything a run left behind, to search for secrets: the log lines (the real pino logger into memory),
// every row of every table of the SQLite file, and the cards/messages a test collected.
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { createLogger } from '../../src/adapters/logging/pino-logger';
import type { Logger } from '../../src/ports/logger.port';

export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** Every row of every table, as JSON text (BLOBs as hex). */
export function storeDump(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    const rows: string[] = [];
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
        rows.push(`${name}: ${JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))}`);
      }
    }
    return rows;
  } finally {
    db.close();
  }
}

/** The places (by label) where `secret` appears. */
export function whereFound(secret: string, places: Record<string, readonly string[]>): string[] {
  return Object.entries(places).flatMap(([label, texts]) => texts.filter((t) => t.includes(secret)).map((t) => `${label}: ${t.slice(0, 200)}`));
}
