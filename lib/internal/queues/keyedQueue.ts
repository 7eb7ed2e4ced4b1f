import type { EntryQueue, QueueNode } from './entryQueue.js';
import { Fifo } from './fifo.js';

/** The entries of one key still held, oldest first, linked through `queueNext`. */
interface Lane<N> {
  readonly key: unknown;
  head: N;
  tail: N;
}

/**
 * Per-key order (Akka's mapAsyncPartitioned, which Flink lacks): results of one key leave in
 * admission order, results of different keys do not wait for each other. The queue reads each
 * entry's `key` and links the entry into that key's lane, which it finds again by the key (a Map
 * lookup, rather than a field in every entry of every mode). Releasable entries (a lane's head,
 * once ready) wait in one FIFO, so every operation is O(1) apart from the key's Map lookup.
 */
export class KeyedQueue<N extends QueueNode<N>> implements EntryQueue<N> {
  size = 0;
  private readonly lanes = new Map<unknown, Lane<N>>();
  private readonly releasable = new Fifo<N>();

  push(entry: N): void {
    const key = entry.key;
    entry.queueNext = null;
    entry.queueReady = false;
    const lane = this.lanes.get(key);
    if (lane === undefined) {
      this.lanes.set(key, { key, head: entry, tail: entry });
    } else {
      lane.tail.queueNext = entry;
      lane.tail = entry;
    }
    this.size++;
  }

  pushBarrier(): void {
    throw new Error('KeyedQueue cannot hold barriers: wrap it in a BarrierQueue');
  }

  complete(entry: N): void {
    entry.queueReady = true;
    if (this.lanes.get(entry.key)!.head === entry) this.releasable.push(entry);
  }

  poll(): N | undefined {
    if (this.releasable.length === 0) return undefined;
    const entry = this.releasable.shift();
    const lane = this.lanes.get(entry.key)!;
    const next = entry.queueNext;
    entry.queueNext = null;
    if (next === null) {
      // The lane is empty: forget the key, so that a stream of distinct keys holds no memory.
      this.lanes.delete(lane.key);
    } else {
      lane.head = next;
      if (next.queueReady) this.releasable.push(next);
    }
    this.size--;
    return entry;
  }

  forEachReady(visit: (entry: N) => void): void {
    for (const lane of this.lanes.values()) {
      for (let e: N | null = lane.head; e !== null; e = e.queueNext) if (e.queueReady) visit(e);
    }
  }

  clear(): void {
    this.lanes.clear();
    this.releasable.clear();
    this.size = 0;
  }
}
