import { from, Observable, Subscriber, type ObservableInput, type SchedulerAction, type Subscription } from 'rxjs';
import { AsyncTimeoutError } from '../AsyncTimeoutError.js';
import { delayError } from './describe.js';
import { Entry, EntryState, NO_RESULT, PENDING_PROMISE, Results } from './entry.js';
import { EntryList } from './entryList.js';
import type { EntryQueue } from './entryQueue.js';
import { Fifo } from './fifo.js';
import { InnerSubscriber, type InnerSink } from './innerSubscriber.js';
import { LatencyHistogram } from './latencyHistogram.js';
import { watchedCores, type MonitoredCore } from './monitorLink.js';
import type { AsyncWaitOptions } from './options.js';
import type { AsyncWaitFigures, PendingInput } from '../types.js';

/** Queues work behind the microtasks already queued. */
const RESOLVED = Promise.resolve();

/** How many starts may share one clock read for their deadlines. */
const STAMP_BATCH = 16;
/** How many latency events may share one clock read within a synchronous burst. */
const CLOCK_SHARE = 16;

type Status = AsyncWaitFigures['status'];

/**
 * The operator core shared by `orderedWait` and `unorderedWait` (Flink's AsyncWaitOperator): it
 * admits source values as entries up to capacity, buffers the rest in arrival order, runs each
 * entry's attempts, deadline and fallback, and emits what the queue releases. One instance per
 * subscription; it is the source's subscriber.
 */
export class AsyncWaitCore<T, R> extends Subscriber<T> implements InnerSink<T, R>, MonitoredCore<T> {
  /** Values that arrived while `capacity` entries were held; they start in arrival order. */
  private readonly waiting = new Fifo<T>();
  /** Entries with an attempt in flight or a retry pending, in start order, which is deadline order. */
  private readonly inFlight = new EntryList<Entry<T, R>>();
  /** Entries whose onTimeout/onError fallback is running: untimed, but stopped on teardown. */
  private readonly fallbacks = new EntryList<Entry<T, R>>();
  /** Index of the next value to start; values start in source order, so it is also its source index. */
  private nextIndex = 0;
  /** The source completed: complete once nothing is held or waiting. */
  private sourceDone = false;
  /** A drain loop is on the stack: work found meanwhile is left to it, which keeps the stack flat. */
  private draining = false;
  /** The one pending deadline check, for the oldest in-flight entry; null when none is armed. */
  private timer: Subscription | null = null;
  /** Scheduler time when the subscription started: entry times are kept relative to it. */
  private readonly epoch: number;
  /** The pending check is the second look at a deadline that is due at this very moment. */
  private deadlineDueNow = false;
  /**
   * Entries started since the clock was last read. Reading the scheduler's clock costs as much as
   * the rest of an admission, so deadlines are stamped in batches: at the end of each drain loop
   * and every STAMP_BATCH starts. A stamp is read after the call began, so a deadline is never
   * early; in virtual time the clock stands still within a frame, so it is exact.
   */
  private readonly unstamped: (Entry<T, R> | null)[] = new Array(STAMP_BATCH).fill(null);
  private unstampedCount = 0;
  /** The entry whose `fn` call is on the stack, so that a synchronous failure retries in a loop. */
  private invoking: Entry<T, R> | null = null;

  // Figures for a monitor. Counting is a few increments per element, so it is always on; only
  // latency, which needs the clock, is measured just when a monitor watches.
  private status: Status = 'active';
  private started = 0;
  private emitted = 0;
  private barriers = 0;
  private timedOut = 0;
  private retried = 0;
  private failed = 0;
  private fallbacksUsed = 0;
  private readonly latency: LatencyHistogram | null;
  /** Calls of fn, and those of them still running when fn returned (timed from then on). */
  private calls = 0;
  private timedCalls = 0;
  /** Calls that ended synchronously and are already in the histogram (as zeros). */
  private zerosRecorded = 0;
  /** A recent clock reading shared by up to CLOCK_SHARE latency events, and how many may still use it. */
  private clockNow = 0;
  private clockUses = 0;
  /** A Promise settlement is being handled: clock reads may wait for the end of the microtask burst. */
  private settlingPromise = false;
  private burstEndQueued = false;
  private readonly endBurst = (): void => {
    this.burstEndQueued = false;
    this.clockUses = 0;
    if (this.unstampedCount > 0 && !this.out.closed) this.stampDeadlines();
  };
  /** What was pending when the subscription ended, kept for a monitor to read afterwards. */
  private pendingAtEnd: PendingInput<T>[] | null = null;

