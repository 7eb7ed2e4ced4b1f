/** What `sortValue` returns for a barrier. */
export const BARRIER: unique symbol = Symbol('barrier');

/** The user's two per-value callbacks that decide how a value is held (null: not given). */
export interface ValueSorting<T> {
  readonly isBarrier: ((value: T) => boolean) | null;
  readonly key: ((value: T) => unknown) | null;
}

/**
 * How a value about to start is held: BARRIER for a barrier (Flink's watermark: never called,
 * released in its place), otherwise its partition key (undefined without `key`). Runs the user's
 * callbacks, and throws what they throw: the caller fails the output with it.
 */
export function sortValue<T>(sorting: ValueSorting<T>, value: T): unknown {
  if (sorting.isBarrier !== null && sorting.isBarrier(value)) return BARRIER;
  return sorting.key === null ? undefined : sorting.key(value);
}
