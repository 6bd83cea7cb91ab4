// Graceful shutdown: on SIGTERM (or SIGINT) stop taking requests, let in-flight ones finish, then close
// the adapters (directory connections, the store) — and exit anyway if that takes too long.
import type { Logger } from '../ports/logger.port';

export interface ShutdownStep {
  readonly name: string;
  readonly run: () => Promise<void> | void;
}

export interface GracefulShutdownOptions {
  readonly logger: Logger;
  /** Run in order: typically the HTTP server first, then the chat surfaces, the directory, the store. */
  readonly steps: readonly ShutdownStep[];
  /** Hard deadline after which the process exits with status 1. */
  readonly timeoutMs?: number;
  readonly signals?: readonly NodeJS.Signals[];
  /** Injected by tests; defaults to process.exit. */
  readonly exit?: (code: number) => void;
}

/** Installs the signal handlers; returns the shutdown function (also usable directly) and an uninstaller. */
export function installGracefulShutdown(options: GracefulShutdownOptions): { shutdown: (reason: string) => Promise<void>; uninstall: () => void } {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let running: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    if (running) return running;
    running = (async () => {
      options.logger.info({ reason }, 'shutting down');
      const deadline = setTimeout(() => {
        options.logger.error({ timeoutMs: options.timeoutMs ?? 10_000 }, 'shutdown took too long; exiting');
        exit(1);
      }, options.timeoutMs ?? 10_000);
      deadline.unref();
      let code = 0;
      for (const step of options.steps) {
        try {
          await step.run();
        } catch (err) {
          code = 1;
          options.logger.error({ err, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(deadline);
      options.logger.info({}, 'shut down');
      exit(code);
    })();
    return running;
  };

  const handlers = signals.map((signal) => {
    const handler = () => void shutdown(signal);
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return {
    shutdown,
    uninstall: () => handlers.forEach(([signal, handler]) => process.off(signal, handler)),
  };
}
