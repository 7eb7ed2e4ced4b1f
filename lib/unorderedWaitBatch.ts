import type { OperatorFunction } from 'rxjs';
import type { AsyncBatchBarrierConfig, AsyncBatchConfig, AsyncBatchFunction } from './batchTypes.js';
import { asyncWaitBatch } from './internal/batch/asyncWaitBatch.js';

/**
 * The batch config form with barriers (Flink's watermarks): values that `config.isBarrier` picks
 * are not batched but emitted themselves, in their position; the batch forming when one arrives
 * is flushed first, so no batch straddles a barrier, and no result crosses one.
 *
 * ```text
 * config:          { maxBatchSize: 10, maxBatchDelay: 5, isBarrier: (v) => v === 'W' }
 * source:          -abW-----c|
 * fn([a, b]):         -(X|)             X = [A, B]  (flushed by the barrier)
 * fn([c]):                   -(Y|)      Y = [C]     (flushed by the source's completion)
 * result:          ----(ABW)--(C|)
 * ```
 *
 * @example
 * Score events in batches as they come, keeping watermarks between the results before and after them:
 *
 * ```ts
 * type Item = { kind: 'event'; id: number } | { kind: 'watermark'; time: number };
 * items$.pipe(
 *   unorderedWaitBatch((events: Item[]) => scoreAll(events), {
 *     maxBatchSize: 50,
 *     isBarrier: (item): item is Extract<Item, { kind: 'watermark' }> => item.kind === 'watermark',
 *   }),
 * );
 * ```
 *
 * @typeParam T The type of the source values, barriers included.
 * @typeParam R The type of one value's result: an item of the answer array.
 * @typeParam B The type of the barriers, as `config.isBarrier` guards it.
 * @param fn The batch call, for values that are not barriers.
 * @param config The options of {@link AsyncBatchConfig} and `isBarrier`.
 * @returns A function that returns an Observable of the results and the barriers; results leave as
 *   their batches answer, but never across a barrier.
 * @throws `TypeError` or `RangeError` at creation, for any option missing, out of range or unknown,
 *   naming it and the value.
 */
export function unorderedWaitBatch<T, R, B extends T>(
  fn: AsyncBatchFunction<T, R>,
  config: AsyncBatchBarrierConfig<T, R, B>,
): OperatorFunction<T, R | B>;
/**
 * Calls an asynchronous function for batches of source values, several batches at once, and
 * emits the results as their batches answer.
 *
 * <span class="informal">Like {@link unorderedWait}, but one call answers many values: for stores that
 * look up many keys in one round trip (`WHERE id IN (...)`, Redis `MGET`, a bulk endpoint).</span>
 *
 * ```text
 * config:          { maxBatchSize: 2, maxBatchDelay: 5 }
 * source:          -abcd----|
 * fn([a, b]):        -------(X|)       X = [A, B]  (slow)
 * fn([c, d]):          -(Y|)           Y = [C, D]  (fast: its results leave first)
 * result:          -----(CD)(AB|)
 * ```
 *
 * Apache Flink's `AsyncDataStream.unorderedWaitBatch` (FLINK-38825), with every per-element
 * guarantee of {@link unorderedWait}. Batches form and flush as in {@link orderedWaitBatch}: in
 * arrival order, by `maxBatchSize`, by `maxBatchDelay` (default 0: the end of the current burst),
 * when the source completes and before a barrier, with at most `maxInFlightBatches` calls at once.
 * Each value's result leaves as soon as its batch answers (within a batch, in batch order), or
 * its fallback completes; with `key`, in source order per key. `capacity`, `timeout`, `retry`,
 * `onTimeout`, `onError`, barriers and the monitor work per value, as in {@link orderedWaitBatch}.
 *
 * @example
 * Score messages 64 at a time with a model server, emitting scores as batches come back:
 *
 * ```ts
 * import { of } from 'rxjs';
 * import { unorderedWaitBatch } from 'rxjs-async-io';
 *
 * messages$.pipe(
 *   unorderedWaitBatch((texts: string[], { signal }) => model.score(texts, { signal }), {
 *     maxBatchSize: 64,
 *     maxBatchDelay: 10,
 *     timeout: 5000,
 *     onTimeout: () => of(null), // a message not scored in time gets null; the others keep theirs
 *   }),
 * );
 * ```
 *
 * @see {@link orderedWaitBatch} for results in source order.
 * @typeParam T The type of the source values.
 * @typeParam R The type of one value's result: an item of the answer array.
 * @param fn The batch call: `(values, { signal, attempt, indices }) => ObservableInput` of one array.
 * @param config `maxBatchSize` (required), `maxBatchDelay`, `maxInFlightBatches`, `match`, and every
 *   option of {@link AsyncWaitConfig}; see {@link AsyncBatchConfig}.
 * @returns A function that returns an Observable of the results, as their batches answer.
 * @throws `TypeError` or `RangeError` at creation, for any option missing, out of range or unknown,
 *   naming it and the value.
 */
export function unorderedWaitBatch<T, R>(
  fn: AsyncBatchFunction<T, R>,
  config: AsyncBatchConfig<T, R>,
): OperatorFunction<T, R>;
export function unorderedWaitBatch<T, R>(
  fn: AsyncBatchFunction<T, R>,
  config: AsyncBatchConfig<T, R> | AsyncBatchBarrierConfig<T, R, T>,
): OperatorFunction<T, R> {
  return asyncWaitBatch('unorderedWaitBatch', fn, config, 'unordered');
}
