import { pullWaitIterable } from './internal/iterableOutput.js';
import { parsePullOptions } from './internal/pull.js';
import type { AsyncFunction, AsyncWaitBarrierConfig, AsyncWaitConfig } from './types.js';

/**
 * Maps an async iterable to an async iterable: calls an asynchronous function for every value,
 * many at once, and yields each result as soon as its call completes, reading the source only
 * as fast as the consumer takes results. For `for await` and Node's `stream.pipeline`.
 *
 * <span class="informal">Like it-parallel or p-map's `pMapIterable` unordered, with
 * {@link unorderedWait}'s timeout, retry, fallbacks, per-key order, barriers and monitor.</span>
 *
 * ```text
 * config:   { capacity: 2 }    source: a, b, c, d
 * fn(a):    ---A|          each fn(x) line starts where x was read from the source
 * fn(b):    -B|
 * fn(c):      --C|
 * fn(d):        -D|
 * yields:   --B-AC(D|)     to a consumer that always waits in next()
 * ```
 *
 * The same rules as {@link orderedWaitIterable} (nothing read before the first `next()`; a
 * result counts against `capacity` until the consumer takes it, so values pulled minus results
 * taken never exceeds `capacity`, prefetch 0; `return()` exactly once; no `next()` after the
 * end), with the results in completion order.
 *
 * @example
 * Consume a queue with at most 16 handlers running, acknowledging each message once handled:
 *
 * ```ts
 * import { unorderedWaitIterable } from 'rxjs-async-io';
 *
 * const handled = unorderedWaitIterable(queue.messages(), async (msg, _i, { signal }) => {
 *   await handle(msg.body, signal);
 *   return msg;
 * }, { timeout: 30_000, capacity: 16, retry: { count: 2, delay: 500 } });
 *
 * for await (const msg of handled) await msg.ack();
 * ```
 *
 * @see {@link unorderedWaitFrom} for an Observable out.
 * @see {@link orderedWaitIterable} for results in source order.
 * @typeParam T The type of the source values.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @param source An `AsyncIterable` (async generator, Node Readable, broker consumer) or an `Iterable`.
 * @param fn The call: `(value, index, { signal, attempt }) => ObservableInput`.
 * @param config The options of {@link AsyncWaitConfig} except `bufferSize` and `overflow` (nothing is buffered).
 * @return An AsyncIterable of the results, in completion order.
 * @throws `TypeError` or `RangeError` at creation, for a source that is not iterable or any option out of range, naming it and the value.
 */
export function unorderedWaitIterable<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config?: Omit<AsyncWaitConfig<T, R>, 'bufferSize' | 'overflow'>,
): AsyncIterable<R>;
/**
 * The form with barriers (Flink's watermarks): values that `config.isBarrier` picks are not
 * passed to `fn` but yielded themselves, in their position; no result crosses a barrier. Each
 * takes a slot while it waits.
 *
 * ```text
 * config:   { isBarrier: (v) => v === 'W', capacity: 3 }    source: a, W, b, c
 * fn(a):    ----A|
 * fn(b):    -B|            B waits behind W, and so does the reading of c
 * fn(c):         ----C|
 * yields:   -----(AWB)(C|)
 * ```
 *
 * @example
 * Reorder records freely between watermarks:
 *
 * ```ts
 * type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
 * for await (const item of unorderedWaitIterable(consumer, (item) => enrich(item), {
 *   timeout: 1000,
 *   isBarrier: (item: Item): item is Extract<Item, { kind: 'watermark' }> => item.kind === 'watermark',
 * })) {
 *   await write(item);
 * }
 * ```
 *
 * @typeParam T The type of the source values, barriers included.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @typeParam B The type of the barriers, as `config.isBarrier` guards it.
 * @param source An `AsyncIterable` or an `Iterable`, read only as fast as results are taken.
 * @param fn The call, for values that are not barriers.
 * @param config The options of {@link AsyncWaitBarrierConfig} except `bufferSize` and `overflow`.
 * @return An AsyncIterable of the results and the barriers.
 * @throws `TypeError` or `RangeError` at creation, for a source that is not iterable or any option out of range, naming it and the value.
 */
export function unorderedWaitIterable<T, R, B extends T>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config: Omit<AsyncWaitBarrierConfig<T, R, B, never>, 'bufferSize' | 'overflow'>,
): AsyncIterable<R | B>;
export function unorderedWaitIterable<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config?: AsyncWaitConfig<T, R>,
): AsyncIterable<R> {
  return pullWaitIterable(source, parsePullOptions('unorderedWaitIterable', source, fn, config), 'unordered');
}
