import type { ObservableInput } from 'rxjs';
import type { AsyncWaitConfig } from './types.js';

/**
 * What a batch call receives besides its values: a way to cancel it, which attempt it is, and
 * where its values come from.
 */
export interface AsyncBatchContext {
  /**
   * Aborted when the batch is abandoned before its answer: every element in it timed out, or
   * the subscription ended (unsubscribed, or the output errored). Never after the call answered
   * or failed. One signal per batch call, made on first read.
   */
  readonly signal: AbortSignal;
  /**
   * 1 when every element of the batch is on its first call; otherwise the highest attempt number
   * among them (a retried element joins a batch with others, see `retry`).
   */
  readonly attempt: number;
  /** The source index of each value, in the order of `values` (`indices[i]` is `values[i]`'s). */
  readonly indices: readonly number[];
}

/**
 * The answer of a batch call: one array of results. By position (the default), `answer[i]`
 * belongs to `values[i]`, and an `Error` in a slot fails that element only. With
 * {@link AsyncBatchMatch | `match`}, results are matched to elements by key instead.
 */
export type AsyncBatchAnswer<R> = readonly (R | Error)[];

/**
 * The user's batch call (Flink's `AsyncBatchFunction.asyncInvokeBatch`): turns the values of one
 * batch into an `ObservableInput` that emits one array, the answer, and completes (a Promise of
 * the array, an Observable that emits it once). The answer is read when the input completes.
 *
 * @param values The batch's source values, in arrival order; a fresh array for every call.
 * @param context The batch's abort signal, attempt number and source indices.
 */
export type AsyncBatchFunction<T, R> = (
  values: T[],
  context: AsyncBatchContext,
) => ObservableInput<AsyncBatchAnswer<R>>;

/**
 * Results matched to elements by key (a join) instead of by position: each element's result is
 * every answer item whose `resultKey` equals the element's `key` (SameValueZero, as Map keys), in
 * answer order. An element that no item matches completes with an empty result (nothing is
 * emitted for it, its slot is freed); retry it with `retry.ifResult: (result) => result.length === 0`.
 * Items that match no element are ignored. An `Error` item cannot be matched, so it fails every
 * element of the batch; a `key` or `resultKey` that throws fails the batch's elements the same
 * way (retry and `onError` apply, as to a failed call).
 */
export interface AsyncBatchMatch<T, R> {
  /** The key an element is looked up by. */
  key: (value: T) => unknown;
  /** The key of an answer item. */
  resultKey: (result: R) => unknown;
}

/**
 * Options of {@link orderedWaitBatch} and {@link unorderedWaitBatch}: every option of the
 * per-element operators, applied per element, plus how batches form.
 */
export interface AsyncBatchConfig<T, R> extends AsyncWaitConfig<T, R> {
  /**
   * Most elements in one batch call: a batch is flushed (its call starts, or waits for a free
   * call slot) when it reaches this size. Required; an integer >= 1. A batch also never holds
   * more elements than `capacity` lets in.
   */
  maxBatchSize: number;
  /**
   * Milliseconds (on the scheduler) after a batch's first element at which the batch is flushed,
   * full or not. Default 0: at the end of the current burst, i.e. the scheduler's zero delay
   * (the end of the frame in a TestScheduler; with `asyncScheduler` a zero timer, which runs after
   * the current synchronous code and the Promise callbacks already queued). `>= 0`, or `Infinity`
   * to flush only by size, source completion and barriers.
   */
  maxBatchDelay?: number;
  /**
   * Most batch calls in flight at once; a flushed batch waits for a free slot, in flush order.
   * Integer >= 1, or `Infinity`. Default: `capacity / maxBatchSize` rounded down, at least 1.
   */
  maxInFlightBatches?: number;
  /** Match results to elements by key instead of by position; see {@link AsyncBatchMatch}. */
  match?: AsyncBatchMatch<T, R>;
}

/**
 * The batch config form with barriers (Flink's watermarks): values for which `isBarrier` is true
 * are not batched but emitted themselves, in their position; the batch forming when one arrives
 * is flushed first, so that no batch straddles a barrier.
 */
export interface AsyncBatchBarrierConfig<T, R, B extends T> extends AsyncBatchConfig<T, R> {
  /** Tells barriers from values; a type guard, so that the output's type includes the barriers. */
  isBarrier: (value: T) => value is B;
}
