// The shapes a monitor reads. Kept apart from types.ts, which imports the monitor's type, so that
// the monitor and the engine can use them without an import cycle.

/** A source value whose result has not been emitted yet, with its source index. */
export interface PendingInput<T> {
  /** The value's position in the source, from 0. */
  readonly index: number;
  /** The source value. */
  readonly value: T;
}

/** Call latencies of one subscription, in milliseconds of the scheduler's clock. */
export interface LatencyFigures {
  /** Calls measured (every attempt that ended: completed, failed or timed out). */
  readonly count: number;
  /** Mean latency. */
  readonly mean: number;
  /** Longest latency. */
  readonly max: number;
  /** Median, at most 1/16 (6.25 %) above the exact value (log-linear buckets). */
  readonly p50: number;
  /** 99th percentile, at most 1/16 (6.25 %) above the exact value. */
  readonly p99: number;
}

/** Live figures of one subscription of {@link orderedWait} or {@link unorderedWait}. */
export interface AsyncWaitFigures {
  /** `idle` before any subscription; then as the latest subscription stands. */
  readonly status: 'idle' | 'active' | 'completed' | 'errored' | 'unsubscribed';
  /** Entries whose call, retry wait or fallback is running. */
  readonly inFlight: number;
  /**
   * Of those, the onTimeout/onError fallbacks running now. A fallback is not timed, so one that
   * never completes holds its slot for ever: a count that stays above 0 shows it.
   */
  readonly fallbacksRunning: number;
  /**
   * Milliseconds (on the engine's clock) since the first call of the oldest element still held
   * started; 0 when none is held. A figure that keeps growing shows an element that is stuck.
   */
  readonly oldestPendingAge: number;
  /** Entries counted against capacity: in flight, waiting for a retry, or completed and not emitted. */
  readonly held: number;
  /** Values waiting in the input buffer for a free slot. */
  readonly buffered: number;
  /** Values for which `fn` was called (barriers not included). */
  readonly started: number;
  /** Values whose result was emitted (an empty result counts; barriers not included). */
  readonly emitted: number;
  /** Barriers emitted. */
  readonly barriers: number;
  /** Values that timed out. */
  readonly timedOut: number;
  /** Retries started. */
  readonly retried: number;
  /** Values that failed for good (after their retries), whether or not `onError` replaced them. */
  readonly failed: number;
  /** Values replaced by an `onTimeout` or `onError` fallback. */
  readonly fallbacks: number;
  /** Values dropped by the input buffer's overflow policy (`dropOldest` / `dropNewest`). */
  readonly dropped: number;
  /**
   * The limit on calls in flight now: `maxInFlight` (an adaptive limit's current value), or
   * `capacity` when it is not set. 0 before any subscription.
   */
  readonly limit: number;
  /**
   * Calls that `maxInFlight` would let start but that wait for a `rateLimit` token or for a
   * `cooldown` to end (retries included).
   */
  readonly waitingForToken: number;
  /**
   * When the running `cooldown` ends, in the scheduler's time (`scheduler.now()`: epoch ms on
   * `asyncScheduler`, frames in a `TestScheduler`); 0 when none runs.
   */
  readonly cooldownUntil: number;
  /** Retries that `retry` wanted but `retry.budget` refused. */
  readonly retriesRefused: number;
  /**
   * Latency of each call of `fn`, from the call to the end of its inner (for the batch operators,
   * of each batch call).
   */
  readonly latency: LatencyFigures;
  /** Batch figures, for {@link orderedWaitBatch} and {@link unorderedWaitBatch} only (absent otherwise). */
  readonly batches?: BatchFigures;
}

/** Batch calls of one subscription of {@link orderedWaitBatch} or {@link unorderedWaitBatch}. */
export interface BatchFigures {
  /** Batch calls started (a batch of retried elements counts as a new call). */
  readonly started: number;
  /** Batch calls in flight now (at most `maxInFlightBatches`). */
  readonly inFlight: number;
  /** Mean number of elements per batch call started; 0 before the first. */
  readonly meanSize: number;
  /** Most elements in one batch call started. */
  readonly maxSize: number;
  /** Batches flushed, by reason. */
  readonly flushes: {
    /** Reached `maxBatchSize`. */
    readonly size: number;
    /** `maxBatchDelay` passed since the batch's first element. */
    readonly delay: number;
    /** The source completed. */
    readonly complete: number;
    /** A barrier arrived (no batch straddles one). */
    readonly barrier: number;
  };
}
