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
 *
 * An option given as `undefined` is the same as an option left out (also under
 * `exactOptionalPropertyTypes`), so that settings can be passed on as they are.
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
  delay?: number | ((retry: number, index: number) => number) | undefined;
  /** Whether to retry after this error. Default: always. */
  ifError?: ((error: unknown, value: T) => boolean) | undefined;
  /** Whether to retry after this (complete) result. Default: never. */
  ifResult?: ((result: readonly R[], value: T) => boolean) | undefined;
  /**
   * Keeps retries within a share of first attempts, so that an outage does not multiply the load
   * by `count + 1`; see {@link RetryBudgetConfig}. A retry it refuses is not made: the attempt's
   * error (or result) stands, as when no retry is left. Default: no budget.
   */
  budget?: RetryBudgetConfig | undefined;
}

/**
 * A retry budget (as Finagle's): over the last `window` ms of a subscription, at most `ratio`
 * retries per first attempt that ended, plus `minPerSecond` retries per second of the window.
 */
export interface RetryBudgetConfig {
  /** Retries allowed per first attempt: a finite number >= 0 (0.2: one retry per five calls). */
  ratio: number;
  /** Retries allowed per second whatever the ratio, so that a slow stream may retry: a finite number >= 0. Default 10. */
  minPerSecond?: number | undefined;
  /** The span the budget counts over, in milliseconds: an integer >= 10. Default 10,000. */
  window?: number | undefined;
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
  burst?: number | undefined;
  /**
   * A sliding window instead of a bucket: no window of `interval` ms ever holds more than `limit`
   * starts (what quotas such as "100 requests per minute" usually mean). Default false.
   */
  strict?: boolean | undefined;
}

/**
 * Options of {@link orderedWait} and {@link unorderedWait}, the config form.
 *
 * An option given as `undefined` is the same as an option left out (also under
 * `exactOptionalPropertyTypes`), so that settings can be passed on as they are:
 * `{ timeout: settings.timeout }`.
 */
export interface AsyncWaitConfig<T, R> {
  /**
   * Milliseconds from the first call of `fn` for an element to its final result, retries included.
   * `> 0`, or `Infinity` for none. Default: `Infinity`.
   */
  timeout?: number | undefined;
  /**
   * Most elements held at once (in flight, waiting for a retry, or completed and waiting behind an
   * earlier element). Integer >= 1, or `Infinity`. Default: 100, as in Flink.
   */
  capacity?: number | undefined;
  /**
   * Called when an element times out; its result takes the element's place (return `EMPTY` to drop
   * it). Without it, a timeout errors the output with {@link AsyncTimeoutError}. Its result must
   * complete: it is not timed, and an ordered output waits for it.
   */
  onTimeout?: ((value: T, index: number) => ObservableInput<R>) | undefined;
  /**
   * Called when an element fails for good (after its retries); its result takes the element's
   * place (return `EMPTY` to drop it). Without it, a failure errors the output.
   */
  onError?: ((error: unknown, value: T, index: number) => ObservableInput<R>) | undefined;
  /** Retry failed attempts; see {@link AsyncRetryConfig}. Default: no retry. */
  retry?: AsyncRetryConfig<T, R> | undefined;
  /**
   * Most calls in flight at once, counting calls running, retry waits and fallbacks running (an
   * element holds its permit from its first call until its result is final), while `capacity`
   * keeps bounding the elements held, completed ones waiting in order included. An integer from 1
   * to `capacity`, or an {@link adaptiveLimit}. Default: `capacity`, as without it. See
   * docs/flow-control.md.
   */
  maxInFlight?: number | AdaptiveLimit | undefined;
  /** Limits how often calls start; see {@link RateLimitConfig}. Default: no limit. */
  rateLimit?: RateLimitConfig | undefined;
  /**
   * A shared cooldown: called with the error of every failed attempt; when it answers a number
   * of milliseconds (from a 429's `Retry-After`, say), no call starts anywhere in the operator
   * until that time has passed. Timeouts keep running meanwhile, and the element itself is
   * retried (or not) as `retry` says. Answer `undefined` (or 0) for no cooldown.
   */
  cooldown?: ((error: unknown) => number | undefined) | undefined;
  /** Where timeouts and retry delays run. Default: `asyncScheduler` (virtual inside `TestScheduler.run`). */
  scheduler?: SchedulerLike | undefined;
  /**
   * Order results per key instead: results of values with the same key leave in source order,
   * results of different keys do not wait for each other (in both operators). Capacity still bounds
   * the total held. Keys are compared as Map keys (SameValueZero).
   */
  key?: ((value: T) => unknown) | undefined;
  /**
   * Reads the figures and the pending inputs of the latest subscription; see {@link AsyncWaitMonitor}.
   *
   * Any monitor is accepted, typed or not: its type argument only types what its `pending()`
   * returns to you, and the source's type, not the monitor's, is what the operator's `T` is
   * inferred from (`new AsyncWaitMonitor()` is an `AsyncWaitMonitor<unknown>`).
   */
  monitor?: AsyncWaitMonitorLike | undefined;
  /**
   * Most source values waiting for a free slot (the input buffer). Integer >= 0, or `Infinity`
   * (the default: an RxJS push source cannot be paused, so by default nothing is refused). For
   * a source that can be paused, read it with the pull front instead (docs/backpressure.md).
   */
  bufferSize?: number | undefined;
  /**
   * What a value does when it arrives to a full input buffer (only with a finite `bufferSize`):
   * `'error'` (the default) errors the output with {@link BufferOverflowError}, which carries the
   * counts; `'dropOldest'` drops the longest-waiting value, `'dropNewest'` the arriving one. A
   * dropped value is counted in the monitor's `dropped` and never listed in `pending()`.
   */
  overflow?: 'error' | 'dropOldest' | 'dropNewest' | undefined;
}

