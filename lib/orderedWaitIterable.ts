import { pullWaitIterable } from './internal/iterableOutput.js';
import { parsePullOptions } from './internal/pull.js';
import type { AsyncFunction, AsyncWaitBarrierConfig, AsyncWaitConfig } from './types.js';

/**
 * Maps an async iterable to an async iterable: calls an asynchronous function for every value,
 * many at once, and yields the results in source order, reading the source only as fast as the
 * consumer takes results. For `for await` and Node's `stream.pipeline`.
 *
 * <span class="informal">Like Node's `Readable.prototype.map` or p-map's `pMapIterable`, with
 * {@link orderedWait}'s timeout, retry, fallbacks, per-key order, barriers and monitor.</span>
 *
 * ```text
 * config:   { capacity: 2 }    source: a, b, c, d
 * fn(a):    --A|           each fn(x) line starts where x was read from the source
 * fn(b):    ---B|
 * fn(c):       --C|
 * fn(d):        --D|
 * yields:   ---AB-C(D|)    to a consumer that always waits in next()
 * ```
 *
 * Nothing is read before the first `next()`. A result counts against `capacity` from the call
 * of `fn` until the consumer has taken it, so the source's `next()` is called only while
 * `held + untaken < capacity`, one call at a time: values pulled minus results taken never
 * exceeds `capacity` (prefetch 0; a result handed to a `next()` the consumer waits in counts as
 * taken), and a consumer that stops taking stops the reading. Every rule of
 * {@link orderedWait} applies; indices, `pending()` and `commitIndex` count positions in the
 * source. The source's `return()` is called exactly once, whatever ends the run (its end, its
 * error, an output error, the consumer's `break` or `return()`), with no `next()` after it; the
 * consumer's `break` awaits it. An error thrown by the source's `next()`, or an element's
 * failure, is thrown by this iterator's `next()` after the results emitted before it. Each
 * `[Symbol.asyncIterator]()` call starts an independent run (a generator object, as source, can
 * be read by one run only).
 *
 * @example
 * Enrich a file's records 20 at a time inside `stream.pipeline`, with a bounded memory whatever
 * the file's size:
 *
 * ```ts
 * import { createReadStream, createWriteStream } from 'node:fs';
 * import { pipeline } from 'node:stream/promises';
 * import split2 from 'split2';
 * import { orderedWaitIterable } from 'rxjs-async-io';
 *
 * await pipeline(
 *   createReadStream('records.ndjson'),
 *   split2(JSON.parse),
 *   (records) => orderedWaitIterable(records, (r, _i, { signal }) => enrich(r, signal), { timeout: 2000, capacity: 20 }),
 *   async function* (enriched) {
 *     for await (const record of enriched) yield JSON.stringify(record) + '\n';
 *   },
 *   createWriteStream('enriched.ndjson'),
 * );
 * ```
 *
 * @see {@link orderedWaitFrom} for an Observable out.
 * @see {@link unorderedWaitIterable} for results in completion order.
 * @typeParam T The type of the source values.
 * @typeParam R The type of the results: what the `ObservableInput` returned by `fn` emits.
 * @param source An `AsyncIterable` (async generator, Node Readable, broker consumer) or an `Iterable`.
 * @param fn The call: `(value, index, { signal, attempt }) => ObservableInput`.
 * @param config The options of {@link AsyncWaitConfig} except `bufferSize` and `overflow` (nothing is buffered).
 * @return An AsyncIterable of the results, in source order.
 * @throws `TypeError` or `RangeError` at creation, for a source that is not iterable or any option out of range, naming it and the value.
 */
export function orderedWaitIterable<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config?: Omit<AsyncWaitConfig<T, R>, 'bufferSize' | 'overflow'>,
): AsyncIterable<R>;
/**
 * The form with barriers (Flink's watermarks): values that `config.isBarrier` picks are not
 * passed to `fn` but yielded themselves, in their position; each takes a slot while it waits.
 *
 * ```text
 * config:   { isBarrier: (v) => v === 'W', capacity: 2 }    source: a, W, b
 * fn(a):    --A|
 * fn(b):       ---B|         b is read only when W has left
 * yields:   ---(AW)(B|)
 * ```
 *
 * @example
 * Keep event-time watermarks in place while enriching records from a broker:
 *
 * ```ts
 * type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
 * for await (const item of orderedWaitIterable(consumer, (item) => enrich(item), {
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
export function orderedWaitIterable<T, R, B extends T>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config: Omit<AsyncWaitBarrierConfig<T, R, B, never>, 'bufferSize' | 'overflow'>,
): AsyncIterable<R | B>;
export function orderedWaitIterable<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  fn: AsyncFunction<T, R>,
  config?: AsyncWaitConfig<T, R>,
): AsyncIterable<R> {
  return pullWaitIterable(source, parsePullOptions('orderedWaitIterable', source, fn, config), 'ordered');
}
