import type { SchedulerLike } from 'rxjs';
import { EntryState, type Entry } from '../entry.js';
import type { FlushCause } from '../invocation.js';
import type { BatchFlushReason } from '../monitorProtocol.js';
import { Fifo } from '../queues/fifo.js';
import { scheduleAfter } from '../timer.js';
import { Batch, BatchState, Member, type BatchOwner } from './batch.js';

/**
 * How batches form: admitted elements (and retries) join the forming batch in arrival order; it
 * is flushed by size, by its delay timer, when the source completes and before a barrier, and
 * then waits in flush order for its call (the invocation takes it from `ready`).
 */
export class BatchFormation<T, R> {
  forming: Batch<T, R> | null = null;
  /** Flushed batches waiting for a call slot, in flush order. */
  readonly ready = new Fifo<Batch<T, R>>();
  /** The source completed: only retries join batches now, which wait for no one beyond their burst. */
  private sourceDone = false;

  constructor(
    private readonly owner: BatchOwner<T, R>,
    private readonly maxBatchSize: number,
    private readonly maxBatchDelay: number,
    private readonly scheduler: SchedulerLike,
    /** A batch was flushed into `ready`. */
    private readonly flushed: (reason: BatchFlushReason) => void,
  ) {}

  join(entry: Entry<T, R>, first: boolean): void {
    let batch = this.forming;
    const fresh = batch === null;
    if (batch === null) batch = this.forming = new Batch<T, R>(this.owner);
    const member = new Member(batch, entry, first);
    entry.state = EntryState.Waiting;
    entry.running = member;
    batch.members.push(member);
    batch.live++;
    if (batch.live >= this.maxBatchSize) this.close(batch, 'size');
    else if (fresh) this.arm(batch);
  }

  flush(reason: FlushCause): void {
    if (reason === 'complete') this.sourceDone = true;
    if (this.forming !== null) this.close(this.forming, reason);
  }

  /** The forming batch lost its last element (a retry that timed out there): forget it. */
  emptied(batch: Batch<T, R>): void {
    batch.disarm();
    batch.state = BatchState.Ended;
    if (this.forming === batch) this.forming = null;
  }

  /** Visits the elements waiting for their first call (retried ones are in the timed list too). */
  forEachWaiting(visit: (entry: Entry<T, R>) => void): void {
    const waiting = (batch: Batch<T, R>) => {
      for (const member of batch.members) if (member.first && !member.gone) visit(member.entry);
    };
    if (this.forming !== null) waiting(this.forming);
    this.ready.forEach(waiting);
  }

  /** Drops every batch not yet called, for teardown. */
  clear(): void {
    if (this.forming !== null) this.emptied(this.forming);
    this.ready.clear();
  }

  /**
   * Arms a new batch's delay. Once the source has completed, no value will join it, only retries
   * due in the same burst: it goes at the end of that burst, whatever maxBatchDelay says.
   */
  private arm(batch: Batch<T, R>): void {
    const delay = this.sourceDone ? 0 : this.maxBatchDelay;
    if (delay === Infinity) return;
    const reason = this.sourceDone ? 'complete' : 'delay';
    batch.timer = scheduleAfter(this.scheduler, delay, () => {
      batch.timer = null;
      if (this.forming === batch) this.close(batch, reason);
    });
  }

  private close(batch: Batch<T, R>, reason: BatchFlushReason): void {
    this.forming = null;
    batch.disarm();
    batch.state = BatchState.Ready;
    this.ready.push(batch);
    this.flushed(reason);
  }
}
