import { asyncScheduler, interval, map, type Observable, type SchedulerLike } from 'rxjs';
import { argumentError } from './internal/describe.js';
import { watchedCores, type MonitoredCore } from './internal/monitorLink.js';
import type { AsyncWaitFigures, PendingInput } from './types.js';

const IDLE: AsyncWaitFigures = Object.freeze({
  status: 'idle',
  inFlight: 0,
  held: 0,
  buffered: 0,
  started: 0,
  emitted: 0,
  barriers: 0,
  timedOut: 0,
  retried: 0,
  failed: 0,
  fallbacks: 0,
  latency: Object.freeze({ count: 0, mean: 0, max: 0, p50: 0, p99: 0 }),
});

/**
 * A window into an {@link orderedWait} or {@link unorderedWait} subscription: its live figures
 * (for monitoring: "monitor timeout situations", as FLIP-12 puts it) and its pending inputs (for
 * resuming after a restart, as Flink's checkpoint of in-flight inputs).
 *
 * <span class="informal">Pass it as `config.monitor`; read it whenever you like, also after the
 * subscription ended.</span>
 *
 * ```text
 * source:   -a-b-c-------|
 * fn:        (a: --A|, b: ------B|, c: -C|)
 * result:   ----A--C--B--|          (unorderedWait)
 * pending() at frame 4: [{ index: 1, value: b }]   commitIndex at frame 4: 1
 * ```
 *
 * A monitor watches the latest subscription it was given to; subscribing twice with one monitor
 * moves it to the second. Figures are counted per subscription and cost a few increments per
 * element; call latency reads the scheduler's clock at most once per 16 events in a synchronous
 * burst, and not at all for calls that complete synchronously.
 *
 * ## Example
 *
 * Resume a Kafka-style consumer without losing an element:
 *
 * ```ts
 * import { concat, from } from 'rxjs';
 * import { AsyncWaitMonitor, orderedWait } from 'rxjs-async-io';
 *
 * const monitor = new AsyncWaitMonitor<Message>();
 * const subscription = messages$.pipe(orderedWait(enrich, { timeout: 1000, monitor })).subscribe(sink);
 * // ... on shutdown:
 * subscription.unsubscribe();
 * const saved = monitor.pending().map((p) => p.value);     // inputs not yet emitted, in order
 * commitOffset(firstOffset + monitor.commitIndex);          // everything before it is done
 * // ... on restart:
 * concat(from(saved), moreMessages$).pipe(orderedWait(enrich, { timeout: 1000 }));
 * ```
 */
export class AsyncWaitMonitor<T = unknown> {
  /** The figures of the latest subscription, as they stand now (all zero and `idle` before one). */
  get figures(): AsyncWaitFigures {
    return this.core()?.figures() ?? IDLE;
  }

  /**
   * The inputs whose results have not been emitted, in source order with their indices: entries
   * held (in flight, waiting for a retry or a fallback, or completed but not emitted) and values
   * buffered. After teardown, what was pending at that moment. Re-running them (for example
   * `concat(from(pending.map((p) => p.value)), rest$)`) gives at-least-once calls and, with the
   * commit index, exactly-once results.
   *
   * @return A new array each call; empty before any subscription.
   */
  pending(): PendingInput<T>[] {
    return this.core()?.pending() ?? [];
  }

  /**
   * The safe commit position for offset-based sources: the lowest source index whose result has
   * not been emitted (every earlier value's result has). When nothing is pending, the number of
   * values received. 0 before any subscription.
   */
  get commitIndex(): number {
    return this.core()?.commitIndex() ?? 0;
  }

  /**
   * The figures every `period` milliseconds, for as long as you subscribe.
   *
   * @param period Milliseconds between samples, > 0.
   * @param scheduler Where the sampling timer runs. Default `asyncScheduler`.
   * @return An Observable of snapshots of {@link AsyncWaitMonitor.figures}.
   * @throws {TypeError | RangeError} If `period` is not a number > 0.
   */
  sample(period: number, scheduler: SchedulerLike = asyncScheduler): Observable<AsyncWaitFigures> {
    if (typeof period !== 'number')
      throw argumentError(TypeError, 'AsyncWaitMonitor.sample', 'period', 'a number', period);
    if (!(period > 0) || period === Infinity) {
      throw argumentError(RangeError, 'AsyncWaitMonitor.sample', 'period', 'a finite number > 0', period);
    }
    return interval(period, scheduler).pipe(map(() => this.figures));
  }

  private core(): MonitoredCore<T> | undefined {
    return watchedCores.get(this) as MonitoredCore<T> | undefined;
  }
}
