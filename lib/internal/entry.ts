import type { ListNode } from './entryList.js';
import type { QueueNode } from './queues/entryQueue.js';

/** Where an entry is in its life. */
export const enum EntryState {
  /** Admitted, waiting for its call to start (a call gate or a batch holds it). */
  Waiting,
  /** An attempt's call is in flight. */
  Running,
  /** An attempt failed synchronously and the next one starts at once, from the attempt loop. */
  RetryNow,
  /** Waiting for the retry delay to pass. */
  WaitingRetry,
  /** Timed out or failed for good; the onTimeout/onError fallback's inner is running. */
  Fallback,
  /** The result is final and waits in the queue to be emitted. */
  Done,
  /** Torn down by an error or unsubscription; nothing of it may run again. */
  Cancelled,
  /** A barrier: never called, its own value is its result. */
  Barrier,
}

/** Something to stop: an inner subscription, a retry timer, or a pending Promise. */
export interface Stoppable {
  unsubscribe(): void;
}

/** Stands for "no value yet" in `Entry.result`, where undefined may be a value. */
export const NO_RESULT: unique symbol = Symbol('no result');

/** Two or more values of one entry, in a class of our own so that no user value is mistaken for it. */
export class Results<R> {
  constructor(readonly values: R[]) {}
}

/** Emits values one by one, stopping if `out` closes meanwhile. */
function emitEach<R>(values: readonly R[], out: { next(value: R): void; readonly closed: boolean }): void {
  for (let i = 0; i < values.length && !out.closed; i++) out.next(values[i]);
}

/** An abort that happened before anyone read the signal: its reason, kept until the first read. */
class AbortedEarly {
  constructor(readonly reason: unknown) {}
}

/**
 * One source element from admission until its result is emitted (Flink's ResultFuture): it
 * collects the inner's values and is linked into the lists and the queue that hold it, so that
 * admitting an element allocates nothing else. It is the engine's, never the user's: `fn` gets a
 * context of its own (see context.ts).
 */
export class Entry<T, R> implements ListNode<Entry<T, R>>, QueueNode<Entry<T, R>> {
  attempt = 1;
  state = EntryState.Waiting;
  /**
   * The result so far: NO_RESULT, one value, or (from the second value on) a Results holding them
   * all. One field for all three, as most results are a single value.
   */
  result: R | Results<R> | typeof NO_RESULT = NO_RESULT;
  /**
   * When the first call started, in ms of the engine's clock since the subscription started
   * (small integers stay unboxed in V8, where absolute timestamps would cost a heap number per
   * entry); -1 until stamped. The deadline is this plus the timeout.
   */
  startedAt = -1;
  /** What runs for the entry now, to stop on timeout or teardown. */
  running: Stoppable | null = null;
  /**
   * The signal's controller, created on first read of the context's `signal`; an AbortedEarly
   * when the entry was aborted before anyone read it (one field for both, to keep entries small).
   */
  private controller: AbortController | AbortedEarly | null = null;
  /** Time of the current call since the subscription started, for latency; -1 while unknown or not monitored. */
  calledAt = -1;

  // Links of the lists (in flight, fallbacks) and of the queue; each is owned by its holder.
  // Typed `this`, so that a subclass (the queue tests' named entries) links to its own kind.
  prev: this | null = null;
  next: this | null = null;
  queueNext: this | null = null;
  queueReady = false;

  constructor(
    readonly value: T,
    readonly index: number,
    /** The element's partition key (undefined without `key`). */
    readonly key: unknown,
  ) {}

  /** A barrier (Flink's watermark): never called, its own value is its result. */
  static barrier<T, R>(value: T, index: number): Entry<T, R> {
    const barrier = new Entry<T, R>(value, index, undefined);
    barrier.state = EntryState.Barrier;
    barrier.add(value as unknown as R);
    return barrier;
  }

  /** The element's signal, shared by all its attempts; made on first read. */
  get signal(): AbortSignal {
    const current = this.controller;
    if (current instanceof AbortController) return current.signal;
    const controller = new AbortController();
    if (current !== null) controller.abort(current.reason);
    this.controller = controller;
    return controller.signal;
  }

  add(value: R): void {
    const result = this.result;
    if (result === NO_RESULT) this.result = value;
    else if (result instanceof Results) result.values.push(value);
    else this.result = new Results([result, value]);
  }

  /** Takes an array's items as the whole result. */
  addAll(values: ArrayLike<R>): void {
    const length = values.length;
    for (let i = 0; i < length; i++) this.add(values[i]);
  }

  /** Hands the result to `out` value by value, stopping if `out` closes meanwhile (a `take`). */
  emitTo(out: { next(value: R): void; readonly closed: boolean }): void {
    const result = this.result;
    if (result instanceof Results) emitEach(result.values, out);
    else if (result !== NO_RESULT) out.next(result);
  }

  /** A copy of the result as an array, for `ifResult` (which may not change what is emitted). */
  results(): readonly R[] {
    const result = this.result;
    return result === NO_RESULT ? [] : result instanceof Results ? result.values.slice() : [result];
  }

  resetResult(): void {
    this.result = NO_RESULT;
  }

  /** Stops whatever runs for the entry; a Promise's late settlement is then ignored. */
  stop(): void {
    const running = this.running;
    if (running !== null) {
      this.running = null;
      running.unsubscribe();
    }
  }

  /**
   * Cancels an entry taken from a list being emptied on teardown: unlinks it, stops what runs,
   * aborts its signal with `reason` (null: leave it), and returns the next entry of that list.
   */
  cancel(reason: unknown): this | null {
    const next = this.next;
    this.prev = this.next = null;
    this.state = EntryState.Cancelled;
    this.stop();
    if (reason !== null) this.abort(reason);
    return next;
  }

  /** Aborts the element's signal with `reason` (once: later aborts keep the first reason). */
  abort(reason: unknown): void {
    const current = this.controller;
    if (current === null) this.controller = new AbortedEarly(reason);
    else if (current instanceof AbortController) current.abort(reason);
  }
}
