import type { ObservableInput, Subscriber } from 'rxjs';
import type { DeadlineSink } from './deadlines.js';
import { Entry, EntryState } from './entry.js';
import { AsyncTimeoutError, BufferOverflowError, teardownReason } from './errors.js';
import type { FallbackSink } from './fallbacks.js';
import type { AttemptSink } from './invocation.js';
import type { WatchedSubscription } from './monitorProtocol.js';
import { roomToRead, type CoreParts } from './coreParts.js';
import type { AsyncWaitOptions } from './options.js';
import { monitorView, reportEnd } from './monitorView.js';
import { DROPPED, OVERFLOW } from './inputBuffer.js';
import type { RetrySink } from './retry.js';
import { BARRIER, sortValue } from './sortValue.js';
import type { SourceSink } from './subscribers.js';

/** What `sort` returns for a value that starts no call (a barrier, or the output ended). */
const STARTS_NOTHING: unique symbol = Symbol('starts nothing');

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
  /** The source completed: complete once nothing is held or buffered. */
  private sourceDone = false;
  /** A drain loop is on the stack: work found meanwhile is left to it, which keeps the stack flat. */
  private draining = false;
  /** How the subscription ended; it stays 'active' until then. */
  private status: 'active' | 'completed' | 'errored' | 'unsubscribed' = 'active';
  /** The view a monitor reads (made once, before the parts exist: it reads them when called). */
  readonly view: WatchedSubscription<T>;

  constructor(
    private readonly out: Subscriber<R>,
    private readonly options: AsyncWaitOptions<T, R>,
    private readonly parts: CoreParts<T, R>,
  ) {
    // In the constructor, not a field initialiser: under `useDefineForClassFields` initialisers
    // run before parameter properties are assigned.
    this.view = monitorView(parts);
  }

  get closed(): boolean {
    return this.out.closed;
  }

  sourceValue(value: T): void {
    // A value that arrives once the output has ended (a downstream error handler feeding the
    // source, before rxjs unsubscribes it) starts nothing.
    if (this.status !== 'active' || this.out.closed) return;
    const { input, admission, queue } = this.parts;
    if (this.draining || !admission.admits(queue.size)) return this.buffer(value);
    // Outside a drain loop nothing is buffered unless no slot is free, so this value starts now.
    this.draining = true;
    this.start(value, input.receive());
    this.drainLoop();
  }

  /** Keeps a value that cannot start now, applying the buffer's overflow policy. */
  private buffer(value: T): void {
    const { input, admission, queue, probe } = this.parts;
    // Values that the running drain loop will start (slots are free) do not count as waiting.
    const outcome = input.push(value, Math.max(0, admission.room(queue.size)));
    if (outcome === OVERFLOW)
      this.fail(new BufferOverflowError(this.options.operator, input.bufferSize, input.received, queue.size));
    else if (outcome === DROPPED && probe !== null) probe.dropped();
  }

  sourceError(error: unknown): void {
    this.fail(error);
  }

  sourceComplete(): void {
    this.sourceDone = true;
    this.parts.invocation.flush('complete');
    if (!this.draining) this.completeIfDrained();
  }

  private start(value: T, index: number): void {
    const { options, parts } = this;
    let key: unknown;
    if (options.isBarrier !== null || options.key !== null) {
      key = this.sort(value, index);
      if (key === STARTS_NOTHING) return;
    }
    const entry = new Entry<T, R>(value, index, key);
    if (parts.probe !== null) parts.probe.started();
    parts.queue.push(entry);
    parts.invocation.submit(entry);
  }

  /**
   * Sorts a value about to start (sortValue.ts): queues it if it is a barrier, and returns its
   * key, or STARTS_NOTHING when no call may start for it. Apart from `start`, so that the code
   * every element runs stays small: V8 inlines by bytecode size (docs/architecture.md).
   */
  private sort(value: T, index: number): unknown {
    const { parts } = this;
    let key: unknown;
    try {
      key = sortValue(this.options, value);
    } catch (error) {
      // Listed as in flight while the output fails, so that the pending inputs still name it.
      parts.deadlines.list.append(new Entry<T, R>(value, index, undefined));
      this.fail(error);
      return STARTS_NOTHING;
    }
    // The user's isBarrier or key may have ended the output: then nothing may start.
    if (this.out.closed) return STARTS_NOTHING;
    if (key !== BARRIER) return key;
    parts.invocation.flush('barrier');
    parts.queue.pushBarrier(Entry.barrier<T, R>(value, index));
    return STARTS_NOTHING;
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.drainLoop();
  }

  /** Emits what the queue releases and starts buffered values as slots free up; `draining` is set. */
  private drainLoop(): void {
    const { out, parts } = this;
    const { queue, admission, input } = parts;
    for (;;) {
      const ready = queue.poll();
      if (ready !== undefined) {
        this.emit(ready);
        if (out.closed) return;
      } else if (input.length > 0 && admission.admits(queue.size)) {
        this.start(input.shift(), input.shiftedIndex);
        if (out.closed) return;
      } else break;
    }
    this.draining = false;
    parts.deadlines.endOfBurst();
    if (this.sourceDone) this.completeIfDrained();
    // A pull source reads as many more values as there is room for.
    else if (parts.demand !== null && !out.closed) parts.demand.request(roomToRead(parts));
  }

  private emit(entry: Entry<T, R>): void {
    const { probe } = this.parts;
    if (probe !== null) {
      if (entry.state === EntryState.Barrier) probe.barrier();
      else probe.emitted();
    }
    entry.emitTo(this.out);
  }

  /** The one completion predicate: the source is done and nothing is held or buffered. */
  private completeIfDrained(): void {
    if (this.parts.queue.size > 0 || this.parts.input.length > 0) return;
    this.end('completed');
    this.out.complete();
  }

  private fail(error: unknown): void {
    if (this.out.closed || this.status !== 'active') return;
    this.end('errored');
    this.out.error(error);
  }

  /**
   * Records how the subscription ends, and tells the monitor before the output does, so that
   * the downstream complete and error callbacks read the final figures.
   */
  private end(status: 'completed' | 'errored' | 'unsubscribed'): void {
    if (this.status !== 'active') return;
    this.status = status;
    if (this.parts.probe !== null) reportEnd(this.parts.probe, this.view, status);
  }

  callStarting(entry: Entry<T, R>): void {
    this.parts.deadlines.track(entry);
  }

  attemptCompleted(entry: Entry<T, R>): void {
    // Tested here, not in `retried`: without retry the per-element path stays small (V8 inlining).
    if (this.parts.retry !== null && this.retried(entry, false, undefined)) return;
    this.parts.deadlines.untrack(entry);
    this.finish(entry);
  }

  attemptFailed(entry: Entry<T, R>, error: unknown): void {
    if (this.parts.retry !== null && this.retried(entry, true, error)) return;
    const { onError } = this.options;
    entry.abort(error);
    // An abort listener may have ended the output.
    if (this.out.closed) return;
    if (this.parts.probe !== null) this.parts.probe.failed();
    // Failing the output leaves the entry in flight, so that the pending inputs still name it.
    if (onError === null) return this.fail(error);
    this.parts.deadlines.untrack(entry);
    this.fallBack(entry, () => onError(error, entry.value, entry.index));
  }

  invalidInput(error: unknown): void {
    this.fail(error);
  }

  /**
   * Hands the entry to retry if its config wants another attempt, and says whether it did. A
   * predicate or delay function that throws fails the output (that too counts as taken).
   */
  private retried(entry: Entry<T, R>, failed: boolean, error: unknown): boolean {
    const { deadlines, invocation, probe } = this.parts;
    const retry = this.parts.retry!;
    let ms: number;
    try {
      ms = retry.decide(entry, failed, error);
    } catch (userError) {
      this.fail(userError);
      return true;
    }
    // No retry; or the user's predicate or delay function ended the output: nothing may run.
    if (ms < 0 || this.out.closed) return ms >= 0;
    // An immediate retry lets no timer run: the deadline is looked at here instead.
    if (ms === 0 && deadlines.isDue(entry)) {
      deadlines.untrack(entry);
      this.deadlineExpired(entry);
    } else {
      retry.prepare(entry, ms);
      if (probe !== null) probe.retried();
      if (ms === 0) invocation.retry(entry);
      if (!this.draining) deadlines.endOfBurst();
    }
    return true;
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
    // An abort listener may have ended the output.
    if (this.out.closed) return;
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
    // After the result is queued: a gate may start a waiting call here, and one that ends at once
    // must not be released before this result (unordered output is in completion order).
    this.parts.invocation.settled?.(entry);
    this.drain();
  }

  /** Stops every call, retry, fallback and timer and aborts every unfinished entry; runs once, with `out`. */
  teardown(): void {
    const { parts } = this;
    const ended = this.status;
    this.end('unsubscribed');
    parts.invocation.teardown();
    let entry = parts.deadlines.takeAll();
    // Made only when an entry is aborted: a DOMException costs microseconds, and most
    // subscriptions end with nothing in flight.
    const reason = entry === null ? null : teardownReason(this.options.operator, ended);
    while (entry !== null) entry = entry.cancel(reason);
    for (entry = parts.fallbacks.takeAll(); entry !== null;) entry = entry.cancel(null);
    parts.input.clear();
    parts.queue.clear();
  }
}
