import type { Demand } from './assemble.js';
import { describe } from './describe.js';
import { reportUnhandled } from './reportUnhandled.js';
import type { SourceSink } from './subscribers.js';

/**
 * What the pull front reads: an async iterable (an async generator, a Node Readable, a broker's
 * consumer loop) or a synchronous iterable (an array, a generator), which is read synchronously.
 */
export type PullSource<T> = AsyncIterable<T> | Iterable<T>;

/** What the reader feeds: the operator core (a SourceSink that knows whether its output ended). */
export interface PullSink<T> extends SourceSink<T> {
  readonly closed: boolean;
}

/**
 * The pull front's Demand: reads the source's iterator only while the core says there is room,
 * one `next()` at a time.
 *
 * Prefetch is 0. `next()` is called only when the room the core last reported is at least 1, and
 * never while another `next()` is outstanding; the value it brings therefore always finds a free
 * slot and starts at once (the input buffer stays empty). So at every moment, values pulled
 * (counting the `next()` outstanding) minus values whose results were emitted is at most
 * `capacity`. A source with read-ahead of its own (a Readable's highWaterMark, a broker client's
 * batch) buffers on its side of this boundary.
 *
 * The iterator's `return()` is called exactly once whatever ends the run: after `next()` reported
 * `done` (as Node's `Readable.from` does, so that a hand-written iterator can release its
 * resource in one place), after `next()` threw, on an output error, on unsubscription and on a
 * consumer's `break`. On those last ones it is called at once, even while a `next()` is
 * outstanding, since that is how a source blocked in a read is cancelled (an async generator
 * queues it behind the pending `next()` itself). No `next()` is called after it.
 */
export class PullReader<T> implements Demand {
  private iterator: AsyncIterator<T> | Iterator<T> | null = null;
  /** The source is a synchronous iterable: read in a loop, in the caller's stack frame. */
  private sync = false;
  /** The room the core reported last: how many more values may be read now. */
  private room = 0;
  /** A `next()` is outstanding, or the synchronous loop is running: no other read starts. */
  private reading = false;
  /** No `next()` any more: the source ended or failed, or the run is closing. */
  private ended = false;
  /** `return()` was called (or the iterator has none): it is never called twice. */
  private returned = false;

  constructor(
    private readonly source: PullSource<T>,
    private readonly sink: PullSink<T>,
    private readonly operator: string,
  ) {}

  request(count: number): void {
    this.room = count;
    if (this.reading || this.ended || count <= 0) return;
    if (this.iterator === null && !this.open()) return;
    if (this.sync) this.readSync();
    else this.readAsync();
  }

  /**
   * Calls the iterator's `return()` once (no-op afterwards, or before the iterator was opened) and
   * stops reading. Returns what it settles with for an async source, for the caller to await or
   * report; undefined when there is nothing to wait for.
   */
  close(): Promise<void> | undefined {
    this.ended = true;
    if (this.returned || this.iterator === null) return undefined;
    this.returned = true;
    const iterator = this.iterator;
    if (typeof iterator.return !== 'function') return undefined;
    try {
      const result = iterator.return();
      return this.sync ? undefined : Promise.resolve(result).then(ignore);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Gets the iterator (at the first read, that is at subscription); false when that failed. */
  private open(): boolean {
    const source = this.source as Partial<AsyncIterable<T> & Iterable<T>>;
    try {
      const openAsync = source[Symbol.asyncIterator];
      const iterator = typeof openAsync === 'function' ? openAsync.call(source) : source[Symbol.iterator]!();
      if (iterator === null || typeof iterator !== 'object' || typeof iterator.next !== 'function') {
        throw new TypeError(
          `${this.operator}: the source's iterator is ${describe(iterator)}, not an object with next()`,
        );
      }
      this.iterator = iterator;
      this.sync = typeof openAsync !== 'function';
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  private readAsync(): void {
    const iterator = this.iterator as AsyncIterator<T>;
    this.reading = true;
    let step: PromiseLike<IteratorResult<T>>;
    try {
      step = iterator.next();
    } catch (error) {
      this.reading = false;
      return this.fail(error);
    }
    Promise.resolve(step).then(
      (result) => {
        this.reading = false;
        // Closed meanwhile (unsubscribed, errored): the value is not wanted any more.
        if (this.ended) return;
        if (this.done(result)) return;
        // The core starts it and, at the end of that drain loop, reports the room left: the next read.
        this.sink.sourceValue(result.value);
      },
      (error: unknown) => {
        this.reading = false;
        if (!this.ended) this.fail(error);
      },
    );
  }

  /**
   * Reads a synchronous iterator in a loop while there is room. The core's request (at the end of
   * the drain loop each value causes) only updates the room here, so the stack stays flat
   * however many values are read.
   */
  private readSync(): void {
    const iterator = this.iterator as Iterator<T>;
    this.reading = true;
    while (this.room > 0 && !this.ended) {
      // Taken now, in case the value does not lead to a new request (it always does today).
      this.room--;
      let result: IteratorResult<T>;
      try {
        result = iterator.next();
      } catch (error) {
        this.reading = false;
        return this.fail(error);
      }
      if (this.done(result)) break;
      this.sink.sourceValue(result.value);
    }
    this.reading = false;
  }

  /** Handles a result that ends the source (done, or not an iterator result); true if it did. */
  private done(result: IteratorResult<T>): boolean {
    if (result === null || typeof result !== 'object') {
      this.fail(new TypeError(`${this.operator}: the source's next() gave ${describe(result)}, not { value, done }`));
      return true;
    }
    if (!result.done) return false;
    this.ended = true;
    // The source is complete once it is closed: a return() that fails errors the output instead.
    const closing = this.close();
    if (closing === undefined) this.sink.sourceComplete();
    else {
      closing.then(
        () => {
          if (!this.sink.closed) this.sink.sourceComplete();
        },
        (error: unknown) => {
          if (!this.sink.closed) this.sink.sourceError(error);
          else reportUnhandled(error);
        },
      );
    }
    return true;
  }

  /** The iterator failed: the output errors with its error (and its teardown calls `return()`). */
  private fail(error: unknown): void {
    this.ended = true;
    this.sink.sourceError(error);
  }
}

function ignore(): void {}
