import { EntryState, type Entry, type Stoppable } from './entry.js';
import type { Invocation } from './invocation.js';
import { Fifo } from './queues/fifo.js';

/** What `flush` takes (whatever the Invocation interface gives it), kept for the inner. */
export type FlushArgs<T, R> = Parameters<Invocation<T, R>['flush']>;

/** A flush in the line of first calls: the inner is flushed, with these arguments, when the line reaches it. */
export class Flush<T, R> {
  constructor(readonly args: FlushArgs<T, R>) {}
}

/**
 * A retry waiting in the gate. It is the entry's `running` meanwhile, so that whatever stops the
 * entry (its deadline, a teardown) takes it out of the line: the line skips it.
 */
class RetryWait<T, R> implements Stoppable {
  live = true;

  constructor(
    readonly entry: Entry<T, R>,
    private readonly line: GateLine<T, R>,
  ) {}

  unsubscribe(): void {
    if (!this.live) return;
    this.live = false;
    this.line.retryLeft();
  }
}

/**
 * The gate's waiting line (gate.ts): first calls in admission order, with flushes among them, and
 * retries in the order they became due. It only keeps them and counts them; the gate decides what
 * starts and when.
 */
export class GateLine<T, R> {
  /** First calls waiting, in admission order, with flushes among them. */
  private readonly firsts = new Fifo<Entry<T, R> | Flush<T, R>>();
  private firstCount = 0;
  /** Retries waiting, in the order they became due; some may have left (not live). */
  private readonly retries = new Fifo<RetryWait<T, R>>();
  private retryCount = 0;

  /** Entries waiting for their first call (flushes not counted). */
  get firstsWaiting(): number {
    return this.firstCount;
  }

  /** Retries waiting and still live. */
  get retriesWaiting(): number {
    return this.retryCount;
  }

  /** Adds an entry at the end of the first calls. */
  addFirst(entry: Entry<T, R>): void {
    this.firsts.push(entry);
    this.firstCount++;
  }

  /** Adds a flush at the end of the first calls, behind the entries it must not overtake. */
  addFlush(args: FlushArgs<T, R>): void {
    this.firsts.push(new Flush<T, R>(args));
  }

  /** The head of the first calls (an entry or a flush), left in place; null when none waits. */
  peekFirst(): Entry<T, R> | Flush<T, R> | null {
    return this.firsts.length === 0 ? null : this.firsts.peek();
  }

  /** Takes the head of the first calls out (after `peekFirst` showed it). */
  shiftFirst(): void {
    if (!(this.firsts.shift() instanceof Flush)) this.firstCount--;
  }

  /** Puts the entry in the line of retries; it is `Waiting`, with its wait as its `running`. */
  addRetry(entry: Entry<T, R>): void {
    const wait = new RetryWait(entry, this);
    entry.state = EntryState.Waiting;
    entry.running = wait;
    this.retries.push(wait);
    this.retryCount++;
  }

  /** The entry of the first live retry waiting, dropping those that left; null when none. */
  peekRetry(): Entry<T, R> | null {
    const { retries } = this;
    while (retries.length > 0) {
      const head = retries.peek();
      if (head.live) return head.entry;
      retries.shift();
    }
    return null;
  }

  /** Takes the retry `peekRetry` showed out of the line, to start it now. */
  shiftRetry(): void {
    const wait = this.retries.shift();
    this.retryCount--;
    wait.live = false;
    wait.entry.running = null;
  }

  /** A waiting retry was stopped (its entry timed out or was torn down). */
  retryLeft(): void {
    this.retryCount--;
  }

  /** Visits the entries waiting for their first call, in order. */
  forEachFirst(visit: (entry: Entry<T, R>) => void): void {
    this.firsts.forEach((item) => {
      if (!(item instanceof Flush)) visit(item);
    });
  }

  /** Empties the line (teardown): nothing in it will start. */
  clear(): void {
    this.firsts.clear();
    this.retries.clear();
    this.firstCount = this.retryCount = 0;
  }
}
