import type { AsyncBatchContext } from '../../batchTypes.js';
import type { SignalSource } from '../context.js';
import type { Entry, Stoppable } from '../entry.js';

/** Where a batch is in its life. */
export const enum BatchState {
  /** Collecting elements; the delay timer may be armed. */
  Forming,
  /** Flushed, waiting for a call slot (maxInFlightBatches). */
  Ready,
  /** Its call is in flight. */
  Running,
  /** Answered, failed, abandoned, emptied or torn down: nothing of it runs any more. */
  Ended,
}

/** What a member reports to when its element leaves the batch: the batch invocation. */
export interface BatchOwner<T, R> {
  left(member: Member<T, R>): void;
}

/**
 * One element's place in one batch, and its entry's `running` while it is there: stopping the
 * entry (its timeout, or teardown) takes it out of the batch. A retried element gets a new member
 * in the batch it joins.
 */
export class Member<T, R> implements Stoppable {
  /** The element left (stopped, or its outcome was handed on): the batch ignores it from then on. */
  gone = false;

  constructor(
    readonly batch: Batch<T, R>,
    readonly entry: Entry<T, R>,
    /** Its first call: the timeout clock starts when the batch's call starts. */
    readonly first: boolean,
  ) {}

  unsubscribe(): void {
    this.batch.owner.left(this);
  }
}

/**
 * Elements called together (Flink's batch of `asyncInvokeBatch`). Its call's ObservableInput is
 * taken into `call`, an entry of its own whose result collects the answer and whose signal is
 * the batch's: the same code that runs an element's call runs a batch's.
 */
export class Batch<T, R> {
  state = BatchState.Forming;
  /** In join order; those that left stay, marked `gone`, until the call starts (then positions are fixed). */
  members: Member<T, R>[] = [];
  /** Members not gone. */
  live = 0;
  /** The maxBatchDelay timer while forming. */
  timer: Stoppable | null = null;
  /** The call's carrier, from the moment the call starts. */
  call: Entry<Batch<T, R>, unknown> | null = null;

  constructor(readonly owner: BatchOwner<T, R>) {}

  /** Stops the delay timer, if armed. */
  disarm(): void {
    if (this.timer !== null) {
      this.timer.unsubscribe();
      this.timer = null;
    }
  }

  /** Drops the members that left; done once, when the call starts and positions become final. */
  compact(): Member<T, R>[] {
    if (this.live !== this.members.length) this.members = this.members.filter((member) => !member.gone);
    return this.members;
  }
}

/**
 * The `context` of one batch call: a plain object of its own, its `signal` an own getter made on
 * first read (as the per-element context), and the indices a copy the engine does not read again.
 */
export function batchContext(source: SignalSource, attempt: number, indices: number[]): AsyncBatchContext {
  return {
    get signal() {
      return source.signal;
    },
    attempt,
    indices,
  };
}
