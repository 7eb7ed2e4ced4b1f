import type { EntryQueue, QueueNode } from './entryQueue.js';

/**
 * The queue of `unorderedWait` (Flink's UnorderedStreamElementQueue without watermarks): an entry
 * is released as soon as it completes. Held entries are only counted; completed ones wait in a
 * FIFO of their own only while an earlier release is still being emitted.
 */
export class UnorderedQueue<N extends QueueNode<N>> implements EntryQueue<N> {
  size = 0;
  private readyHead: N | null = null;
  private readyTail: N | null = null;
  push(entry: N): void {
    entry.queueNext = null;
    entry.queueReady = false;
    this.size++;
  }

  pushBarrier(): void {
    throw new Error('UnorderedQueue cannot hold barriers: wrap it in a BarrierQueue');
  }

  complete(entry: N): void {
    entry.queueReady = true;
    if (this.readyTail === null) this.readyHead = entry;
    else this.readyTail.queueNext = entry;
    this.readyTail = entry;
  }

  poll(): N | undefined {
    const head = this.readyHead;
    if (head === null) return undefined;
    this.readyHead = head.queueNext;
    if (this.readyHead === null) this.readyTail = null;
    head.queueNext = null;
    this.size--;
    return head;
  }

  forEachReady(visit: (entry: N) => void): void {
    for (let e = this.readyHead; e !== null; e = e.queueNext) visit(e);
  }

  clear(): void {
    this.readyHead = this.readyTail = null;
    this.size = 0;
  }
}
