// Where the helpdesk keeps its state: a SQLite file, or a MongoDB database (STORE_URL).
import path from 'node:path';
import { integration, optional } from '../integration';
import type { Config } from '../config';

const SQLITE = /^sqlite:(.+)$/;
const MONGO = /^mongodb(\+srv)?:\/\/.+/;

export const store = integration({
  variables: {
    STORE_URL: optional
      .transform((v) => v ?? 'sqlite:./data/helpdesk.db')
      .refine((v) => SQLITE.test(v) || MONGO.test(v), 'must be sqlite:<path> or mongodb://…'),
  },
  build: (env): Pick<Config, 'store' | 'dataDir'> => {
    const sqlitePath = SQLITE.exec(env.STORE_URL)?.[1];
    // Dev-generated files (the SECRETS_KEY of local mode) live beside the SQLite file, or in ./data.
    return sqlitePath !== undefined
      ? { store: { kind: 'sqlite', path: sqlitePath }, dataDir: path.dirname(sqlitePath) }
      : { store: { kind: 'mongodb', url: env.STORE_URL }, dataDir: './data' };
  },
});
