import type { ObservableInput, SchedulerLike } from 'rxjs';
import type { AdaptiveLimit } from './adaptiveLimit.js';
import type { AsyncWaitMonitor } from './AsyncWaitMonitor.js';

/**
 * What `fn` receives besides the value and its index: a way to cancel the call, and which attempt
 * this is.
 */
export interface AsyncContext {
  /**
   * Aborted when this element's entry is timed out, fails for good, is torn down by an error
   * elsewhere, or is unsubscribed; never for an entry that completed normally. One signal per
   * element, shared by all its attempts. Created on first read, so an `fn` that never reads it
   * costs nothing.
   */
  readonly signal: AbortSignal;
  /** 1 on the first call for this element, 2 on the first retry, and so on. */
  readonly attempt: number;
}

/**
 * The user's asynchronous call (Flink's `AsyncFunction.asyncInvoke`): turns one source value into
 * an `ObservableInput` whose values, once it completes, are that element's result.
 *
 * @param value The source value.
 * @param index The value's position in the source, from 0.
 * @param context The element's abort signal and attempt number.
 */
export type AsyncFunction<T, R> = (value: T, index: number, context: AsyncContext) => ObservableInput<R>;

/**
 * Retry after a failed attempt (Flink FLIP-232). An attempt fails when its inner errors (or `fn`
 * throws) and `ifError` accepts the error, or when it completes and `ifResult` accepts the result.
 */
export interface AsyncRetryConfig<T, R> {
  /** Most retries: `fn` is called at most `count + 1` times per element. Integer >= 0, or `Infinity`. */
  count: number;
  /**
   * Milliseconds to wait before retry `n` (n = 1, 2, ...), on the configured scheduler. A number,
   * or a function of `n` (and of the element's source index, which a jittered delay may use to be
   * a pure function of both); see {@link fixedDelay} and {@link exponentialDelay}. Default 0:
   * retry at once.
   */
  delay?: number | ((retry: number, index: number) => number);
  /** Whether to retry after this error. Default: always. */
  ifError?: (error: unknown, value: T) => boolean;
  /** Whether to retry after this (complete) result. Default: never. */
  ifResult?: (result: readonly R[], value: T) => boolean;
  /**
   * Keeps retries within a share of first attempts, so that an outage does not multiply the load
   * by `count + 1`; see {@link RetryBudgetConfig}. A retry it refuses is not made: the attempt's
   * error (or result) stands, as when no retry is left. Default: no budget.
   */
  budget?: RetryBudgetConfig;
}

/**
 * A retry budget (as Finagle's): over the last `window` ms of a subscription, at most `ratio`
 * retries per first attempt that ended, plus `minPerSecond` retries per second of the window.
 */
export interface RetryBudgetConfig {
  /** Retries allowed per first attempt: a finite number >= 0 (0.2: one retry per five calls). */
  ratio: number;
  /** Retries allowed per second whatever the ratio, so that a slow stream may retry: a finite number >= 0. Default 10. */
  minPerSecond?: number;
  /** The span the budget counts over, in milliseconds: an integer >= 10. Default 10,000. */
  window?: number;
}

/**
 * A rate limit on call starts, first attempts and retries alike. Lossless: a start that would
 * exceed it waits (in its place in line), nothing is dropped.
 */
export interface RateLimitConfig {
  /** Starts per `interval`: an integer >= 1. */
  limit: number;
  /** The interval, in milliseconds: an integer >= 1. */
  interval: number;
  /**
   * A token bucket's size: how many starts may happen at once after a quiet spell; refilled at
   * `limit` per `interval`. An integer >= 1; default `limit`. Any span of `d` ms then holds at most
   * `burst + floor(d * limit / interval)` starts. Not with `strict`.
   */
  burst?: number;
  /**
   * A sliding window instead of a bucket: no window of `interval` ms ever holds more than `limit`
   * starts (what quotas such as "100 requests per minute" usually mean). Default false.
   */
  strict?: boolean;
}

