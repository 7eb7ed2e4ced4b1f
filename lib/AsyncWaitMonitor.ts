import { asyncScheduler, interval, Observable, type SchedulerLike } from 'rxjs';
import type { AsyncWaitFigures, PendingInput } from './figures.js';
import { argumentError } from './internal/describe.js';
import { MonitorHooks } from './internal/monitorHooks.js';
import {
  MONITOR_PROTOCOL,
  MONITOR_PROTOCOL_VERSION,
  type MonitorEndpoint,
  type WatchedSubscription,
} from './internal/monitorProtocol.js';

const IDLE: AsyncWaitFigures = Object.freeze({
  status: 'idle',
  inFlight: 0,
  fallbacksRunning: 0,
  oldestPendingAge: 0,
  held: 0,
  buffered: 0,
  started: 0,
  emitted: 0,
  barriers: 0,
  timedOut: 0,
  retried: 0,
  failed: 0,
  fallbacks: 0,
  dropped: 0,
  limit: 0,
  waitingForToken: 0,
  cooldownUntil: 0,
  retriesRefused: 0,
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
 * moves it to the second. A monitor from one copy of the package works with operators from
 * another (its CommonJS and ESM builds, say): they meet through a registered symbol. Figures are counted per subscription and cost a few increments per
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
  /** The hooks of the latest subscription; null before one. */
  private hooks: MonitorHooks<T> | null = null;
  /** Called once when the watched subscription ends (samples complete then). */
  private readonly endListeners = new Set<() => void>();

  /**
   * How the operators reach the monitor (any copy of the package: see MONITOR_PROTOCOL).
   * @internal
   */
  readonly [MONITOR_PROTOCOL]: MonitorEndpoint = {
    version: MONITOR_PROTOCOL_VERSION,
    watch: (subscription: WatchedSubscription<unknown>) => {
      const hooks = new MonitorHooks<T>(subscription as WatchedSubscription<T>, () => {
        if (this.hooks !== hooks) return;
        const listeners = [...this.endListeners];
        this.endListeners.clear();
        for (const listener of listeners) listener();
      });
      this.hooks = hooks;
      return hooks;
    },
  };

  /** The figures of the latest subscription, as they stand now (all zero and `idle` before one). */
  get figures(): AsyncWaitFigures {
    return this.hooks?.figures() ?? IDLE;
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
    return this.hooks?.pending() ?? [];
  }

  /**
   * The safe commit position for offset-based sources: the lowest source index whose result has
   * not been emitted (every earlier value's result has). When nothing is pending, the number of
   * values received. 0 before any subscription.
   */
  get commitIndex(): number {
    return this.hooks?.commitIndex() ?? 0;
  }

  /**
   * The figures every `period` milliseconds until the watched subscription ends: then one last
   * snapshot (the final figures) and completion, so a script that samples still exits. Sampling
   * that starts while no subscription is active waits for the next one and ends with it.
   *
   * @param period Milliseconds between samples, > 0.
   * @param scheduler Where the sampling timer runs. Default `asyncScheduler`.
   * @return An Observable of snapshots of {@link AsyncWaitMonitor.figures}, completing after the
   *   watched subscription ends.
   * @throws {TypeError | RangeError} If `period` is not a number > 0.
   */
  sample(period: number, scheduler: SchedulerLike = asyncScheduler): Observable<AsyncWaitFigures> {
    if (typeof period !== 'number')
      throw argumentError(TypeError, 'AsyncWaitMonitor.sample', 'period', 'a number', period);
    if (!(period > 0) || period === Infinity) {
      throw argumentError(RangeError, 'AsyncWaitMonitor.sample', 'period', 'a finite number > 0', period);
    }
    return new Observable<AsyncWaitFigures>((subscriber) => {
      const ended = () => {
        subscriber.next(this.figures);
        subscriber.complete();
      };
      this.endListeners.add(ended);
      const ticks = interval(period, scheduler).subscribe(() => subscriber.next(this.figures));
      return () => {
        ticks.unsubscribe();
        this.endListeners.delete(ended);
      };
    });
  }
}
