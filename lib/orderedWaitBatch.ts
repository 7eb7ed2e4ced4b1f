import type { OperatorFunction } from 'rxjs';
import type { AsyncBatchBarrierConfig, AsyncBatchConfig, AsyncBatchFunction } from './batchTypes.js';
import { asyncWaitBatch } from './internal/batch/asyncWaitBatch.js';

/**
 * The batch config form with barriers (Flink's watermarks): values that `config.isBarrier` picks
 * are not batched but emitted themselves, in their position; the batch forming when one arrives
 * is flushed first, so no batch straddles a barrier.
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
 * Enrich records in batches while keeping event-time watermarks in place:
 *
 * ```ts
 * type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
 * items$.pipe(
 *   orderedWaitBatch((records: Item[]) => enrichAll(records), {
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
 * @returns A function that returns an Observable of the results and the barriers, in source order.
 * @throws `TypeError` or `RangeError` at creation, for any option missing, out of range or unknown,
 *   naming it and the value.
 */
export function orderedWaitBatch<T, R, B extends T>(
  fn: AsyncBatchFunction<T, R>,
  config: AsyncBatchBarrierConfig<T, R, B>,
): OperatorFunction<T, R | B>;
/**
 * Calls an asynchronous function for batches of source values, several batches at once, and
 * emits every value's result in source order.
 *
 * <span class="informal">Like {@link orderedWait}, but one call answers many values: for stores that
 * look up many keys in one round trip (`WHERE id IN (...)`, Redis `MGET`, a bulk endpoint).</span>
 *
 * ```text
 * config:          { maxBatchSize: 3, maxBatchDelay: 2 }
 * source:          -abc-d------|
 * fn([a, b, c]):      --(X|)            X = [A, B, C]  (flushed by size, at c)
 * fn([d]):                ----(Y|)      Y = [D]        (flushed by delay, 2 frames after d)
 * result:          -----(ABC)-D|
 * ```
 *
 * Apache Flink's batch async I/O (`AsyncBatchFunction`, FLINK-38825), with every per-element
 * guarantee of {@link orderedWait}. Source values join the forming batch in arrival order; the
 * batch is flushed when it holds `maxBatchSize` values, when `maxBatchDelay` ms have passed since
 * its first value (default 0: at the end of the current burst), when the source completes, and
 * before a barrier. A flushed batch's call `fn(values, context)` starts at once, or when one of
 * the `maxInFlightBatches` call slots frees up. The call returns an `ObservableInput` that emits
 * one array, the answer, and completes; by position, `answer[i]` is the result of `values[i]`
 * (an `Error` there fails that value only), or by key with `config.match`.
 *
 * Everything else is per element, as in {@link orderedWait}: `capacity` counts values (waiting
 * in a batch, in flight, waiting for a retry, or completed and waiting behind an earlier one);
 * `timeout` runs from the value's first call, and a value that times out inside a batch in
 * flight gets its `onTimeout` fallback and is ignored when the batch answers (the batch's
 * `signal` aborts only once every value in it is gone); `retry` retries only the values that
 * failed, in a later batch; `onError`, `key`, barriers and the monitor work per value. An answer
 * of the wrong shape fails every value of the batch with {@link BatchResultError}.
 *
 * @example
 * Look users up 100 ids per query, at most 4 queries at once, results in source order:
 *
 * ```ts
 * import { orderedWaitBatch } from 'rxjs-async-io';
 *
 * ids$.pipe(
 *   orderedWaitBatch(
 *     (ids: number[], { signal }) =>
 *       fetch('/users/bulk', { method: 'POST', body: JSON.stringify(ids), signal }).then((r) => r.json()),
 *     { maxBatchSize: 100, maxBatchDelay: 5, capacity: 400, maxInFlightBatches: 4, timeout: 2000 },
 *   ),
 * );
 * ```
 *
 * @see {@link unorderedWaitBatch} for results as their batches answer.
 * @typeParam T The type of the source values.
 * @typeParam R The type of one value's result: an item of the answer array.
 * @param fn The batch call: `(values, { signal, attempt, indices }) => ObservableInput` of one array.
 * @param config `maxBatchSize` (required), `maxBatchDelay`, `maxInFlightBatches`, `match`, and every
 *   option of {@link AsyncWaitConfig}; see {@link AsyncBatchConfig}.
 * @returns A function that returns an Observable of the results, in source order.
 * @throws `TypeError` or `RangeError` at creation, for any option missing, out of range or unknown,
 *   naming it and the value.
 */
export function orderedWaitBatch<T, R>(
  fn: AsyncBatchFunction<T, R>,
  config: AsyncBatchConfig<T, R>,
): OperatorFunction<T, R>;
export function orderedWaitBatch<T, R>(
  fn: AsyncBatchFunction<T, R>,
  config: AsyncBatchConfig<T, R> | AsyncBatchBarrierConfig<T, R, T>,
): OperatorFunction<T, R> {
  return asyncWaitBatch('orderedWaitBatch', fn, config, 'ordered');
}
