// A token bucket per client (an address, a login): `perWindow` requests per window (a minute unless
// told), refilled continuously. Buckets idle long enough to be full again are dropped, so the map stays
// as small as the set of active clients.

/** PORTAL_API_RATE_PER_MINUTE's default: requests per minute per client address. */
export const DEFAULT_RATE_PER_MINUTE = 600;
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    private readonly perWindow: number,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 60_000,
  ) {}

  /** Takes one token; false (and the seconds to wait) when the client is over its rate. */
  take(client: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const ratePerMs = this.perWindow / this.windowMs;
    this.sweep(now, ratePerMs);
    const bucket = this.buckets.get(client) ?? { tokens: this.perWindow, at: now };
    bucket.tokens = Math.min(this.perWindow, bucket.tokens + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (bucket.tokens < 1) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)) };
    bucket.tokens -= 1;
    return { ok: true };
  }

  private sweep(now: number, ratePerMs: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [client, b] of this.buckets) if (b.tokens + (now - b.at) * ratePerMs >= this.perWindow) this.buckets.delete(client);
  }
}
