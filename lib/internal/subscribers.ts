import { Subscriber } from 'rxjs';
import type { Entry } from './entry.js';

// The engine's two Subscriber subclasses, together because they exist for one measured reason:
// `Observable.subscribe` takes a Subscriber as it is, where a plain observer is wrapped in a
// SafeSubscriber and a ConsumerObserver (two objects and two extra calls per value). rxjs's own
// operators subclass for the same reason. Measured with `node bench/subscriber.mjs` (500,000
// `of(i)` inners, median of 9 paired rounds): a plain observer costs 1.8x a subclass (2026-11-30).

/** What the source reports to: the operator core. */
export interface SourceSink<T> {
  sourceValue(value: T): void;
  sourceError(error: unknown): void;
  sourceComplete(): void;
}

/** Subscribes the core to the source. */
export class SourceSubscriber<T> extends Subscriber<T> {
  constructor(private readonly sink: SourceSink<T>) {
    super();
  }

  protected override _next(value: T): void {
    this.sink.sourceValue(value);
  }

  protected override _error(error: unknown): void {
    this.unsubscribe();
    this.sink.sourceError(error);
  }

  protected override _complete(): void {
    // Releases the source's resources; the core's own work is torn down with the output.
    this.unsubscribe();
    this.sink.sourceComplete();
  }
}

/** What an inner (an attempt's or a fallback's) reports to. */
export interface InnerSink<T, R> {
  innerCompleted(entry: Entry<T, R>): void;
  innerErrored(entry: Entry<T, R>, error: unknown): void;
}

/** Subscribes to one attempt's (or one fallback's) Observable and collects its values into the entry. */
export class InnerSubscriber<T, R> extends Subscriber<R> {
  constructor(
    private readonly sink: InnerSink<T, R>,
    private readonly entry: Entry<T, R>,
  ) {
    super();
  }

  protected override _next(value: R): void {
    this.entry.add(value);
  }

  protected override _error(error: unknown): void {
    // Release the inner's resources before the engine reacts, as an ended inner holds nothing.
    this.unsubscribe();
    this.sink.innerErrored(this.entry, error);
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.sink.innerCompleted(this.entry);
  }
}
