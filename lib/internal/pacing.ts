import type { SchedulerLike } from 'rxjs';
import type { Clock } from './clock.js';
import { delayError } from './describe.js';
import type { Stoppable } from './entry.js';
import type { FlowOptions } from './flowOptions.js';
import { SlidingWindow, TokenBucket, type RateLimiter } from './rateLimit.js';
import { scheduleAfter } from './timer.js';

/** What the pacing reports to: the gate (gate.ts). */
export interface PacingSink {
  /** The wait armed with `arm` is over: try starting again (it may still be too early: then arm again). */
  wake(): void;
}

/**
 * When the gate (gate.ts) may start a call: the rate limit's tokens (`rateLimit`) and the shared
 * cooldown (`cooldown`), on the engine's clock. All waiting is on the scheduler: one timer, armed
 * only while a start waits for a token or the cooldown.
 */
export class Pacing {
  /** When the cooldown ends, on the engine's clock; -1: none. */
  private coolUntil = -1;
  private timer: Stoppable | null = null;
  private readonly rate: RateLimiter | null;
  private readonly cooldown: ((error: unknown) => unknown) | null;

  constructor(
    options: FlowOptions,
    private readonly sink: PacingSink,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerLike,
    private readonly operator: string,
  ) {
    const rate = options.rateLimit;
    this.rate =
      rate === null
        ? null
        : rate.strict
          ? new SlidingWindow(rate.limit, rate.interval)
          : new TokenBucket(rate.limit, rate.interval, rate.burst);
    this.cooldown = options.cooldown;
  }

  /** Whether a start must ask `waitAt` (a rate limit is set or a cooldown may run). */
  get active(): boolean {
    return this.rate !== null || this.coolUntil >= 0;
  }

  /** Milliseconds a start must wait at `now` for the cooldown and a token; 0: it may start. */
  waitAt(now: number): number {
    let wait = 0;
    if (this.coolUntil >= 0) {
      if (now < this.coolUntil) wait = this.coolUntil - now;
      else this.coolUntil = -1;
    }
    if (this.rate !== null) wait = Math.max(wait, this.rate.wait(now));
    return wait;
  }

  /** A start happens at `now` (after `waitAt(now)` answered 0): it takes a token. */
  take(now: number): void {
    this.rate?.take(now);
  }

  /** Wakes the sink after `ms`, unless a wake-up is already armed (it re-arms if still too early). */
  arm(ms: number): void {
    if (this.timer !== null) return;
    this.timer = scheduleAfter(this.scheduler, ms, () => {
      this.timer = null;
      this.sink.wake();
    });
  }

  /** Stops the wake-up armed, if any (teardown). */
  stop(): void {
    if (this.timer !== null) {
      this.timer.unsubscribe();
      this.timer = null;
    }
  }

  /**
   * An attempt failed: asks the user's `cooldown` (if any) and starts or extends the cooldown by
   * its answer. Throws the user's error, or the error for a bad answer.
   */
  failed(error: unknown): void {
    if (this.cooldown !== null) this.coolDown(this.cooldown(error));
  }

  /** When the cooldown ends, on the scheduler's clock (`scheduler.now()`); 0 when none runs. */
  cooldownUntil(): number {
    if (this.coolUntil >= 0) {
      const left = this.coolUntil - this.clock.now();
      if (left > 0) return this.scheduler.now() + left;
    }
    return 0;
  }

  /** Starts (or extends) the cooldown by what the user's function answered; throws on a bad answer. */
  private coolDown(ms: unknown): void {
    if (ms === undefined || ms === 0) return;
    const error = delayError(ms, this.operator, 'config.cooldown(error)');
    if (error !== null) throw error;
    const until = this.clock.now() + Math.ceil(ms as number);
    if (until > this.coolUntil) this.coolUntil = until;
  }
}
