import type { AsyncWaitFigures, PendingInput } from '../figures.js';
import { LatencyHistogram } from './latencyHistogram.js';
import type { BatchFlushReason, MonitorProbe, WatchedSubscription } from './monitorProtocol.js';

type Status = AsyncWaitFigures['status'];

/**
 * The counters and call latencies of one monitored subscription, fed by the engine as elements
 * move. Made by the monitor, not by the engine, so that users who do not monitor bundle none of
 * it. Counting is a few increments per element; latency reads the clock only for calls that
 * outlive their `fn` call (synchronous ones are counted as zeros when the figures are read).
 */
export class MonitorHooks<T> implements MonitorProbe {
  private status: Status = 'active';
  private started_ = 0;
  private emitted_ = 0;
  private barriers = 0;
  private timedOut_ = 0;
  private retried_ = 0;
  private failed_ = 0;
  private fallbacks = 0;
  private dropped_ = 0;
  private retriesRefused = 0;
  /** Calls of fn, and those of them still running when fn returned (timed from then on). */
  private calls = 0;
  private timedCalls = 0;
  /** Calls that ended synchronously and are already in the histogram (as zeros). */
  private zerosRecorded = 0;
  private readonly latency = new LatencyHistogram();
  /** Batch counters, for the batch operators only (null otherwise). */
  private batch: {
    started: number;
    ended: number;
    elements: number;
    maxSize: number;
    flushes: Record<BatchFlushReason, number>;
  } | null = null;
  /** What was pending when the subscription ended, kept for reading afterwards. */
  pendingAtEnd: PendingInput<T>[] | null = null;

  constructor(
    readonly watched: WatchedSubscription<T>,
    private readonly onEnd: () => void,
  ) {}

  started(): void {
    this.started_++;
  }
  emitted(): void {
    this.emitted_++;
  }
  barrier(): void {
    this.barriers++;
  }
  timedOut(): void {
    this.timedOut_++;
  }
  retried(): void {
    this.retried_++;
  }
  failed(): void {
    this.failed_++;
  }
  fallback(): void {
    this.fallbacks++;
  }
  dropped(): void {
    this.dropped_++;
  }
  retryRefused(): void {
    this.retriesRefused++;
  }
  called(): void {
    this.calls++;
  }
  timed(): void {
    this.timedCalls++;
  }
  callEnded(ms: number): void {
    this.latency.record(ms);
  }

  batching(): void {
    this.batch = {
      started: 0,
      ended: 0,
      elements: 0,
      maxSize: 0,
      flushes: { size: 0, delay: 0, complete: 0, barrier: 0 },
    };
  }
  batchFlushed(reason: BatchFlushReason): void {
    this.batch!.flushes[reason]++;
  }
  batchStarted(size: number): void {
    const batch = this.batch!;
    batch.started++;
    batch.elements += size;
    if (size > batch.maxSize) batch.maxSize = size;
  }
  batchEnded(): void {
    this.batch!.ended++;
  }

  ended(status: 'completed' | 'errored' | 'unsubscribed', pending: PendingInput<unknown>[], commitIndex: number): void {
    this.status = status;
    this.pendingAtEnd = pending as PendingInput<T>[];
    this.commitIndexAtEnd = commitIndex;
    this.limitAtEnd = this.watched.flow?.().limit ?? 0;
    this.onEnd();
  }

  private commitIndexAtEnd = 0;
  /** The limit on calls in flight when the subscription ended. */
  private limitAtEnd = 0;

  pending(): PendingInput<T>[] {
    return this.pendingAtEnd !== null ? this.pendingAtEnd.slice() : this.watched.pending();
  }

  commitIndex(): number {
    return this.pendingAtEnd === null ? this.watched.commitIndex() : this.commitIndexAtEnd;
  }

  figures(): AsyncWaitFigures {
    const { latency, watched } = this;
    const zeros = this.calls - this.timedCalls;
    latency.recordZeros(zeros - this.zerosRecorded);
    this.zerosRecorded = zeros;
    const live = this.pendingAtEnd === null;
    const flow = live ? (watched.flow?.() ?? null) : null;
    const figures: AsyncWaitFigures = {
      status: this.status,
      inFlight: live ? watched.inFlight() : 0,
      fallbacksRunning: live ? watched.fallbacksRunning() : 0,
      oldestPendingAge: live ? watched.oldestAge() : 0,
      held: live ? watched.held() : 0,
      buffered: live ? watched.buffered() : 0,
      started: this.started_,
      emitted: this.emitted_,
      barriers: this.barriers,
      timedOut: this.timedOut_,
      retried: this.retried_,
      failed: this.failed_,
      fallbacks: this.fallbacks,
      dropped: this.dropped_,
      limit: flow !== null ? flow.limit : this.limitAtEnd,
      waitingForToken: flow !== null ? flow.waitingForToken : 0,
      cooldownUntil: flow !== null ? flow.cooldownUntil : 0,
      retriesRefused: this.retriesRefused,
      latency: {
        count: latency.count,
        mean: latency.mean,
        max: latency.max,
        p50: latency.quantile(0.5),
        p99: latency.quantile(0.99),
      },
    };
    const { batch } = this;
    if (batch === null) return figures;
    return {
      ...figures,
      batches: {
        started: batch.started,
        inFlight: live ? batch.started - batch.ended : 0,
        meanSize: batch.started === 0 ? 0 : batch.elements / batch.started,
        maxSize: batch.maxSize,
        flushes: { ...batch.flushes },
      },
    };
  }
}
