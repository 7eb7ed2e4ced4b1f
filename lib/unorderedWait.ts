import type { OperatorFunction } from 'rxjs';
import { asyncWait } from './internal/asyncWait.js';
import { parseOptions } from './internal/options.js';
import type { AsyncFunction, AsyncWaitBarrierConfig, AsyncWaitConfig } from './types.js';

/**
 * Calls an asynchronous function for every source value, many at once, and emits each result as
 * soon as its call completes.
 *
 * <span class="informal">Like [`mergeMap`](https://rxjs.dev/api/operators/mergeMap) with a concurrency limit
 * and a per-call timeout, and with each call's values emitted together.</span>
 *
 * ```text
 * source:   --a--b--c----------|
 * fn(a):      ------A|                 (slow)
 * fn(b):         --B|                  (fast, overtakes A)
 * fn(c):            ---C|
 * result:   --------BA--C------|
 * ```
 *
 * Apache Flink's `AsyncDataStream.unorderedWait` for RxJS. The same rules as {@link orderedWait}
 * (capacity, timeout, retry, fallbacks, cancellation), except that a completed entry does not wait
 * for earlier ones, so it holds its slot only while its call runs.
 *
 * @example
 * Look up prices 50 at a time, each within 300 ms, dropping what times out:
 *
 * ```ts
 * import { EMPTY } from 'rxjs';
 * import { unorderedWait } from 'rxjs-async-io';
 *
 * orders$.pipe(
 *   unorderedWait((order, _i, { signal }) => prices.get(order.sku, { signal }), {
 *     timeout: 300,
 *     capacity: 50,
 *     onTimeout: () => EMPTY,
 *   }),
 * );
 *
 * // Results in the following:
 * // each order's price as soon as it arrives; slow lookups are dropped
 * ```
 *
 * @see {@link orderedWait} for results in source order.
 * @typeParam T The type of the source values.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @param fn The call: `(value, index, { signal, attempt }) => ObservableInput`.
 * @param timeout Milliseconds from the first call to the final result, `> 0` or `Infinity` (the default: none).
 * @param capacity Most entries held at once, an integer >= 1 or `Infinity`. Default 100.
 * @return A function that returns an Observable of the results, in completion order.
 * @throws `TypeError` or `RangeError` at creation, for any argument out of range, naming it and the value.
 */
export function unorderedWait<T, R>(
  fn: AsyncFunction<T, R>,
  timeout?: number,
  capacity?: number,
): OperatorFunction<T, R>;
/**
 * The config form with barriers (Flink's watermarks): values that `config.isBarrier` picks are
 * not passed to `fn` but emitted themselves, in their position. No result crosses a barrier.
 *
 * ```text
 * config:   { isBarrier: (v) => v === 'W' }
 * source:   -a-W-----b--|
 * fn(a):     ---A|
 * fn(b):             -B|
 * result:   -----(AW)--B|
 * ```
 *
 * A barrier takes a slot of capacity while it waits. Results of values before it leave before
 * it, results of values after it leave after it; between barriers, results leave in completion order
 * (or per key, with `key`).
 *
 * `fn` and the callbacks receive `Exclude<T, B>`, the values that are not barriers, when
 * `isBarrier`'s parameter type is written out (a named guard, or an annotated parameter as below);
 * with an unannotated parameter the guard is typed after `fn`, which then receives `T`.
 *
 * @example
 * Keep event-time watermarks in place while enriching records:
 *
 * ```ts
 * type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
 * type Watermark = Extract<Item, { kind: 'watermark' }>;
 * items$.pipe(
 *   unorderedWait((record) => enrich(record), {
 *     timeout: 1000,
 *     isBarrier: (item: Item): item is Watermark => item.kind === 'watermark',
 *   }),
 * ); // enrich gets records only; the output is Observable<Enriched | Watermark>
 * ```
 *
 * @typeParam T The type of the source values, barriers included.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @typeParam B The type of the barriers, as `config.isBarrier` guards it.
 * @typeParam N The barriers that `fn` and the callbacks are typed not to receive: `B` when the
 *   guard's parameter type is written out, `never` otherwise. Leave it to inference.
 * @param fn The call, for values that are not barriers.
 * @param config The options of {@link AsyncWaitConfig} and `isBarrier`.
 * @return A function that returns an Observable of the results and the barriers.
 * @throws `TypeError` or `RangeError` at creation, for any option out of range or unknown, naming it and the value.
 */
export function unorderedWait<T, R, B extends T, N extends B = never>(
  fn: AsyncFunction<Exclude<T, N>, R>,
  config: AsyncWaitBarrierConfig<T, R, B, N>,
): OperatorFunction<T, R | B>;
/**
 * Calls an asynchronous function for every source value, many at once, and emits each result as
 * soon as its call completes; the config form, with fallbacks, retry and a scheduler.
 *
 * ```text
 * config:   { retry: { count: 1, delay: 2 } }
 * source:   -a-----|
 * fn(a)#1:   -#              (fails)
 * fn(a)#2:      -A|          (retried 2 frames later)
 * result:   ------A|
 * ```
 *
 * @example
 * Send documents to a search index 8 at a time, retry rate-limited calls after a second, and
 * skip (after reporting) what still fails:
 *
 * ```ts
 * import { EMPTY } from 'rxjs';
 * import { unorderedWait } from 'rxjs-async-io';
 *
 * documents$.pipe(
 *   unorderedWait((doc, _i, { signal }) => searchIndex.put(doc, { signal }), {
 *     timeout: 10_000,
 *     capacity: 8,
 *     retry: { count: 3, delay: 1000, ifError: (error) => isRateLimited(error) },
 *     onError: (error, doc) => {
 *       report(error, doc);
 *       return EMPTY;
 *     },
 *   }),
 * );
 * ```
 *
 * @typeParam T The type of the source values.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @param fn The call: `(value, index, { signal, attempt }) => ObservableInput`.
 * @param config `timeout`, `capacity`, `onTimeout`, `onError`, `retry` and `scheduler`; see {@link AsyncWaitConfig}.
 * @return A function that returns an Observable of the results, in completion order.
 * @throws `TypeError` or `RangeError` at creation, for any option out of range or unknown, naming it and the value.
 */
export function unorderedWait<T, R>(fn: AsyncFunction<T, R>, config: AsyncWaitConfig<T, R>): OperatorFunction<T, R>;
export function unorderedWait<T, R, B extends T, N extends B = never>(
  fn: AsyncFunction<Exclude<T, N>, R>,
  timeoutOrConfig?: number | AsyncWaitConfig<Exclude<T, N>, R> | AsyncWaitBarrierConfig<T, R, B, N>,
  capacity?: number,
): OperatorFunction<T, R | B> {
  // The engine holds barriers and other values alike as source values (T), and hands only the
  // values that are not barriers to fn and the callbacks, which is what their narrower types say.
  const options = parseOptions(
    'unorderedWait',
    fn as AsyncFunction<T, R>,
    timeoutOrConfig as number | AsyncWaitConfig<T, R> | undefined,
    capacity,
  );
  return asyncWait(options, 'unordered');
}
