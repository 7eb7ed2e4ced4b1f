import type { ObservableInput, Subscriber } from 'rxjs';
import type { PendingInput } from '../figures.js';
import type { Admission } from './admission.js';
import type { Clock } from './clock.js';
import type { DeadlineSink, Deadlines } from './deadlines.js';
import { Entry, EntryState, NO_RESULT, Results } from './entry.js';
import { AsyncTimeoutError } from './errors.js';
import type { FallbackSink, Fallbacks } from './fallbacks.js';
import type { AttemptSink, Invocation } from './invocation.js';
import type { MonitorProbe, WatchedSubscription } from './monitorProtocol.js';
import type { AsyncWaitOptions } from './options.js';
import { pendingInputs } from './pending.js';
import type { EntryQueue } from './queues/entryQueue.js';
import { Fifo } from './queues/fifo.js';
import type { Retry, RetrySink } from './retry.js';
import type { SourceSink } from './subscribers.js';

/** The parts a core is built from; see assemble.ts, which makes them for one subscription. */
export interface CoreParts<T, R> {
  readonly queue: EntryQueue<Entry<T, R>>;
  readonly admission: Admission;
  readonly invocation: Invocation<T, R>;
  readonly deadlines: Deadlines<T, R>;
  readonly retry: Retry<T, R> | null;
  readonly fallbacks: Fallbacks<T, R>;
  readonly clock: Clock;
  readonly probe: MonitorProbe | null;
}

/**
 * The operator core (Flink's AsyncWaitOperator), one per subscription: it admits source values
 * as entries while the admission policy allows and buffers the rest in arrival order, hands
 * entries to the invocation, routes each outcome (result, retry, timeout, fallback, failure),
 * emits what the queue releases from one drain loop, completes in one place and tears down once.
 * Everything else is a part that owns its state and reports back through a sink interface.
 */
