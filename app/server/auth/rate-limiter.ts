/**
 * Token buckets keyed by any string (an account, an address, a sender). In memory: each replica
 * limits on its own, which bounds abuse per replica without a round trip per request.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
  ) {}

  /** Takes one token; false when the bucket is empty. */
  take(key: string, now = Date.now()): boolean {
    const bucket = this.refill(key, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Whether a token is available, without taking one. */
  peek(key: string, now = Date.now()): boolean {
    return this.refill(key, now).tokens >= 1;
  }

  reset(key: string): void {
    this.buckets.delete(key);
  }

  private refill(key: string, now: number) {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.capacity, updatedAt: now };
      this.buckets.set(key, bucket);
      if (this.buckets.size > 100_000) this.evictFull(now);
    }
    const elapsed = (now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.capacity, bucket.tokens + elapsed * this.refillPerSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  private evictFull(now: number) {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.refillPerSecond >= this.capacity) this.buckets.delete(key);
    }
  }
}
