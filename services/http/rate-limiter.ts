/**
 * Token buckets by key: `perMinute` tokens refill evenly; up to `burst` can be spent at once.
 * Per instance (behind a load balancer each instance limits on its own); idle buckets are pruned.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly ratePerMs: number;
  private lastPrune = 0;

  constructor(
    perMinute: number,
    private readonly burst: number,
    private readonly clock: { now(): Date } = { now: () => new Date() },
  ) {
    if (perMinute <= 0 || burst <= 0) throw new Error('RateLimiter: perMinute and burst must be positive');
    this.ratePerMs = perMinute / 60_000;
  }

  /** Spends one token for `key`. Returns 0 when allowed, else the seconds to wait (for Retry-After). */
  take(key: string): number {
    const now = this.clock.now().getTime();
    this.prune(now);
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.ratePerMs);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerMs / 1000));
  }

  private prune(now: number): void {
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    const full = this.burst / this.ratePerMs;
    for (const [k, b] of this.buckets) if (now - b.at > full) this.buckets.delete(k);
  }
}
