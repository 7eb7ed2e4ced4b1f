/** What a queue needs of its entries: a link and a flag, both owned by the queue. */
export interface QueueNode<N> {
  /** The queue's link to the entry after this one. */
  queueNext: N | null;
  /** Set by `complete`: the entry's result may be released. */
  ready: boolean;
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
  /** Marks an admitted entry's result as ready. */
  complete(entry: N): void;
  /** Removes and returns the next entry whose result may leave now, if any. */
  poll(): N | undefined;
  /** Forgets every entry. */
  clear(): void;
}
