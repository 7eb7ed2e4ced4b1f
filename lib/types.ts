import type { ObservableInput, SchedulerLike } from 'rxjs';
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
   * or a function of `n`; see {@link fixedDelay} and {@link exponentialDelay}. Default 0: retry at once.
   */
  delay?: number | ((retry: number) => number);
  /** Whether to retry after this error. Default: always. */
  ifError?: (error: unknown, value: T) => boolean;
  /** Whether to retry after this (complete) result. Default: never. */
  ifResult?: (result: readonly R[], value: T) => boolean;
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
