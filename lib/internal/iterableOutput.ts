import { Subscriber } from 'rxjs';
import type { Admission } from './admission.js';
import type { OutputMode } from './assemble.js';
import type { AsyncWaitOptions } from './options.js';
import { assemblePull, type PullRun } from './pull.js';
import type { PullSource } from './pullReader.js';
import { Fifo } from './queues/fifo.js';
import { reportUnhandled } from './reportUnhandled.js';

/** The AsyncIterable shape of the pull front: each `[Symbol.asyncIterator]()` starts a fresh run. */
export function pullWaitIterable<T, R>(
  source: PullSource<T>,
  options: AsyncWaitOptions<T, R>,
  mode: OutputMode,
): AsyncIterable<R> {
  return { [Symbol.asyncIterator]: () => new IterableOutput<T, R>(source, options, mode) };
}

type Settle<R> = {
  resolve(result: IteratorResult<R>): void;
  reject(error: unknown): void;
};

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * One run of the pull front read by `for await`: results the consumer has not taken yet wait
 * here and count against capacity (see ConsumerAdmission), so a slow consumer throttles the
 * source. Nothing is read before the first `next()`. Results come out in the order the engine
 * emitted them; an error comes after the results emitted before it, once, and then `done`.
 */
class IterableOutput<T, R> implements AsyncIterableIterator<R> {
  /** Results emitted and not taken yet (only while no `next()` waits). */
  private readonly results = new Fifo<R>();
  /** `next()` calls waiting for a result (only while no result waits). */
  private readonly takers = new Fifo<Settle<R>>();
  private state: 'idle' | 'running' | 'completed' | 'errored' | 'done' = 'idle';
  private error: unknown = undefined;
  private out: OutputSubscriber<R> | null = null;
  private run: PullRun<T> | null = null;
  /** The source's `return()` from the teardown, until someone awaits or reports it. */
  private closing: Promise<void> | undefined = undefined;

  constructor(
    private readonly source: PullSource<T>,
    private readonly options: AsyncWaitOptions<T, R>,
    private readonly mode: OutputMode,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<R> {
    return this;
  }

  next(): Promise<IteratorResult<R>> {
    if (this.state === 'idle') this.start();
    if (this.results.length > 0) {
      const value = this.results.shift();
      // One result fewer held for the consumer: one more value may be read.
      if (this.state === 'running') this.run!.request();
      return Promise.resolve({ value, done: false });
    }
    if (this.state === 'running') return new Promise((resolve, reject) => this.takers.push({ resolve, reject }));
    if (this.state === 'errored') {
      this.state = 'done';
      return Promise.reject(this.error);
    }
    return Promise.resolve(DONE);
  }

  /**
   * The consumer stops (`break`, `return`, a throw in the loop body, `stream.pipeline` tearing
   * down): the run is unsubscribed, which aborts every call and calls the source's `return()`;
   * this resolves once that has settled, and rejects if it failed.
   */
  async return(): Promise<IteratorResult<R>> {
    if (this.state === 'idle') this.state = 'done';
    if (this.state === 'running') {
      this.state = 'done';
      this.out!.unsubscribe();
    }
    this.state = 'done';
    this.results.clear();
    this.settleTakers();
    const closing = this.closing;
    this.closing = undefined;
    if (closing !== undefined) await closing;
    return DONE;
  }

  private start(): void {
    this.state = 'running';
    const out = new OutputSubscriber<R>({
      emitted: (value) => this.emitted(value),
      completed: () => this.completed(),
      failed: (error) => this.failed(error),
    });
    this.out = out;
    const results = this.results;
    this.run = assemblePull(
      out,
      this.source,
      this.options,
      this.mode,
      () => new ConsumerAdmission(this.options.capacity, results),
    );
    out.add(() => {
      this.closing = this.run!.reader.close();
    });
    this.run.request();
  }

  /** A result from the run: to a waiting `next()`, or kept until one comes. */
  private emitted(value: R): void {
    if (this.takers.length > 0) this.takers.shift().resolve({ value, done: false });
    else this.results.push(value);
  }

  /** The run completed. */
  private completed(): void {
    if (this.state === 'running') this.state = 'completed';
    this.settleTakers();
  }

  /** The run errored (after the results emitted before it). */
  private failed(error: unknown): void {
    // The consumer gets the run's error; a failing return() of the source is reported instead.
    const closing = this.closing;
    this.closing = undefined;
    if (closing !== undefined) closing.then(undefined, reportUnhandled);
    if (this.state !== 'running') return;
    this.state = 'errored';
    this.error = error;
    if (this.takers.length > 0) {
      this.state = 'done';
      this.takers.shift().reject(error);
    }
    this.settleTakers();
  }

  /** Ends every waiting `next()` with `done` (takers wait only while no result does). */
  private settleTakers(): void {
    while (this.takers.length > 0) this.takers.shift().resolve(DONE);
  }
}

/**
 * Capacity, counting results the consumer has not taken too, for the reader's room: a value is
 * read only while `held + untaken < capacity`. A value once read is always admitted (it is
 * counted against capacity alone), because results emitted while it was being read may have
 * filled the room; it then starts at once rather than waiting in an input buffer that only a
 * drain would empty. So pulled − taken ≤ capacity still holds (see PullReader).
 */
class ConsumerAdmission implements Admission {
  constructor(
    private readonly capacity: number,
    private readonly untaken: { readonly length: number },
  ) {}

  admits(held: number): boolean {
    return held < this.capacity;
  }

  room(held: number): number {
    return this.capacity - held - this.untaken.length;
  }
}

interface OutputSink<R> {
  emitted(value: R): void;
  completed(): void;
  failed(error: unknown): void;
}

/** The run's output, handed to the iterable; a Subscriber subclass for the reason in subscribers.ts. */
class OutputSubscriber<R> extends Subscriber<R> {
  constructor(private readonly output: OutputSink<R>) {
    super();
  }

  protected override _next(value: R): void {
    this.output.emitted(value);
  }

  protected override _error(error: unknown): void {
    // Tear down first (calls aborted, the source's return() called), then tell the consumer.
    this.unsubscribe();
    this.output.failed(error);
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.output.completed();
  }
}