export class OperatorCore<T, R>
  implements SourceSink<T>, AttemptSink<T, R>, RetrySink<T, R>, DeadlineSink<T, R>, FallbackSink<T, R>
{
  /** Values that arrived while no slot was free; they start in arrival order. */
  private readonly buffer = new Fifo<T>();
  /** Index of the next value to start; values start in source order, so it is also its source index. */
  private nextIndex = 0;
  /** The source completed: complete once nothing is held or buffered. */
  private sourceDone = false;
  /** A drain loop is on the stack: work found meanwhile is left to it, which keeps the stack flat. */
  private draining = false;

  constructor(
    private readonly out: Subscriber<R>,
    private readonly options: AsyncWaitOptions<T, R>,
    private readonly parts: CoreParts<T, R>,
  ) {}

  get closed(): boolean {
    return this.out.closed;
  }

  // --- the source -------------------------------------------------------------------------------

  sourceValue(value: T): void {
    if (this.draining || !this.parts.admission.admits(this.parts.queue.size)) {
      this.buffer.push(value);
      return;
    }
    // Outside a drain loop nothing is buffered unless no slot is free, so this value starts now.
    this.draining = true;
    this.start(value);
    this.drainLoop();
  }

  sourceError(error: unknown): void {
    this.fail(error);
  }

  sourceComplete(): void {
    this.sourceDone = true;
    this.parts.invocation.flush();
    if (!this.draining) this.completeIfDrained();
  }

  // --- admission and emission -------------------------------------------------------------------

  private start(value: T): void {
    const { options, parts } = this;
    const index = this.nextIndex++;
    let key: unknown;
    try {
      if (options.isBarrier !== null && options.isBarrier(value)) {
        parts.invocation.flush();
        const barrier = new Entry<T, R>(value, index, undefined);
        barrier.state = EntryState.Barrier;
        barrier.add(value as unknown as R);
        parts.queue.pushBarrier(barrier);
        return;
      }
      if (options.key !== null) key = options.key(value);
    } catch (error) {
      // Listed as in flight while the output fails, so that the pending inputs still name it.
      parts.deadlines.list.append(new Entry<T, R>(value, index, undefined));
      this.fail(error);
      return;
    }
    const entry = new Entry<T, R>(value, index, key);
    if (parts.probe !== null) parts.probe.started();
    parts.queue.push(entry);
    parts.invocation.submit(entry);
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.drainLoop();
  }

  /** Emits what the queue releases and starts buffered values as slots free up; `draining` is set. */
  private drainLoop(): void {
    const { out, buffer, parts } = this;
    const { queue, admission } = parts;
    for (;;) {
      const ready = queue.poll();
      if (ready !== undefined) {
        this.emit(ready);
        if (out.closed) return;
      } else if (buffer.length > 0 && admission.admits(queue.size)) {
        this.start(buffer.shift());
        if (out.closed) return;
      } else break;
    }
    this.draining = false;
    parts.deadlines.endOfBurst();
    if (this.sourceDone) this.completeIfDrained();
  }

  private emit(entry: Entry<T, R>): void {
    const { out, parts } = this;
    if (parts.probe !== null) {
      if (entry.state === EntryState.Barrier) parts.probe.barrier();
      else parts.probe.emitted();
    }
    const result = entry.result;
    if (result === NO_RESULT) return;
    if (!(result instanceof Results)) out.next(result);
    else {
      const { values } = result;
      for (let i = 0; i < values.length && !out.closed; i++) out.next(values[i]);
    }
  }

  /** The one completion predicate: the source is done and nothing is held or buffered. */
  private completeIfDrained(): void {
    if (this.parts.queue.size === 0 && this.buffer.length === 0) this.end('completed');
  }

  private fail(error: unknown): void {
    if (!this.out.closed) this.end('errored', error);
  }

  private end(status: 'completed' | 'errored', error?: unknown): void {
    // Tell the monitor first: ending the output tears down, and teardown reports 'unsubscribed'
    // only if nothing ended the subscription before.
    this.status = status;
    if (status === 'completed') this.out.complete();
    else this.out.error(error);
  }

  private status: 'active' | 'completed' | 'errored' = 'active';

  // --- outcomes ---------------------------------------------------------------------------------

  callStarting(entry: Entry<T, R>): void {
    this.parts.deadlines.track(entry);
  }

  attemptCompleted(entry: Entry<T, R>): void {
    const { retry } = this.parts;
    if (retry !== null) {
      let again: boolean;
      try {
        again = retry.afterResult(entry);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (again) return this.retryLater(entry);
    }
    this.parts.deadlines.untrack(entry);
    this.finish(entry);
  }

  attemptFailed(entry: Entry<T, R>, error: unknown): void {
    const { retry } = this.parts;
    if (retry !== null) {
      let again: boolean;
      try {
        again = retry.afterError(entry, error);
      } catch (predicateError) {
        this.fail(predicateError);
        return;
      }
      if (again) return this.retryLater(entry);
    }
    const { onError } = this.options;
    entry.abort(error);
    if (this.parts.probe !== null) this.parts.probe.failed();
    // Failing the output leaves the entry in flight, so that the pending inputs still name it.
    if (onError === null) return this.fail(error);
    this.parts.deadlines.untrack(entry);
    this.fallBack(entry, () => onError(error, entry.value, entry.index));
  }

  invalidInput(error: unknown): void {
    this.fail(error);
  }

  private retryLater(entry: Entry<T, R>): void {
    const { retry, deadlines, invocation, probe } = this.parts;
    let ms: number;
    try {
      ms = retry!.delay(entry);
    } catch (error) {
      this.fail(error);
      return;
    }
    // An immediate retry lets no timer run: the deadline is looked at here instead.
    if (ms === 0 && deadlines.isDue(entry)) {
      deadlines.untrack(entry);
      return this.deadlineExpired(entry);
    }
    retry!.prepare(entry, ms);
    if (probe !== null) probe.retried();
    if (ms === 0) invocation.retry(entry);
    if (!this.draining) deadlines.endOfBurst();
  }

  retryDue(entry: Entry<T, R>): void {
    this.parts.invocation.retry(entry);
    this.parts.deadlines.endOfBurst();
  }

  deadlineExpired(entry: Entry<T, R>): void {
    const { probe, clock } = this.parts;
    if (probe !== null) {
      if (entry.calledAt >= 0) probe.callEnded(Math.max(0, clock.shareable() - entry.calledAt));
      probe.timedOut();
    }
    entry.calledAt = -1;
    entry.stop();
    const error = new AsyncTimeoutError(entry.value, entry.index, this.options.timeout);
    entry.abort(error);
    const { onTimeout } = this.options;
    if (onTimeout !== null) return this.fallBack(entry, () => onTimeout(entry.value, entry.index));
    // Failing the output keeps the entry listed, so that the pending inputs still name it.
    this.parts.deadlines.list.append(entry);
    this.fail(error);
  }

  private fallBack(entry: Entry<T, R>, handler: () => ObservableInput<R>): void {
    if (this.parts.probe !== null) this.parts.probe.fallback();
    this.parts.fallbacks.run(entry, handler);
    if (!this.draining) this.parts.deadlines.endOfBurst();
  }

  fallbackCompleted(entry: Entry<T, R>): void {
    this.finish(entry);
  }

  fallbackFailed(error: unknown): void {
    this.fail(error);
  }

  private finish(entry: Entry<T, R>): void {
    entry.state = EntryState.Done;
    this.parts.queue.complete(entry);
    this.drain();
  }

  // --- what a monitor reads ---------------------------------------------------------------------

  watched(): WatchedSubscription<T> {
    // Read through `parts` at each call: the monitor is given this before the parts exist.
    const { parts } = this;
    return {
      inFlight: () => parts.deadlines.size + parts.fallbacks.size,
      fallbacksRunning: () => parts.fallbacks.size,
      held: () => parts.queue.size,
      buffered: () => this.buffer.length,
      oldestAge: () => oldestAge(parts.deadlines.list.head, parts.fallbacks.list.head, parts.clock.now()),
      pending: () => this.pending(),
      commitIndex: () => {
        const pending = this.pending();
        return pending.length > 0 ? pending[0].index : this.nextIndex + this.buffer.length;
      },
    };
  }

  private pending(): PendingInput<T>[] {
    const { deadlines, fallbacks, queue, invocation } = this.parts;
    return pendingInputs({
      timed: deadlines.list,
      fallbacks: fallbacks.list,
      queue,
      waitingForCall: (visit) => invocation.forEachWaiting?.(visit),
      buffer: this.buffer,
      nextIndex: this.nextIndex,
    });
  }

  // --- teardown ---------------------------------------------------------------------------------

  /** Stops every call, retry, fallback and timer and aborts every unfinished entry; runs once, with `out`. */
  teardown(): void {
    const { parts } = this;
    if (parts.probe !== null) {
      const pending = this.pending();
      const commitIndex = pending.length > 0 ? pending[0].index : this.nextIndex + this.buffer.length;
      parts.probe.ended(this.status === 'active' ? 'unsubscribed' : this.status, pending, commitIndex);
    }
    const reason = teardownReason(this.options.operator, this.status);
    parts.invocation.teardown();
    for (let entry = parts.deadlines.takeAll(); entry !== null;) entry = cancel(entry, reason);
    for (let entry = parts.fallbacks.takeAll(); entry !== null;) entry = cancel(entry, null);
    this.buffer.clear();
    parts.queue.clear();
  }
}

/** Cancels one entry of a list being emptied and returns the next; `reason` aborts its signal. */
function cancel<T, R>(entry: Entry<T, R>, reason: unknown): Entry<T, R> | null {
  const next = entry.next;
  entry.prev = entry.next = null;
  entry.state = EntryState.Cancelled;
  entry.stop();
  if (reason !== null) entry.abort(reason);
  return next;
}

/**
 * The reason a signal is aborted with when the subscription ends before the element's result: a
 * DOMException named 'AbortError', as `fetch` users check for, saying what ended it.
 */
function teardownReason(operator: string, status: 'active' | 'completed' | 'errored'): unknown {
  const why = status === 'errored' ? 'the output errored' : 'the subscription was unsubscribed';
  return new DOMException(`${operator}: ${why} before this element's result`, 'AbortError');
}

function oldestAge<T, R>(timed: Entry<T, R> | null, fallback: Entry<T, R> | null, now: number): number {
  let oldest = Infinity;
  if (timed !== null && timed.startedAt >= 0) oldest = timed.startedAt;
  for (let e = fallback; e !== null; e = e.next) if (e.startedAt >= 0 && e.startedAt < oldest) oldest = e.startedAt;
  return oldest === Infinity ? 0 : Math.max(0, now - oldest);
}
