// The contract between bench/run.ts and each bench/*.bench.ts.

export type StoreKind = 'sqlite' | 'mongodb';

/** The store a bench's program runs on: a temporary SQLite file of its own, or a fresh database on the run's MongoDB (FerretDB). */
export type BenchStore = { readonly kind: 'sqlite' } | { readonly kind: 'mongodb'; readonly url: string };

export interface BenchContext {
  readonly log: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly store: BenchStore;
}

export interface Budget {
  readonly name: string;
  readonly measured: string;
  readonly budget: string;
  readonly ok: boolean;
  /** Beside the bot's figure in the table: the framework floor's and the raw LDAP work's, when the budget compares them. */
  readonly floor?: string;
  readonly rawLdap?: string;
  /** Reported beside the budgets, judged by none (e.g. the p99 one at a time): the table says "info". */
  readonly info?: boolean;
}

export interface BenchReport {
  readonly name: string;
  /** Free-form lines: what was measured, how. */
  readonly lines: readonly string[];
  readonly budgets: readonly Budget[];
}

export interface BenchModule {
  run(ctx: BenchContext): Promise<BenchReport>;
  /** The stores the bench runs on, once each (default: SQLite only); the table puts each store's rows side by side. */
  readonly stores?: readonly StoreKind[];
}