/**
 * The config form with barriers (Flink's watermarks): values for which `isBarrier` is true are not
 * passed to `fn` but emitted themselves, in their position. In `unorderedWait` (or with `key`) no
 * result crosses a barrier: results of earlier values leave before it, of later values after it.
 * A barrier takes a slot of capacity while it waits, as a watermark does in Flink's queue.
 *
 * A barrier never reaches `fn`, `onTimeout`, `onError`, the retry predicates or `key`, so they
 * are typed for `Exclude<T, B>`, the values that are not barriers, whenever TypeScript knows `B`
 * before it types them: when `isBarrier` is a named guard or one whose parameter type is written
 * out (`(item: Item): item is Watermark => ...`). An inline guard with an unannotated parameter is
 * typed after `fn`, so then they receive `T`; the output is `R | B` either way.
 *
 * @typeParam T The type of the source values, barriers included.
 * @typeParam R The type of the results.
 * @typeParam B The type of the barriers, as `isBarrier` guards it.
 * @typeParam N The barriers that `fn` and the callbacks are typed not to receive: `B` when it is
 *   known before they are typed, `never` otherwise (see above). Leave it to inference.
 */
export interface AsyncWaitBarrierConfig<T, R, B extends T, N extends B = B> extends AsyncWaitConfig<Exclude<T, N>, R> {
  /**
   * Tells barriers from values; a type guard, so that the output's type includes the barriers.
   * (The second member of the union is how `N` is inferred; it is the same guard.)
   */
  isBarrier: ((value: T) => value is B) | ((value: T) => value is N);
}

export type { AsyncWaitFigures, LatencyFigures, PendingInput } from './figures.js';

/**
 * A monitor as the operators accept it: any {@link AsyncWaitMonitor}, also one made by another
 * copy of this package (its CommonJS build where the operators come from the ESM build, say).
 * Structural, so that TypeScript accepts such a monitor too; at run time the operators recognise
 * it by a registered symbol.
 */
export type AsyncWaitMonitorLike = Pick<AsyncWaitMonitor, 'figures' | 'pending' | 'commitIndex' | 'sample'>;
