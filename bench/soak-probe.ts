// Preloaded into the program under soak (node --require): every SOAK_SAMPLE_MS it prints one line
// `SOAK {"rss":…,"heap":…,"lagP99":…,"lagMax":…}` to stderr — resident memory, the live heap (after a full
// GC when --expose-gc is on, so a leak shows and the sawtooth does not), and the event loop's delay since the
// last line. Nothing else of the program changes.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const every = Number(process.env.SOAK_SAMPLE_MS) || 10_000;
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

const timer = setInterval(() => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  process.stderr.write(`SOAK ${JSON.stringify({ rss: m.rss, heap: m.heapUsed, lagP99: ms(delay.percentile(99)), lagMax: ms(delay.max) })}\n`);
  delay.reset();
}, every);
timer.unref();
