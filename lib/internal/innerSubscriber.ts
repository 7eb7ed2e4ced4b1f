import { Subscriber } from 'rxjs';
import type { Entry } from './entry.js';

/** What an inner reports to: the operator core. */
export interface InnerSink<T, R> {
  innerCompleted(entry: Entry<T, R>): void;
  innerErrored(entry: Entry<T, R>, error: unknown): void;
}

/**
 * Subscribes to one attempt's (or one fallback's) Observable and collects its values into the
 * entry. A Subscriber subclass rather than a plain observer, so that `subscribe` takes it as it is
 * instead of wrapping it, which is what rxjs's own operators do on their hot path.
 */
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
