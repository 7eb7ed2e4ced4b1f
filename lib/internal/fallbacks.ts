import type { ObservableInput } from 'rxjs';
import type { Clock } from './clock.js';
import { EntryState, type Entry } from './entry.js';
import { EntryList } from './entryList.js';
import { dropInput, takeInput, type InnerOwner } from './inner.js';

/** What the fallbacks report to: the operator core. */
export interface FallbackSink<T, R> {
  readonly closed: boolean;
  /** The fallback completed; its values are the entry's result. */
  fallbackCompleted(entry: Entry<T, R>): void;
  /** The fallback (its handler, or its inner) failed: the output errors with `error`. */
  fallbackFailed(error: unknown): void;
}

/**
 * The onTimeout / onError fallbacks running now: an entry that timed out or failed for good gets
 * its handler's ObservableInput as its result. Fallbacks are neither timed nor retried (a
 * fallback of a fallback would never end); they are stopped on teardown.
 */
export class Fallbacks<T, R> implements InnerOwner<T, R> {
  readonly list = new EntryList<Entry<T, R>>();

  constructor(
    private readonly sink: FallbackSink<T, R>,
    readonly clock: Clock,
  ) {}

  get size(): number {
    return this.list.size;
  }

  /** Runs `handler` for the entry and takes its result in the entry's place. */
  run(entry: Entry<T, R>, handler: () => ObservableInput<R>): void {
    entry.state = EntryState.Fallback;
    entry.resetResult();
    // Listed before the handler runs, so that the pending inputs still name the entry if it throws.
    this.list.append(entry);
    let input: ObservableInput<R>;
    try {
      input = handler();
    } catch (error) {
      this.sink.fallbackFailed(error);
      return;
    }
    // The handler may have ended the output itself: then nothing may start.
    if (this.sink.closed) return dropInput(input);
    takeInput(this, entry, input);
  }

  innerCompleted(entry: Entry<T, R>): void {
    entry.running = null;
    this.list.remove(entry);
    this.sink.fallbackCompleted(entry);
  }

  innerErrored(_entry: Entry<T, R>, error: unknown): void {
    this.sink.fallbackFailed(error);
  }

  invalidInput(_entry: Entry<T, R>, error: unknown): void {
    this.sink.fallbackFailed(error);
  }

  /** Empties the list for teardown; returns the former members, linked. */
  takeAll(): Entry<T, R> | null {
    return this.list.takeAll();
  }
}
