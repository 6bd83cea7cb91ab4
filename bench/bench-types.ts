// The contract between bench/run.ts and each bench/*.bench.ts.

export interface BenchContext {
  readonly log: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export interface Budget {
  readonly name: string;
  readonly measured: string;
  readonly budget: string;
  readonly ok: boolean;
}

export interface BenchReport {
  readonly name: string;
  /** Free-form lines: what was measured, how. */
  readonly lines: readonly string[];
  readonly budgets: readonly Budget[];
}

export interface BenchModule {
  run(ctx: BenchContext): Promise<BenchReport>;
}
