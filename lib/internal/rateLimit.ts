/**
 * The rate limits on call starts (`rateLimit`), one per subscription. Both answer how long a start
 * must wait at a given time (0: it may start now) and record the starts they allow; times are the
 * engine's clock (whole ms since the subscription started), so both are exact in virtual time.
 */
export interface RateLimiter {
  /** Milliseconds until a start may happen, as of `now` (0: now). */
  wait(now: number): number;
  /** A start happens at `now` (after `wait(now)` answered 0). */
  take(now: number): void;
}

/**
 * A token bucket: `burst` tokens at most, refilled at `limit` per `interval` ms, one taken per
 * start. Kept in integer units (a token is `interval` units, and each ms adds `limit`), so that
 * refills never drift however long it runs. Over any span of `d` ms it allows at most
 * `burst + floor(d * limit / interval)` starts.
 */
export class TokenBucket implements RateLimiter {
  private units: number;
  private readonly full: number;
  private last = 0;

  constructor(
    private readonly limit: number,
    private readonly interval: number,
    burst: number,
  ) {
    this.units = this.full = burst * interval;
  }

  wait(now: number): number {
    if (now > this.last) {
      // Cap the elapsed time first, so that a long idle spell cannot overflow the product.
      const elapsed = Math.min(now - this.last, Math.ceil(this.full / this.limit));
      this.units = Math.min(this.full, this.units + elapsed * this.limit);
      this.last = now;
    }
    return this.units >= this.interval ? 0 : Math.ceil((this.interval - this.units) / this.limit);
  }

  take(): void {
    this.units -= this.interval;
  }
}

/**
 * The strict limit, a sliding window: a start is allowed when fewer than `limit` starts happened
 * in the `interval` ms before it, so no window of `interval` ms (a start at `t` and one at
 * `t + interval` are in different windows) ever holds more than `limit` starts. It keeps the times
 * of the last `limit` starts, in a ring that grows only as far as starts have been made.
 */
export class SlidingWindow implements RateLimiter {
  private readonly times: number[] = [];
  /** The slot of the oldest of the last `limit` starts, once the ring is full. */
  private oldest = 0;

  constructor(
    private readonly limit: number,
    private readonly interval: number,
  ) {}

  wait(now: number): number {
    if (this.times.length < this.limit) return 0;
    const free = this.times[this.oldest] + this.interval;
    return free <= now ? 0 : free - now;
  }

  take(now: number): void {
    if (this.times.length < this.limit) this.times.push(now);
    else {
      this.times[this.oldest] = now;
      this.oldest = (this.oldest + 1) % this.limit;
    }
  }
}
