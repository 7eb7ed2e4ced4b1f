import type { ObservableInput, SchedulerLike } from 'rxjs';
import type { AsyncBatchAnswer } from '../../batchTypes.js';
import type { CoreParts } from '../assemble.js';
import type { Clock } from '../clock.js';
import type { Deadlines } from '../deadlines.js';
import { Entry, EntryState } from '../entry.js';
import { takeInput, type InnerOwner } from '../inner.js';
import type { AttemptSink, FlushCause, Invocation } from '../invocation.js';
import type { MonitorProbe } from '../monitorProtocol.js';
import { outcomes, readAnswer, type Outcome } from './answer.js';
import { batchContext, BatchState, type Batch, type BatchOwner, type Member } from './batch.js';
import type { BatchOptions } from './batchOptions.js';
import { BatchFormation } from './formation.js';

/**
 * Calls in batches (Flink's batch async I/O, FLINK-38825), as the engine's invocation part:
 * admitted elements join the forming batch in arrival order; it is flushed by size, by delay,
 * when the source completes and before a barrier; flushed batches start in flush order while
 * fewer than maxInFlightBatches calls run. Every outcome is reported per element through the same
 * sink as one call per element, so timeout, retry, fallbacks, order, capacity and the monitor
 * work per element unchanged. An element that leaves a batch in flight (its timeout) is ignored
 * when the batch answers; the call is abandoned (signal aborted, inner stopped) only when every
 * element in it has left.
 */
export class BatchInvocation<T, R> implements Invocation<T, R>, BatchOwner<T, R>, InnerOwner<Batch<T, R>, unknown> {
  readonly clock: Clock;
  private readonly formation: BatchFormation<T, R>;
  /** Batches whose call is in flight. */
  private readonly running = new Set<Batch<T, R>>();
  /** A pump loop (or an answer being handed out) is on the stack: batches flushed meanwhile wait for it. */
  private pumping = false;
  private readonly deadlines: Deadlines<T, R>;
  /** The monitor's probe; dropped at teardown, as the core records nothing for torn-down calls. */
  private probe: MonitorProbe | null;

  constructor(
    private readonly options: BatchOptions<T, R>,
    private readonly operator: string,
    scheduler: SchedulerLike,
    private readonly sink: AttemptSink<T, R>,
    parts: CoreParts<T, R>,
  ) {
    this.formation = new BatchFormation(this, options.maxBatchSize, options.maxBatchDelay, scheduler, (reason) => {
      this.probe?.batchFlushed?.(reason);
      this.pump();
    });
    this.clock = parts.clock;
    this.deadlines = parts.deadlines;
    this.probe = parts.probe;
    this.probe?.batching?.();
  }

  submit(entry: Entry<T, R>): void {
    this.formation.join(entry, true);
  }

  retry(entry: Entry<T, R>): void {
    this.formation.join(entry, false);
  }

  flush(reason: FlushCause): void {
    this.formation.flush(reason);
  }

  teardown(): void {
    this.probe = null;
    this.formation.clear();
    const reason = new DOMException(
      `${this.operator}: the subscription ended before this batch's answer`,
      'AbortError',
    );
    for (const batch of this.running) this.abandon(batch, reason);
  }

  forEachWaiting(visit: (entry: Entry<T, R>) => void): void {
    this.formation.forEachWaiting(visit);
  }

