import type { Observable } from 'rxjs';
import { parsePullOptions, pullWait } from './internal/pull.js';
import type { AsyncFunction, AsyncWaitBarrierConfig, AsyncWaitConfig } from './types.js';

/**
 * Reads an async iterable only while a slot is free, calls an asynchronous function for every
 * value, and emits the results in source order: {@link orderedWait} with backpressure to the
 * source.
 *
 * <span class="informal">Like `from(iterable).pipe(orderedWait(fn, config))`, except that `from`
 * reads as fast as the iterable yields and buffers what finds no slot; this reads `next()` only
 * when an entry may start.</span>
 *
 * ```text
 * config:   { capacity: 2 }    source: a, b, c, d
 * fn(a):    --A|           each fn(x) line starts where x was read from the source
 * fn(b):    ---B|
 * fn(c):       --C|
 * fn(d):        --D|
 * result:   ---AB-C(D|)
 * ```
 *
 * A creation function, as RxJS's `from`: each subscription gets the source's iterator
 * (`source[Symbol.asyncIterator]()`, or `source[Symbol.iterator]()` for a synchronous iterable,
 * which is then read synchronously) and calls `next()` only while fewer than `capacity` entries
 * are held, one call at a time, so values pulled minus results emitted never exceeds `capacity`
 * (prefetch 0). Every rule of {@link orderedWait} applies: order, `key`, barriers, timeout,
 * retry, fallbacks, `signal`, the monitor; indices, `pending()` and `commitIndex` count positions
 * in the iterable. The iterator's `return()` is called exactly once, whatever ends the
 * subscription (the source's end, its error, an output error, an unsubscription), and no
 * `next()` after it; an error thrown or rejected by `next()` errors the output with that error.
 *
 * @example
 * Enrich the lines of a file 20 at a time, reading the file only as fast as the lookups go:
 *
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { createInterface } from 'node:readline';
 * import { orderedWaitFrom } from 'rxjs-async-io';
 *
 * const lines = createInterface({ input: createReadStream('ids.txt') });
 * orderedWaitFrom(lines, (id, _i, { signal }) => lookup(id, signal), { timeout: 1000, capacity: 20 })
 *   .subscribe((user) => save(user));
 * ```
 *
 * @see {@link orderedWaitIterable} for an AsyncIterable out (`for await`, `stream.pipeline`).
 * @see {@link unorderedWaitFrom} for results in completion order.
 * @typeParam T The type of the source values.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @param source An `AsyncIterable` (async generator, Node Readable, broker consumer) or an `Iterable`.
 * @param fn The call: `(value, index, { signal, attempt }) => ObservableInput`.
 * @param config The options of {@link AsyncWaitConfig} except `bufferSize` and `overflow` (nothing is buffered).
 * @return An Observable of the results, in source order; it reads `source` anew for each subscription.
 * @throws `TypeError` or `RangeError` at creation, for a source that is not iterable or any option out of range, naming it and the value.
 */
export function orderedWaitFrom<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config?: Omit<AsyncWaitConfig<T, R>, 'bufferSize' | 'overflow'>,
): Observable<R>;
/**
 * The form with barriers (Flink's watermarks): values that `config.isBarrier` picks are not
 * passed to `fn` but emitted themselves, in their position; each takes a slot while it waits, so
 * it also holds back reading.
 *
 * ```text
 * config:   { isBarrier: (v) => v === 'W', capacity: 2 }    source: a, W, b
 * fn(a):    --A|
 * fn(b):       ---B|         b is read only when W has left
 * result:   ---(AW)(B|)
 * ```
 *
 * @example
 * Read records and watermarks from a broker, keep the watermarks in place:
 *
 * ```ts
 * type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
 * orderedWaitFrom(consumer, (item) => enrich(item), {
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
export function orderedWaitFrom<T, R, B extends T>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config: Omit<AsyncWaitBarrierConfig<T, R, B, never>, 'bufferSize' | 'overflow'>,
): Observable<R | B>;
export function orderedWaitFrom<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config?: AsyncWaitConfig<T, R>,
): Observable<R> {
  return pullWait(source, parsePullOptions('orderedWaitFrom', source, fn, config), 'ordered');
}
