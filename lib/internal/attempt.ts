import type { ObservableInput } from 'rxjs';
import type { AsyncFunction } from '../types.js';
import type { Clock } from './clock.js';
import { callContext, NO_CONTEXT, readsContext } from './context.js';
import { EntryState, type Entry } from './entry.js';
import { dropInput, takeInput, type InnerOwner } from './inner.js';
import type { AttemptSink, Invocation } from './invocation.js';
import type { MonitorProbe } from './monitorProtocol.js';

/**
 * One call per element (Flink's `asyncInvoke`): calls `fn(value, index, context)` and takes its
 * ObservableInput (Observable, Promise, array or anything `from` takes). A call that fails
 * synchronously with a retry due at once is retried in a loop here, not by recursion, so that
 * any number of immediate retries keeps the stack flat.
 */
export class ElementInvocation<T, R> implements Invocation<T, R>, InnerOwner<T, R> {
  /** The entry whose `fn` call is on the stack, so that a synchronous failure retries in the loop. */
  private invoking: Entry<T, R> | null = null;
  /** Whether `fn` can read a context at all: if not, none is made (see readsContext). */
  private readonly withContext: boolean;

  constructor(
    private readonly fn: AsyncFunction<T, R>,
    private readonly sink: AttemptSink<T, R>,
    readonly clock: Clock,
    private readonly probe: MonitorProbe | null,
  ) {
    this.withContext = readsContext(fn);
  }

  submit(entry: Entry<T, R>): void {
    this.sink.callStarting(entry);
    this.run(entry);
  }

  retry(entry: Entry<T, R>): void {
    if (this.invoking === entry) entry.state = EntryState.RetryNow;
    else this.run(entry);
  }

  flush(): void {}

  teardown(): void {}

  private run(entry: Entry<T, R>): void {
    const { fn, sink, probe } = this;
    const outer = this.invoking;
    this.invoking = entry;
    do {
      entry.state = EntryState.Running;
      let input: ObservableInput<R>;
      if (probe !== null) probe.called();
      try {
        input = fn(entry.value, entry.index, this.withContext ? callContext(entry, entry.attempt) : NO_CONTEXT);
      } catch (error) {
        // fn may have ended the output itself (erroring the source, unsubscribing downstream).
        if (sink.closed) break;
        this.threw(entry, error);
        continue;
      }
      if (sink.closed) {
        dropInput(input);
        break;
      }
      takeInput(this, entry, input);
      if (probe !== null) this.timeCall(entry);
    } while ((entry.state as EntryState) === EntryState.RetryNow);
    this.invoking = outer;
  }

  // The rare paths of `run` and of the inner's end are methods of their own, so that the
  // code every element runs stays small: V8 inlines by bytecode size (docs/architecture.md).

  private threw(entry: Entry<T, R>, error: unknown): void {
    if (entry.calledAt >= 0) this.ended(entry);
    this.sink.attemptFailed(entry, error);
  }

  /** A call still running after fn returned is timed from here; one that ended synchronously took 0. */
  private timeCall(entry: Entry<T, R>): void {
    if (entry.running !== null && entry.state === EntryState.Running) {
      entry.calledAt = this.clock.stampDown();
      this.probe!.timed();
    }
  }

  innerCompleted(entry: Entry<T, R>): void {
    entry.running = null;
    if (entry.calledAt >= 0) this.ended(entry);
    this.sink.attemptCompleted(entry);
  }

  innerErrored(entry: Entry<T, R>, error: unknown): void {
    entry.running = null;
    if (entry.calledAt >= 0) this.ended(entry);
    this.sink.attemptFailed(entry, error);
  }

  invalidInput(_entry: Entry<T, R>, error: unknown): void {
    this.sink.invalidInput(error);
  }

  /** Records the latency of a call that outlived its fn call (`calledAt` is set). */
  private ended(entry: Entry<T, R>): void {
    this.probe!.callEnded(Math.max(0, this.clock.shareable() - entry.calledAt));
    entry.calledAt = -1;
  }
}
