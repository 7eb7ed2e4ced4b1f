import type { OperatorFunction } from 'rxjs';
import { asyncWait } from './internal/asyncWait.js';
import { parseOptions } from './internal/options.js';
import type { AsyncFunction, AsyncWaitBarrierConfig, AsyncWaitConfig } from './types.js';

/**
 * Calls an asynchronous function for every source value, many at once, and emits the results in
 * source order.
 *
 * <span class="informal">Like [`mergeMap`](https://rxjs.dev/api/operators/mergeMap) with a concurrency limit,
 * a per-call timeout and a reorder buffer: calls overlap, results never overtake each other.</span>
 *
 * ```text
 * source:   --a--b--c----------|
 * fn(a):      ------A|                 (slow)
 * fn(b):         --B|                  (fast, waits behind A)
 * fn(c):            ----C|
 * result:   ---------(AB)C-----|
 * ```
 *
 * Apache Flink's `AsyncDataStream.orderedWait` for RxJS. Each source value becomes an entry:
 * `fn(value, index, context)` is called, and every value its `ObservableInput` (Observable,
 * Promise, array, iterable, ...) emits before completing is the entry's result, emitted together
 * once the inner completes and every earlier entry's result has been emitted.
 *
 * At most `capacity` entries are held at once, counting entries in flight, waiting for a retry,
 * and completed but waiting behind an earlier one; values that arrive meanwhile are buffered and
 * start in arrival order. The timeout clock of an entry starts at its first call and covers its
 * retries: on expiry the inner is unsubscribed, `context.signal` aborted, and the output errors
 * with {@link AsyncTimeoutError}, unless `onTimeout` supplies a fallback. A failing call errors
 * the output and tears everything down, unless `retry` or `onError` handle it. The output
 * completes when the source has completed and every result has been emitted.
 *
 * @example
 * Enrich user ids from an HTTP API, 20 requests at a time, 1 s each, results in input order:
 *
 * ```ts
 * import { from } from 'rxjs';
 * import { orderedWait } from 'rxjs-async-io';
 *
 * from([3, 1, 2])
 *   .pipe(orderedWait((id, _i, { signal }) => fetch(`/users/${id}`, { signal }).then((r) => r.json()), 1000, 20))
 *   .subscribe((user) => renderRow(user));
 *
 * // renderRow receives the users in the order of their ids, whichever answer came first:
 * // user 3
 * // user 1
 * // user 2
 * ```
 *
 * @see {@link unorderedWait} for results in completion order.
 * @typeParam T The type of the source values.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @param fn The call: `(value, index, { signal, attempt }) => ObservableInput`.
 * @param timeout Milliseconds from the first call to the final result, `> 0` or `Infinity` (the default: none).
 * @param capacity Most entries held at once, an integer >= 1 or `Infinity`. Default 100.
 * @return A function that returns an Observable of the results, in source order.
 * @throws `TypeError` or `RangeError` at creation, for any argument out of range, naming it and the value.
 */
export function orderedWait<T, R>(fn: AsyncFunction<T, R>, timeout?: number, capacity?: number): OperatorFunction<T, R>;
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
 * it, results of values after it leave after it; between barriers, results leave in source order
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
 *   orderedWait((record) => enrich(record), {
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
export function orderedWait<T, R, B extends T, N extends B = never>(
  fn: AsyncFunction<Exclude<T, N>, R>,
  config: AsyncWaitBarrierConfig<T, R, B, N>,
): OperatorFunction<T, R | B>;
/**
 * Calls an asynchronous function for every source value, many at once, and emits the results in
 * source order; the config form, with timeout fallbacks, error fallbacks, retry and a scheduler.
 *
 * ```text
 * config:   { timeout: 5, onTimeout: (v) => of('late') }
 * source:   -a-b-------|
 * fn(a):     -------A|       (times out at 5 frames)
 * fn(b):       -B|
 * result:   ------(lB)-|      l = 'late'
 * ```
 *
 * @example
 * Retry failed lookups twice with exponential backoff, and replace what still fails by `null`:
 *
 * ```ts
 * import { of } from 'rxjs';
 * import { orderedWait, exponentialDelay } from 'rxjs-async-io';
 *
 * ids$.pipe(
 *   orderedWait((id, _i, { signal }) => lookup(id, signal), {
 *     timeout: 2000,
 *     capacity: 50,
 *     retry: { count: 2, delay: exponentialDelay({ initial: 100, max: 1000 }) },
 *     onError: () => of(null),
 *   }),
 * );
 * ```
 *
 * @typeParam T The type of the source values.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @param fn The call: `(value, index, { signal, attempt }) => ObservableInput`.
 * @param config `timeout`, `capacity`, `onTimeout`, `onError`, `retry` and `scheduler`; see {@link AsyncWaitConfig}.
 * @return A function that returns an Observable of the results, in source order.
 * @throws `TypeError` or `RangeError` at creation, for any option out of range or unknown, naming it and the value.
 */
export function orderedWait<T, R>(fn: AsyncFunction<T, R>, config: AsyncWaitConfig<T, R>): OperatorFunction<T, R>;
export function orderedWait<T, R, B extends T, N extends B = never>(
  fn: AsyncFunction<Exclude<T, N>, R>,
  timeoutOrConfig?: number | AsyncWaitConfig<Exclude<T, N>, R> | AsyncWaitBarrierConfig<T, R, B, N>,
  capacity?: number,
): OperatorFunction<T, R | B> {
  // The engine holds barriers and other values alike as source values (T), and hands only the
  // values that are not barriers to fn and the callbacks, which is what their narrower types say.
  const options = parseOptions(
    'orderedWait',
    fn as AsyncFunction<T, R>,
    timeoutOrConfig as number | AsyncWaitConfig<T, R> | undefined,
    capacity,
  );
  return asyncWait(options, 'ordered');
}
