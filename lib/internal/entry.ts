import type { AsyncContext } from '../types.js';
import type { ListNode } from './entryList.js';
import type { QueueNode } from './entryQueue.js';

/** Where an entry is in its life. */
export const enum EntryState {
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

/** Stands for an abort that happened before the signal was first read. */
const ABORTED: unique symbol = Symbol('aborted');

/** Marks an entry whose attempt is a Promise: it cannot be stopped, only ignored when it settles. */
export const PENDING_PROMISE: Stoppable = Object.freeze({ unsubscribe() {} });

/**
 * One source element from the first call of `fn` until its result is emitted (Flink's
 * ResultFuture): it collects the inner's values, completes once, and is the `context` that `fn`
 * receives. Everything about the element lives in this one object, linked into the lists and
 * queue that hold it, so that admitting an element allocates nothing else.
 */
export class Entry<T, R> implements AsyncContext, ListNode<Entry<T, R>>, QueueNode<Entry<T, R>> {
  attempt = 1;
  state = EntryState.Running;
  /**
   * The result so far: NO_RESULT, one value, or (from the second value on) a Results holding them
   * all. One field for all three, as most results are a single value.
   */
  result: R | Results<R> | typeof NO_RESULT = NO_RESULT;
  /**
   * Time by which the entry must be done, in ms since the subscription started (small integers
   * stay unboxed in V8, where absolute timestamps would cost a heap number per entry). Unused
   * without a timeout.
   */
  deadline = 0;
  /** What runs for the entry now, to stop on timeout or teardown. */
  running: Stoppable | null = null;
  /**
   * The signal's controller, created on first read of `signal`; ABORTED when the entry was
   * aborted before anyone read it (one field for both, to keep entries small).
   */
  private controller: AbortController | typeof ABORTED | null = null;

  prev: Entry<T, R> | null = null;
  next: Entry<T, R> | null = null;
  queueNext: Entry<T, R> | null = null;
  group: unknown = undefined;
  /** Time of the current call since the subscription started, for latency; -1 while unknown or not monitored. */
  calledAt = -1;

  constructor(
    readonly value: T,
    readonly index: number,
  ) {}

  /**
   * Whether the result may be released: derived from the state, which the core sets before it
   * tells the queue, rather than kept in a field of its own (a field per held entry). The queue's
   * writes only confirm what the state already says, so the setter ignores them.
   */
  get ready(): boolean {
    return this.state === EntryState.Done || this.state === EntryState.Barrier;
  }

  set ready(_confirmed: boolean) {}

  get signal(): AbortSignal {
    const current = this.controller;
    if (current !== null && current !== ABORTED) return current.signal;
    const controller = new AbortController();
    if (current === ABORTED) controller.abort();
    this.controller = controller;
    return controller.signal;
  }

  add(value: R): void {
    const result = this.result;
    if (result === NO_RESULT) this.result = value;
    else if (result instanceof Results) result.values.push(value);
    else this.result = new Results([result, value]);
  }

  /** Takes an array's items as the whole result, copying only when there are several. */
  addAll(values: ArrayLike<R>): void {
    const length = values.length;
    for (let i = 0; i < length; i++) this.add(values[i]);
  }

  /** The result as an array, for `ifResult` and for emission. */
  results(): readonly R[] {
    const result = this.result;
    return result === NO_RESULT ? [] : result instanceof Results ? result.values : [result];
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

  abort(): void {
    const current = this.controller;
    if (current === null) this.controller = ABORTED;
    else if (current !== ABORTED) current.abort();
  }
}