  constructor(
    private readonly out: Subscriber<R>,
    private readonly options: AsyncWaitOptions<T, R>,
    private readonly queue: EntryQueue<Entry<T, R>>,
  ) {
    super();
    this.latency = options.monitor === null ? null : new LatencyHistogram();
    this.epoch = options.scheduler.now();
  }

  /** Subscribes the core to `source` on behalf of `out`, with teardown wired both ways. */
  static subscribe<T, R>(
    source: Observable<T>,
    out: Subscriber<R>,
    options: AsyncWaitOptions<T, R>,
    queue: EntryQueue<Entry<T, R>>,
  ): void {
    const core = new AsyncWaitCore(out, options, queue);
    if (options.monitor !== null) watchedCores.set(options.monitor, core);
    // Added before subscribing, so that a source that errors synchronously still finds the teardown.
    out.add(core);
    out.add(() => core.teardown());
    source.subscribe(core);
  }

  protected override _next(value: T): void {
    if (this.draining || this.queue.size >= this.options.capacity) {
      this.waiting.push(value);
      return;
    }
    // Outside a drain loop nothing waits unless the queue is full, so this value can start now.
    this.draining = true;
    this.start(value);
    this.drainLoop();
  }

  protected override _error(error: unknown): void {
    this.fail(error);
  }

  protected override _complete(): void {
    this.sourceDone = true;
    // Releases the source's resources; the core's own work is torn down with `out`, not here.
    this.unsubscribe();
    if (!this.draining) this.completeIfDrained();
  }

  // --- admission and emission -------------------------------------------------------------------

  private start(value: T): void {
    const { options } = this;
    const entry = new Entry<T, R>(value, this.nextIndex++);
    if (options.isBarrier !== null || options.key !== null) {
      try {
        if (options.isBarrier !== null && options.isBarrier(value)) {
          entry.state = EntryState.Barrier;
          entry.add(value as unknown as R);
          this.queue.pushBarrier(entry);
          return;
        }
        if (options.key !== null) entry.group = options.key(value);
      } catch (error) {
        // Listed as in flight while the output fails, so that the pending inputs still name it.
        this.inFlight.append(entry);
        this.fail(error);
        return;
      }
    }
    this.started++;
    this.queue.push(entry);
    this.inFlight.append(entry);
    if (options.timeout !== Infinity) {
      const unstamped = this.unstamped;
      unstamped[this.unstampedCount++] = entry;
      if (this.unstampedCount === unstamped.length) this.stampDeadlines();
    }
    this.invoke(entry);
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.drainLoop();
  }

  /** Emits what the queue releases and starts waiting values as slots free up; `draining` is set. */
  private drainLoop(): void {
    const { queue, waiting, out } = this;
    for (;;) {
      const ready = queue.poll();
      if (ready !== undefined) {
        this.emit(ready);
        if (out.closed) return;
      } else if (waiting.length > 0 && queue.size < this.options.capacity) {
        this.start(waiting.shift());
        if (out.closed) return;
      } else break;
    }
    this.draining = false;
    if (this.settlingPromise) {
      // More Promise settlements are likely queued behind this one; a microtask behind them
      // reads the clock once for the whole burst. No timer can run before it, so no deadline is
      // missed, and a stamp read later than the call never makes a deadline early.
      if ((this.unstampedCount > 0 || this.clockUses > 0) && !this.burstEndQueued) {
        this.burstEndQueued = true;
        // A then() on a settled Promise, not queueMicrotask: Node wraps the latter for async hooks.
        RESOLVED.then(this.endBurst);
      }
    } else {
      this.clockUses = 0;
      if (this.unstampedCount > 0) this.stampDeadlines();
    }
    if (this.sourceDone) this.completeIfDrained();
  }

  private emit(entry: Entry<T, R>): void {
    const { out } = this;
    const result = entry.result;
    if (entry.state === EntryState.Barrier) this.barriers++;
    else this.emitted++;
    if (result === NO_RESULT) return;
    if (!(result instanceof Results)) out.next(result);
    else {
      const { values } = result;
      for (let i = 0; i < values.length && !out.closed; i++) out.next(values[i]);
    }
  }

  private completeIfDrained(): void {
    if (this.queue.size === 0 && this.waiting.length === 0) {
      this.status = 'completed';
      this.out.complete();
    }
  }

  private fail(error: unknown): void {
    if (this.out.closed) return;
    this.status = 'errored';
    this.out.error(error);
  }

