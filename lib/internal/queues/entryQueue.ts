/**
 * What a queue needs of its entries. The queue owns `queueNext` and `queueReady`: it writes them
 * and decides readiness from them (and its own state) alone, so what it releases depends only on
 * what it was told through `push`, `pushBarrier` and `complete`. `key` is the caller's.
 */
export interface QueueNode<N> {
  /** The source index; entries are admitted in index order. */
  readonly index: number;
  /** The partition key for per-key order (undefined without `key`); read by the keyed queue. */
  readonly key: unknown;
  /** The queue's link to the entry after this one. */
  queueNext: N | null;
  /** Set by `complete` (or `pushBarrier`): the entry's result may be released once order allows. */
  queueReady: boolean;
}

/**
 * Holds entries from admission until their results are released (Flink's StreamElementQueue).
 * It decides only the release order; it knows nothing of RxJS, time or the user's calls.
 */
export interface EntryQueue<N extends QueueNode<N>> {
  /** Entries admitted and not yet released: what capacity counts. */
  readonly size: number;
  /** Admits an entry; entries are admitted in source order. */
  push(entry: N): void;
  /**
   * Admits a barrier (Flink's watermark), already complete: no result admitted before it leaves
   * after it, and none admitted after it leaves before it.
   */
  pushBarrier(barrier: N): void;
  /** Marks an admitted entry's result as ready. */
  complete(entry: N): void;
  /** Removes and returns the next entry whose result may leave now, if any. */
  poll(): N | undefined;
  /** Calls `visit` for every entry that is ready but not yet released, in no particular order. */
  forEachReady(visit: (entry: N) => void): void;
  /** Forgets every entry. */
  clear(): void;
}
