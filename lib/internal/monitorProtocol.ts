import type { AsyncWaitFigures, BatchFigures, PendingInput } from '../figures.js';

/** Why a batch was flushed (orderedWaitBatch / unorderedWaitBatch). */
export type BatchFlushReason = keyof BatchFigures['flushes'];

/**
 * The key under which a monitor offers itself to the operators. A registered symbol, not a
 * class or a module-level map, so that a monitor made by one copy of the package (its CommonJS
 * build, say) works with operators of another (its ESM build): the dual package hazard.
 */
export const MONITOR_PROTOCOL: unique symbol = Symbol.for('rxjs-async-io/monitor');

/** Bumped when the shapes below change incompatibly; a monitor of another version is refused. */
export const MONITOR_PROTOCOL_VERSION = 1;

/** What the engine gives a monitor to read, live, from the subscription it watches. */
export interface WatchedSubscription<T> {
  /** Entries whose call, retry wait or fallback is running. */
  inFlight(): number;
  /** Fallbacks running now. */
  fallbacksRunning(): number;
  /** Entries counted against capacity. */
  held(): number;
  /** Values waiting in the input buffer. */
  buffered(): number;
  /** Milliseconds since the oldest held element's first call started (0 when none). */
  oldestAge(): number;
  /** Inputs whose results have not been emitted, in source order. */
  pending(): PendingInput<T>[];
  /** The lowest source index not yet emitted (or the count received, when none is pending). */
  commitIndex(): number;
  /**
   * The flow control's state: the limit on calls in flight, starts held back, the cooldown.
   * Optional, so that a monitor reads an engine of an older copy of the package.
   */
  flow?(): FlowReadings;
}

/** What the flow control (gate.ts) shows a monitor; without one, the limit is the capacity. */
export interface FlowReadings {
  /** The limit on calls in flight now (maxInFlight, fixed or adaptive). */
  readonly limit: number;
  /** Calls that maxInFlight would let start but the rate limit or a cooldown holds back. */
  readonly waitingForToken: number;
  /** When the cooldown ends, on the scheduler's clock (`scheduler.now()`); 0 when none runs. */
  readonly cooldownUntil: number;
}

/**
 * What the engine reports to a monitor as elements move: counts and call latencies. Made by the
 * monitor (so that its code is bundled only for users who monitor), one per subscription.
 */
export interface MonitorProbe {
  started(): void;
  emitted(): void;
  barrier(): void;
  timedOut(): void;
  retried(): void;
  failed(): void;
  fallback(): void;
  /** A value was dropped by the input buffer's overflow policy. */
  dropped(): void;
  /** A retry that the config wanted was refused by the retry budget (optional: a monitor of an older copy has none). */
  retryRefused?(): void;
  /** A call of `fn` began. */
  called(): void;
  /** A call outlived its `fn` call and is being timed from now on. */
  timed(): void;
  /** A timed call ended after `ms` milliseconds. */
  callEnded(ms: number): void;
  // The batch operators' events. Optional, so that a monitor of an older copy of the package,
  // which lacks them, still works (the engine calls them with `?.`): the protocol stays version 1.
  /** The subscription calls in batches: its figures get a `batches` part. */
  batching?(): void;
  /** A batch was flushed (closed to new elements) for `reason`. */
  batchFlushed?(reason: BatchFlushReason): void;
  /** A batch call of `size` elements began (`called` counts it too). */
  batchStarted?(size: number): void;
  /** A batch call ended: answered, failed or abandoned. */
  batchEnded?(): void;
  /** The subscription ended; `pending` and `commitIndex` are as they stood at that moment. */
  ended(status: 'completed' | 'errored' | 'unsubscribed', pending: PendingInput<unknown>[], commitIndex: number): void;
  /** The figures as they stand. */
  figures(): AsyncWaitFigures;
}

/** What a monitor offers under MONITOR_PROTOCOL. */
export interface MonitorEndpoint {
  readonly version: number;
  /** Starts watching a new subscription (the latest one wins) and returns its probe. */
  watch(subscription: WatchedSubscription<unknown>): MonitorProbe;
}

/** Whether a value is a monitor this engine can talk to (from any copy of the package). */
export function monitorEndpoint(value: unknown): MonitorEndpoint | null {
  if (value === null || typeof value !== 'object') return null;
  const endpoint = (value as { [MONITOR_PROTOCOL]?: MonitorEndpoint })[MONITOR_PROTOCOL];
  if (endpoint === undefined || endpoint === null || typeof endpoint.watch !== 'function') return null;
  return endpoint.version === MONITOR_PROTOCOL_VERSION ? endpoint : null;
}