  // --- attempts ---------------------------------------------------------------------------------

  /** Calls `fn` for the entry, again and again while it fails synchronously with a retry due at once. */
  private invoke(entry: Entry<T, R>): void {
    const { fn } = this.options;
    const outer = this.invoking;
    this.invoking = entry;
    do {
      entry.state = EntryState.Running;
      let input: ObservableInput<R>;
      this.calls++;
      try {
        input = fn(entry.value, entry.index, entry);
      } catch (error) {
        // fn may have ended the output itself (erroring the source, unsubscribing downstream).
        if (this.out.closed) break;
        this.attemptFailed(entry, error);
        continue;
      }
      if (this.out.closed) break;
      this.subscribeInner(entry, input);
      // A call still running after fn returned is timed from here; one that ended synchronously took 0.
      if (this.latency !== null && entry.running !== null && entry.state === EntryState.Running) {
        entry.calledAt = this.clock();
        this.timedCalls++;
      }
    } while ((entry.state as EntryState) === EntryState.RetryNow);
    this.invoking = outer;
  }

  /** Runs an inner for the entry: Observables by subscription, Promises through `then`, arrays at once. */
  private subscribeInner(entry: Entry<T, R>, input: ObservableInput<R>): void {
    if (input instanceof Observable) {
      const subscriber = new InnerSubscriber(this, entry);
      entry.running = subscriber;
      input.subscribe(subscriber);
    } else if (Array.isArray(input)) {
      entry.addAll(input);
      this.innerCompleted(entry);
    } else if (input != null && typeof (input as PromiseLike<R>).then === 'function') {
      this.subscribePromise(entry, input as PromiseLike<R>);
    } else {
      let observable: Observable<R>;
      try {
        observable = from(input);
      } catch (error) {
        // Not an ObservableInput: a bug in the caller's fn, not a failed call, so no retry or fallback.
        this.fail(error);
        return;
      }
      this.subscribeInner(entry, observable);
    }
  }

  private subscribePromise(entry: Entry<T, R>, promise: PromiseLike<R>): void {
    entry.running = PENDING_PROMISE;
    const { attempt, state } = entry;
    // A settlement counts only for the attempt (or fallback) that made the Promise, and only if
    // nothing stopped it meanwhile: a Promise cannot be cancelled, only ignored.
    promise.then(
      (value) => {
        if (entry.running !== PENDING_PROMISE || entry.attempt !== attempt || entry.state !== state) return;
        entry.add(value);
        this.settlingPromise = true;
        try {
          this.innerCompleted(entry);
        } finally {
          this.settlingPromise = false;
        }
      },
      (error: unknown) => {
        if (entry.running !== PENDING_PROMISE || entry.attempt !== attempt || entry.state !== state) return;
        this.settlingPromise = true;
        try {
          this.innerErrored(entry, error);
        } finally {
          this.settlingPromise = false;
        }
      },
    );
  }

