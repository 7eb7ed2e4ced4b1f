import type { EntryQueue, QueueNode } from './entryQueue.js';

/** The entries admitted between two barriers, and the barrier that closes them (null: still open). */
interface Segment<N extends QueueNode<N>> {
  readonly queue: EntryQueue<N>;
  barrier: N | null;
}

/**
 * Barriers for queues that reorder (Flink's watermarks in the unordered queue): entries are held
 * in segments separated by barriers; only the oldest segment releases, in its own queue's order,
 * and its barrier leaves once the segment is empty. So no result crosses a barrier either way.
 * Completions are routed to their segment by index, with a binary search over the open segments.
 */
export class BarrierQueue<N extends QueueNode<N>> implements EntryQueue<N> {
  size = 0;
  // Oldest first from `first`; the prefix before it is released and cut off in batches, so
  // that releasing a segment is O(1) amortized instead of an Array#shift.
  private segments: Segment<N>[];
  private first = 0;

  /** @param createQueue makes the queue that orders entries within one segment. */
  constructor(private readonly createQueue: () => EntryQueue<N>) {
    this.segments = [{ queue: createQueue(), barrier: null }];
  }

  push(entry: N): void {
    this.segments[this.segments.length - 1].queue.push(entry);
    this.size++;
  }

  pushBarrier(barrier: N): void {
    barrier.queueNext = null;
    barrier.queueReady = true;
    this.segments[this.segments.length - 1].barrier = barrier;
    this.segments.push({ queue: this.createQueue(), barrier: null });
    this.size++;
  }

  complete(entry: N): void {
    this.segmentOf(entry.index).queue.complete(entry);
  }

  poll(): N | undefined {
    const oldest = this.segments[this.first];
    const entry = oldest.queue.poll();
    if (entry !== undefined) {
      this.size--;
      return entry;
    }
    const barrier = oldest.barrier;
    if (barrier === null || oldest.queue.size > 0) return undefined;
    this.first++;
    if (this.first > 32 && this.first * 2 > this.segments.length) {
      this.segments = this.segments.slice(this.first);
      this.first = 0;
    }
    this.size--;
    return barrier;
  }

  forEachReady(visit: (entry: N) => void): void {
    for (let i = this.first; i < this.segments.length; i++) {
      const { queue, barrier } = this.segments[i];
      queue.forEachReady(visit);
      if (barrier !== null) visit(barrier);
    }
  }

  clear(): void {
    this.segments = [{ queue: this.createQueue(), barrier: null }];
    this.first = 0;
    this.size = 0;
  }

  /** The segment holding `index`: the first whose barrier comes after it, or the open one. */
  private segmentOf(index: number): Segment<N> {
    let low = this.first;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.segments[middle].barrier!.index > index) high = middle;
      else low = middle + 1;
    }
    return this.segments[low];
  }
}
