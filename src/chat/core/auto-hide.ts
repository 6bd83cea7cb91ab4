// Shown secrets hide themselves. When a surface shows a one-time secret it schedules, under the secret's
// reference, how to hide it: ask the service for the viewer's own `secret.hide` answer, and put that
// card in place of the message that shows the secret. The timers live in this process only (bounded,
// cleared on shutdown): after a restart a pending hide is lost and the secret stays until Hide is pressed.
import type { Logger } from '../../ports/logger.port';
import type { View } from '../../service/kernel';

export interface PendingHide {
  /** The card that replaces the secret: the service's answer to the viewer's `secret.hide`. */
  readonly press: () => Promise<View>;
  /** Puts `view` in place of the message that shows the secret. */
  readonly replace: (view: View) => Promise<void>;
}

export const MAX_PENDING_HIDES = 1000;

export class AutoHide {
  private readonly pending = new Map<string, { readonly timer: NodeJS.Timeout; readonly hide: PendingHide }>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly logger: Logger,
    private readonly max = MAX_PENDING_HIDES,
  ) {}

  schedule(ref: string, afterMs: number, hide: PendingHide): void {
    this.take(ref);
    // Bounded: past the limit the oldest secret is hidden early rather than never.
    for (const oldest of this.pending.keys()) {
      if (this.pending.size < this.max) break;
      this.fire(oldest);
    }
    const timer = setTimeout(() => this.fire(ref), Math.max(0, afterMs));
    timer.unref();
    this.pending.set(ref, { timer, hide });
  }

  /** The viewer pressed Hide: the timer is dropped; returns how to replace the message, if still pending. */
  take(ref: string): PendingHide | undefined {
    const entry = this.pending.get(ref);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.pending.delete(ref);
    return entry.hide;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves when the hides already firing have finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Shutdown: forget every pending hide (see the README: a restart loses them). */
  close(): void {
    for (const ref of [...this.pending.keys()]) this.take(ref);
  }

  private fire(ref: string): void {
    const hide = this.take(ref);
    if (!hide) return;
    const run = (async () => hide.replace(await hide.press()))()
      .catch((err: unknown) => this.logger.error({ err }, 'could not hide a shown secret'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