  innerCompleted(entry: Entry<T, R>): void {
    entry.running = null;
    if (entry.state === EntryState.Fallback) {
      this.fallbacks.remove(entry);
      this.finish(entry);
      return;
    }
    if (this.latency !== null && this.invoking !== entry) this.callEnded(entry);
    const { retry } = this.options;
    if (retry !== null && retry.ifResult !== null && entry.attempt <= retry.count) {
      let again: boolean;
      try {
        again = retry.ifResult(entry.results(), entry.value);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (again) {
        this.retryLater(entry);
        return;
      }
    }
    this.inFlight.remove(entry);
    this.finish(entry);
  }

  innerErrored(entry: Entry<T, R>, error: unknown): void {
    entry.running = null;
    if (entry.state === EntryState.Fallback) this.fail(error);
    else this.attemptFailed(entry, error);
  }

  private attemptFailed(entry: Entry<T, R>, error: unknown): void {
    if (this.latency !== null && this.invoking !== entry) this.callEnded(entry);
    const { retry } = this.options;
    if (retry !== null && entry.attempt <= retry.count) {
      let again = true;
      if (retry.ifError !== null) {
        try {
          again = retry.ifError(error, entry.value);
        } catch (predicateError) {
          this.fail(predicateError);
          return;
        }
      }
      if (again) {
        this.retryLater(entry);
        return;
      }
    }
    entry.abort();
    this.failed++;
    const { onError } = this.options;
    // Failing the output leaves the entry in flight, so that the pending inputs still name it.
    if (onError === null) this.fail(error);
    else {
      this.inFlight.remove(entry);
      this.fallBack(entry, () => onError(error, entry.value, entry.index));
    }
  }

  private retryLater(entry: Entry<T, R>): void {
    const { delay } = this.options.retry!;
    let ms: number;
    if (typeof delay === 'number') ms = delay;
    else {
      try {
        ms = delay(entry.attempt);
      } catch (error) {
        this.fail(error);
        return;
      }
      const error = delayError(ms, this.options.operator, `config.retry.delay(${entry.attempt})`);
      if (error !== null) {
        this.fail(error);
        return;
      }
    }
    entry.resetResult();
    entry.attempt++;
    this.retried++;
    if (ms > 0) {
      entry.state = EntryState.WaitingRetry;
      entry.running = this.options.scheduler.schedule(runRetry, ms, { core: this, entry });
    } else if (this.invoking === entry) {
      entry.state = EntryState.RetryNow;
    } else {
      this.invoke(entry);
    }
    this.releaseClock();
  }

  /** Runs a retry whose delay has passed. */
  retryDue(entry: Entry<T, R>): void {
    entry.running = null;
    this.invoke(entry);
    this.releaseClock();
  }

  private finish(entry: Entry<T, R>): void {
    entry.state = EntryState.Done;
    this.queue.complete(entry);
    this.drain();
  }

  private fallBack(entry: Entry<T, R>, fallback: () => ObservableInput<R>): void {
    entry.state = EntryState.Fallback;
    this.fallbacksUsed++;
    entry.resetResult();
    // Listed before the handler runs, so that the pending inputs still name the entry if it throws.
    this.fallbacks.append(entry);
    let input: ObservableInput<R>;
    try {
      input = fallback();
    } catch (error) {
      this.fail(error);
      return;
    }
    // The handler may have ended the output itself: then nothing may start.
    if (this.out.closed) return;
    this.subscribeInner(entry, input);
    this.releaseClock();
  }

  // --- time ---------------------------------------------------------------------------------------

  /** Gives the entries started since the last clock read their deadline, and arms the timer if idle. */
  private stampDeadlines(): void {
    const now = this.time();
    const deadline = now + this.options.timeout;
    const { unstamped } = this;
    for (let i = 0; i < this.unstampedCount; i++) {
      unstamped[i]!.deadline = deadline;
      unstamped[i] = null;
    }
    this.unstampedCount = 0;
    const head = this.inFlight.head;
    if (this.timer === null && head !== null) this.armTimer(head.deadline - now);
  }

  rearm(timer: Subscription): void {
    this.timer = timer;
  }

  private armTimer(delay: number): void {
    this.timer = this.options.scheduler.schedule(checkDeadlines, delay, this);
  }

  /**
   * Times out every in-flight entry whose deadline has passed. Deadlines grow with start order, so
   * only the oldest entries need looking at. Returns the delay to the next check, or -1 if none.
   *
   * A deadline is inclusive: a result that arrives exactly at it still counts, whatever order the
   * scheduler runs that frame's work in. So an entry due now is not timed out at once; the check
   * runs again after everything else already scheduled for this moment.
   */
  expire(): number {
    if (this.unstampedCount > 0) this.stampDeadlines();
    const now = this.time();
    const lastCall = this.deadlineDueNow;
    this.deadlineDueNow = false;
    let head: Entry<T, R> | null;
    while ((head = this.inFlight.head) !== null && (head.deadline < now || (lastCall && head.deadline === now))) {
      this.timeOut(head);
      if (this.out.closed) return -1;
    }
    if (head === null) {
      this.timer = null;
      return -1;
    }
    if (head.deadline === now) {
      this.deadlineDueNow = true;
      return 0;
    }
    return head.deadline - now;
  }

  private timeOut(entry: Entry<T, R>): void {
    if (this.latency !== null && entry.state === EntryState.Running) this.callEnded(entry);
    this.timedOut++;
    entry.stop();
    entry.abort();
    const { onTimeout } = this.options;
    // Failing the output leaves the entry in flight, so that the pending inputs still name it.
    if (onTimeout === null) {
      this.fail(new AsyncTimeoutError(entry.value, entry.index, this.options.timeout));
    } else {
      this.inFlight.remove(entry);
      this.fallBack(entry, () => onTimeout(entry.value, entry.index));
    }
  }

  // --- monitoring ---------------------------------------------------------------------------------

  /**
   * Records the latency of a call that outlived its fn call. Calls that end synchronously are
   * not recorded one by one: they are every call not timed, added as zeros when figures are read,
   * which keeps monitoring free for synchronous inners.
   */
  private callEnded(entry: Entry<T, R>): void {
    if (entry.calledAt >= 0) this.latency!.record(Math.max(0, this.clock() - entry.calledAt));
    entry.calledAt = -1;
  }

  /** The scheduler's time, read at most once per CLOCK_SHARE events of one synchronous burst. */
  private clock(): number {
    if (this.clockUses > 0) {
      this.clockUses--;
      return this.clockNow;
    }
    this.clockUses = CLOCK_SHARE - 1;
    return (this.clockNow = this.time());
  }

  /** Milliseconds since the subscription started, on the scheduler's clock. */
  private time(): number {
    return this.options.scheduler.now() - this.epoch;
  }

  /**
   * Ends the sharing of a clock reading where an event (a retry, a fallback) returns without a
   * drain loop, which would otherwise end it: a reading must not outlive its synchronous burst.
   */
  private releaseClock(): void {
    if (this.draining || this.clockUses === 0) return;
    if (!this.settlingPromise) this.clockUses = 0;
    else if (!this.burstEndQueued) {
      this.burstEndQueued = true;
      RESOLVED.then(this.endBurst);
    }
  }

  figures(): AsyncWaitFigures {
    const latency = this.latency ?? new LatencyHistogram();
    const zeros = this.calls - this.timedCalls;
    latency.recordZeros(zeros - this.zerosRecorded);
    this.zerosRecorded = zeros;
    return {
      status: this.status,
      inFlight: this.inFlight.size + this.fallbacks.size,
      held: this.queue.size,
      buffered: this.waiting.length,
      started: this.started,
      emitted: this.emitted,
      barriers: this.barriers,
      timedOut: this.timedOut,
      retried: this.retried,
      failed: this.failed,
      fallbacks: this.fallbacksUsed,
      latency: {
        count: latency.count,
        mean: latency.mean,
        max: latency.max,
        p50: latency.quantile(0.5),
        p99: latency.quantile(0.99),
      },
    };
  }

  pending(): PendingInput<T>[] {
    if (this.pendingAtEnd !== null) return this.pendingAtEnd.slice();
    const held: Entry<T, R>[] = [];
    const collect = (entry: Entry<T, R>) => void held.push(entry);
    this.inFlight.forEach(collect);
    this.fallbacks.forEach(collect);
    this.queue.forEachReady(collect);
    held.sort((a, b) => a.index - b.index);
    const pending: PendingInput<T>[] = held.map(({ index, value }) => ({ index, value }));
    let index = this.nextIndex;
    this.waiting.forEach((value) => void pending.push({ index: index++, value }));
    return pending;
  }

  commitIndex(): number {
    const pending = this.pending();
    return pending.length > 0 ? pending[0].index : this.nextIndex + this.waiting.length;
  }

  // --- teardown -----------------------------------------------------------------------------------

  /** Stops every inner, retry and timer and aborts every unfinished entry; runs once, with `out`. */
  private teardown(): void {
    if (this.status === 'active') this.status = 'unsubscribed';
    if (this.options.monitor !== null) this.pendingAtEnd = this.pending();
    this.timer?.unsubscribe();
    this.timer = null;
    for (let entry = this.inFlight.takeAll(); entry !== null;) {
      const next = entry.next;
      entry.prev = entry.next = null;
      entry.state = EntryState.Cancelled;
      entry.stop();
      entry.abort();
      entry = next;
    }
    for (let entry = this.fallbacks.takeAll(); entry !== null;) {
      const next = entry.next;
      entry.prev = entry.next = null;
      entry.state = EntryState.Cancelled;
      entry.stop();
      entry = next;
    }
    this.waiting.clear();
    this.queue.clear();
  }
}

function checkDeadlines<T, R>(this: SchedulerAction<AsyncWaitCore<T, R>>, core?: AsyncWaitCore<T, R>): void {
  const next = core!.expire();
  // Keep what schedule returns: an action may hand the work to a new one (VirtualAction does).
  if (next >= 0) core!.rearm(this.schedule(core, next));
}

function runRetry<T, R>(this: SchedulerAction<RetryState<T, R>>, state?: RetryState<T, R>): void {
  state!.core.retryDue(state!.entry);
}

interface RetryState<T, R> {
  core: AsyncWaitCore<T, R>;
  entry: Entry<T, R>;
}
