import type { EntryQueue, QueueNode } from './entryQueue.js';

/**
 * The reorder buffer of `orderedWait` (Flink's OrderedStreamElementQueue): entries are released
 * in admission order, so a completed entry waits behind every earlier one. A singly linked FIFO
 * through the entries themselves: every operation is O(1) and allocation-free.
 */
export class OrderedQueue<N extends QueueNode<N>> implements EntryQueue<N> {
  size = 0;
  private head: N | null = null;
  private tail: N | null = null;

  push(entry: N): void {
    entry.queueNext = null;
    entry.queueReady = false;
    if (this.tail === null) this.head = entry;
    else this.tail.queueNext = entry;
    this.tail = entry;
    this.size++;
  }

  pushBarrier(barrier: N): void {
    this.push(barrier);
    barrier.queueReady = true;
  }

  complete(entry: N): void {
    entry.queueReady = true;
  }

  poll(): N | undefined {
    const head = this.head;
    if (head === null || !head.queueReady) return undefined;
    this.head = head.queueNext;
    if (this.head === null) this.tail = null;
    head.queueNext = null;
    this.size--;
    return head;
  }

  forEachReady(visit: (entry: N) => void): void {
    for (let e = this.head; e !== null; e = e.queueNext) if (e.queueReady) visit(e);
  }

  clear(): void {
    this.head = this.tail = null;
    this.size = 0;
  }
}