/** Options of {@link orderedWait} and {@link unorderedWait}, the config form. */
export interface AsyncWaitConfig<T, R> {
  /**
   * Milliseconds from the first call of `fn` for an element to its final result, retries included.
   * `> 0`, or `Infinity` for none. Default: `Infinity`.
   */
  timeout?: number;
  /**
   * Most elements held at once (in flight, waiting for a retry, or completed and waiting behind an
   * earlier element). Integer >= 1, or `Infinity`. Default: 100, as in Flink.
   */
  capacity?: number;
  /**
   * Called when an element times out; its result takes the element's place (return `EMPTY` to drop
   * it). Without it, a timeout errors the output with {@link AsyncTimeoutError}. Its result must
   * complete: it is not timed, and an ordered output waits for it.
   */
  onTimeout?: (value: T, index: number) => ObservableInput<R>;
  /**
   * Called when an element fails for good (after its retries); its result takes the element's
   * place (return `EMPTY` to drop it). Without it, a failure errors the output.
   */
  onError?: (error: unknown, value: T, index: number) => ObservableInput<R>;
  /** Retry failed attempts; see {@link AsyncRetryConfig}. Default: no retry. */
  retry?: AsyncRetryConfig<T, R>;
  /**
   * Most calls in flight at once, counting calls running, retry waits and fallbacks running (an
   * element holds its permit from its first call until its result is final), while `capacity`
   * keeps bounding the elements held, completed ones waiting in order included. An integer from 1
   * to `capacity`, or an {@link adaptiveLimit}. Default: `capacity`, as without it. See
   * docs/flow-control.md.
   */
  maxInFlight?: number | AdaptiveLimit;
  /** Limits how often calls start; see {@link RateLimitConfig}. Default: no limit. */
  rateLimit?: RateLimitConfig;
  /**
   * A shared cooldown: called with the error of every failed attempt; when it answers a number
   * of milliseconds (from a 429's `Retry-After`, say), no call starts anywhere in the operator
   * until that time has passed. Timeouts keep running meanwhile, and the element itself is
   * retried (or not) as `retry` says. Answer `undefined` (or 0) for no cooldown.
   */
  cooldown?: (error: unknown) => number | undefined;
  /** Where timeouts and retry delays run. Default: `asyncScheduler` (virtual inside `TestScheduler.run`). */
  scheduler?: SchedulerLike;
  /**
   * Order results per key instead: results of values with the same key leave in source order,
   * results of different keys do not wait for each other (in both operators). Capacity still bounds
   * the total held. Keys are compared as Map keys (SameValueZero).
   */
  key?: (value: T) => unknown;
  /**
   * Reads the figures and the pending inputs of the latest subscription; see {@link AsyncWaitMonitor}.
   */
  monitor?: AsyncWaitMonitor<T>;
  /**
   * Most source values waiting for a free slot (the input buffer). Integer >= 0, or `Infinity`
   * (the default: an RxJS push source cannot be paused, so by default nothing is refused). For
   * a source that can be paused, read it with the pull front instead (docs/backpressure.md).
   */
  bufferSize?: number;
  /**
   * What a value does when it arrives to a full input buffer (only with a finite `bufferSize`):
   * `'error'` (the default) errors the output with {@link BufferOverflowError}, which carries the
   * counts; `'dropOldest'` drops the longest-waiting value, `'dropNewest'` the arriving one. A
   * dropped value is counted in the monitor's `dropped` and never listed in `pending()`.
   */
  overflow?: 'error' | 'dropOldest' | 'dropNewest';
}

/**
 * The config form with barriers (Flink's watermarks): values for which `isBarrier` is true are not
 * passed to `fn` but emitted themselves, in their position. In `unorderedWait` (or with `key`) no
 * result crosses a barrier: results of earlier values leave before it, of later values after it.
 * A barrier takes a slot of capacity while it waits, as a watermark does in Flink's queue.
 */
export interface AsyncWaitBarrierConfig<T, R, B extends T> extends AsyncWaitConfig<T, R> {
  /** Tells barriers from values; a type guard, so that the output's type includes the barriers. */
  isBarrier: (value: T) => value is B;
}

export type { AsyncWaitFigures, LatencyFigures, PendingInput } from './figures.js';
