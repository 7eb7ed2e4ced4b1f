import { Fifo } from './queues/fifo.js';

/** What happens to a value that arrives when the input buffer is full. */
export type Overflow = 'error' | 'dropOldest' | 'dropNewest';

/** What `push` did with a value. */
export const KEPT = 0;
export const DROPPED = 1;
export const OVERFLOW = 2;
export type PushOutcome = typeof KEPT | typeof DROPPED | typeof OVERFLOW;

/**
 * The values received from the source and not yet started, in arrival order, each with its
 * source index. Unbounded by default (an RxJS push source cannot be paused); with a finite
 * `bufferSize` a full buffer applies the overflow policy. Indices are the values' positions in
 * the source: a dropped value keeps its position, so the indices of those after it do not shift
 * (an offset-based source commits by them). They are kept only when drops can leave gaps.
 */
export class InputBuffer<T> {
  private readonly values = new Fifo<T>();
  /** Source indices of the buffered values, kept only where drops can leave gaps. */
  private readonly indices: Fifo<number> | null;
  /** Values received from the source so far: the next one's source index. */
  received = 0;
  /** Values dropped by the overflow policy. */
  dropped = 0;
  /** The source index of the value `shift` returned last. */
  shiftedIndex = -1;

  constructor(
    readonly bufferSize: number,
    readonly overflow: Overflow,
  ) {
    this.indices = bufferSize === Infinity ? null : new Fifo<number>();
  }

  get length(): number {
    return this.values.length;
  }

  /** The index for a value received and started at once, without waiting here. */
  receive(): number {
    return this.received++;
  }

  /**
   * Buffers a value just received. Returns KEPT, DROPPED (the drop policies made room or dropped
   * it: one value is lost, counted in `dropped`) or OVERFLOW (the buffer is full and the policy
   * is 'error': the value is kept, so that `pending()` still names it for a resume, and the
   * caller errors the output). `starting` of the buffered values will start without waiting
   * (slots are free, and a drain loop is about to take them); they do not count against the size.
   */
  push(value: T, starting = 0): PushOutcome {
    const index = this.received++;
    if (this.values.length - starting >= this.bufferSize) {
      if (this.overflow === 'error') {
        this.values.push(value);
        this.indices?.push(index);
        return OVERFLOW;
      }
      this.dropped++;
      if (this.overflow === 'dropNewest' || this.bufferSize === 0 || this.values.length === 0) return DROPPED;
      this.values.shift();
      this.indices!.shift();
      this.values.push(value);
      this.indices!.push(index);
      return DROPPED;
    }
    this.values.push(value);
    this.indices?.push(index);
    return KEPT;
  }

  /** Removes the oldest value (the caller checks `length` first); its index is `shiftedIndex`. */
  shift(): T {
    this.shiftedIndex = this.indices === null ? this.received - this.values.length : this.indices.shift();
    return this.values.shift();
  }

  /** Visits the buffered values oldest first, with their source indices. */
  forEach(visit: (value: T, index: number) => void): void {
    if (this.indices === null) {
      let index = this.received - this.values.length;
      this.values.forEach((value) => visit(value, index++));
    } else {
      const indices: number[] = [];
      this.indices.forEach((i) => void indices.push(i));
      let k = 0;
      this.values.forEach((value) => visit(value, indices[k++]));
    }
  }

  clear(): void {
    this.values.clear();
    this.indices?.clear();
  }
}