  /** Starts flushed batches in order while call slots are free; one loop, so the stack stays flat. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    let started = false;
    try {
      const { ready } = this.formation;
      while (ready.length > 0 && this.running.size < this.options.maxInFlightBatches && !this.sink.closed) {
        const batch = ready.shift();
        if (batch.live === 0) continue;
        started = true;
        this.start(batch);
      }
    } finally {
      this.pumping = false;
    }
    // Calls started outside the core's own bursts (a timer, an answer) need their start stamped.
    if (started && !this.sink.closed) this.deadlines.endOfBurst();
  }

  private start(batch: Batch<T, R>): void {
    const { sink, probe } = this;
    const members = batch.compact();
    const size = members.length;
    const values = new Array<T>(size);
    const indices = new Array<number>(size);
    let attempt = 1;
    for (let i = 0; i < size; i++) {
      const entry = members[i].entry;
      values[i] = entry.value;
      indices[i] = entry.index;
      if (entry.attempt > attempt) attempt = entry.attempt;
      entry.state = EntryState.Running;
    }
    batch.state = BatchState.Running;
    this.running.add(batch);
    for (let i = 0; i < size; i++) if (members[i].first) sink.callStarting(members[i].entry);
    const call = (batch.call = new Entry<Batch<T, R>, unknown>(batch, 0, undefined));
    if (probe !== null) {
      probe.batchStarted?.(size);
      probe.called();
    }
    let input: ObservableInput<AsyncBatchAnswer<R>>;
    try {
      input = this.options.fn(values, batchContext(call, attempt, indices));
    } catch (error) {
      // fn may have ended the output itself (erroring the source, unsubscribing downstream).
      if (sink.closed || batch.state !== BatchState.Running) return;
      this.ended(batch);
      this.settle(batch, { error });
      return;
    }
    if (sink.closed || batch.state !== BatchState.Running) return;
    takeInput(this, call, input);
    if (probe !== null && call.running !== null && batch.state === BatchState.Running) {
      call.calledAt = this.clock.stampDown();
      probe.timed();
    }
  }

  innerCompleted(call: Entry<Batch<T, R>, unknown>): void {
    const batch = call.value;
    call.running = null;
    this.ended(batch);
    const answer = readAnswer(call.results(), batch.members.length, this.operator);
    call.resetResult();
    this.settle(batch, answer instanceof Error ? { error: answer } : this.read(batch, answer));
  }

  innerErrored(call: Entry<Batch<T, R>, unknown>, error: unknown): void {
    call.running = null;
    this.ended(call.value);
    this.settle(call.value, { error });
  }

  invalidInput(_call: Entry<Batch<T, R>, unknown>, error: unknown): void {
    this.sink.invalidInput(error);
  }

  /** The outcome of each member; the user's `match` functions may throw, which fails the batch. */
  private read(batch: Batch<T, R>, answer: unknown[]): Outcome[] | { error: unknown } {
    try {
      const mapped = outcomes(answer, batch.members, this.options.match, this.operator);
      return mapped instanceof Error ? { error: mapped } : mapped;
    } catch (error) {
      return { error };
    }
  }

  /**
   * Hands each element that is still in the batch its outcome, in batch order; a flush that
   * happens meanwhile (a retry filling a batch, a slot freed) starts its call after the loop.
   */
  private settle(batch: Batch<T, R>, outcome: Outcome[] | { error: unknown }): void {
    const { sink } = this;
    const outer = this.pumping;
    this.pumping = true;
    try {
      const { members } = batch;
      for (let i = 0; i < members.length && !sink.closed; i++) {
        const member = members[i];
        if (member.gone) continue;
        const own = Array.isArray(outcome) ? (outcome[i] as Outcome) : outcome;
        member.gone = true;
        const entry = member.entry;
        entry.running = null;
        if ('error' in own) sink.attemptFailed(entry, own.error);
        else {
          for (const result of own.results) entry.add(result as R);
          sink.attemptCompleted(entry);
        }
      }
    } finally {
      this.pumping = outer;
    }
    if (!outer) this.pump();
  }

  left(member: Member<T, R>): void {
    if (member.gone) return;
    member.gone = true;
    const batch = member.batch;
    if (--batch.live > 0) return;
    if (batch.state === BatchState.Forming) this.formation.emptied(batch);
    else if (batch.state === BatchState.Running) {
      // Every element timed out: nobody waits for the answer any more, and its slot is free.
      this.abandon(
        batch,
        new DOMException(`${this.operator}: every element of this batch timed out before its answer`, 'AbortError'),
      );
      this.pump();
    }
    // A flushed batch left empty is skipped when its turn comes.
  }

  /** Stops a batch's call and aborts its signal. */
  private abandon(batch: Batch<T, R>, reason: unknown): void {
    this.ended(batch);
    const call = batch.call!;
    call.stop();
    call.abort(reason);
  }

  /** The call is over (answered, failed or abandoned): its slot is free and its latency recorded. */
  private ended(batch: Batch<T, R>): void {
    batch.state = BatchState.Ended;
    this.running.delete(batch);
    const { probe } = this;
    if (probe === null) return;
    const call = batch.call!;
    if (call.calledAt >= 0) {
      probe.callEnded(Math.max(0, this.clock.shareable() - call.calledAt));
      call.calledAt = -1;
    }
    probe.batchEnded?.();
  }
}
