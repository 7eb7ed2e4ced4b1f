import type { Observable } from 'rxjs';
import { parsePullOptions, pullWait } from './internal/pull.js';
import type { AsyncFunction, AsyncWaitBarrierConfig, AsyncWaitConfig } from './types.js';

/**
 * Reads an async iterable only while a slot is free, calls an asynchronous function for every
 * value, and emits each result as soon as its call completes: {@link unorderedWait} with
 * backpressure to the source.
 *
 * <span class="informal">Like `from(iterable).pipe(unorderedWait(fn, config))`, except that
 * `from` reads as fast as the iterable yields and buffers what finds no slot; this reads `next()`
 * only when an entry may start.</span>
 *
 * ```text
 * config:   { capacity: 2 }    source: a, b, c, d
 * fn(a):    ---A|          each fn(x) line starts where x was read from the source
 * fn(b):    -B|
 * fn(c):      --C|
 * fn(d):        -D|
 * result:   --B-AC(D|)
 * ```
 *
 * The same rules as {@link orderedWaitFrom} (prefetch 0: values pulled minus results emitted
 * never exceeds `capacity`; `return()` exactly once; no `next()` after the end; an iterator
 * error errors the output), with the results in completion order, so a slot frees, and the next
 * value is read, as soon as any call completes.
 *
 * @example
 * Drain a paginated API into a search index, 8 writes at a time, fetching pages only as fast as
 * the writes go:
 *
 * ```ts
 * import { unorderedWaitFrom } from 'rxjs-async-io';
 *
 * async function* documents() {
 *   for (let page = 1; ; page++) {
 *     const batch = await api.list({ page });
 *     if (batch.length === 0) return;
 *     yield* batch;
 *   }
 * }
 * unorderedWaitFrom(documents(), (doc, _i, { signal }) => searchIndex.put(doc, { signal }), {
 *   timeout: 10_000,
 *   capacity: 8,
 *   retry: { count: 3, delay: 1000 },
 * }).subscribe({ complete: () => reportIndexed() });
 * ```
 *
 * @see {@link unorderedWaitIterable} for an AsyncIterable out (`for await`, `stream.pipeline`).
 * @see {@link orderedWaitFrom} for results in source order.
 * @typeParam T The type of the source values.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @param source An `AsyncIterable` (async generator, Node Readable, broker consumer) or an `Iterable`.
 * @param fn The call: `(value, index, { signal, attempt }) => ObservableInput`.
 * @param config The options of {@link AsyncWaitConfig} except `bufferSize` and `overflow` (nothing is buffered).
 * @return An Observable of the results, in completion order; it reads `source` anew for each subscription.
 * @throws `TypeError` or `RangeError` at creation, for a source that is not iterable or any option out of range, naming it and the value.
 */
export function unorderedWaitFrom<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config?: Omit<AsyncWaitConfig<T, R>, 'bufferSize' | 'overflow'>,
): Observable<R>;
/**
 * The form with barriers (Flink's watermarks): values that `config.isBarrier` picks are not
 * passed to `fn` but emitted themselves, in their position; no result crosses a barrier. Each
 * takes a slot while it waits, so it also holds back reading.
 *
 * ```text
 * config:   { isBarrier: (v) => v === 'W', capacity: 3 }    source: a, W, b, c
 * fn(a):    ----A|
 * fn(b):    -B|            B waits behind W, and so does the reading of c
 * fn(c):         ----C|
 * result:   -----(AWB)(C|)
 * ```
 *
 * @example
 * Read records and watermarks from a broker; reorder records freely between watermarks:
 *
 * ```ts
 * type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
 * unorderedWaitFrom(consumer, (item) => enrich(item), {
 *   timeout: 1000,
 *   isBarrier: (item: Item): item is Extract<Item, { kind: 'watermark' }> => item.kind === 'watermark',
 * }).subscribe(write);
 * ```
 *
 * @typeParam T The type of the source values, barriers included.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @typeParam B The type of the barriers, as `config.isBarrier` guards it.
 * @param source An `AsyncIterable` or an `Iterable`, read only while a slot is free.
 * @param fn The call, for values that are not barriers.
 * @param config The options of {@link AsyncWaitBarrierConfig} except `bufferSize` and `overflow`.
 * @return An Observable of the results and the barriers.
 * @throws `TypeError` or `RangeError` at creation, for a source that is not iterable or any option out of range, naming it and the value.
 */
export function unorderedWaitFrom<T, R, B extends T>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config: Omit<AsyncWaitBarrierConfig<T, R, B, never>, 'bufferSize' | 'overflow'>,
): Observable<R | B>;
export function unorderedWaitFrom<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config?: AsyncWaitConfig<T, R>,
): Observable<R> {
  return pullWait(source, parsePullOptions('unorderedWaitFrom', source, fn, config), 'unordered');
}
