/**
 * Segments start this small (in slots), so that the many buffers that never hold much (one input
 * buffer per subscription, most of them empty) cost little.
 */
const FIRST_SEGMENT = 16;
/**
 * Segments grow by doubling up to this size. A backlog therefore takes whole segments of at most
 * this many slots, and gives them back one by one as it drains.
 */
const MAX_SEGMENT = 1024;

/** One block of a Fifo's storage: a fixed array of slots and the block after it. */
class Segment<T> {
  next: Segment<T> | null = null;
  readonly items: (T | undefined)[];

  constructor(size: number) {
    this.items = new Array<T | undefined>(size);
  }
}

/**
 * A first-in first-out buffer on a chain of fixed-size segments. `push` and `shift` are O(1) and
 * never copy: `Array#shift` is O(n) once V8 leaves its fast path (what makes rxjs `mergeMap` slow
 * down when a synchronous source floods its buffer), and a growable ring copies everything it
 * holds each time it doubles, which was a tenth of the time of a flooded operator (the profile of
 * bench scenario B, 2026-11-30). A drained segment is kept as a spare for the next one needed,
 * so a steady backlog allocates nothing, and a backlog that shrinks holds at most its size plus
 * two segments: memory follows the backlog down without copying. Empty, it holds fewer than
 * MAX_SEGMENT slots.
 */
export class Fifo<T> {
  /** The segment holding the oldest item, and the next slot to shift from it. */
  private head = new Segment<T>(FIRST_SEGMENT);
  private headIndex = 0;
  /** The segment the next item goes into, and the next free slot in it. */
  private tail = this.head;
  private tailIndex = 0;
  private count = 0;
  /** A drained segment kept for reuse (one at most). */
  private spare: Segment<T> | null = null;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    let tail = this.tail;
    if (this.tailIndex === tail.items.length) {
      tail = tail.next = this.newSegment(Math.min(tail.items.length * 2, MAX_SEGMENT));
      this.tail = tail;
      this.tailIndex = 0;
    }
    tail.items[this.tailIndex++] = item;
    this.count++;
  }

  /** Removes and returns the oldest item; the caller checks `length` first. */
  shift(): T {
    let head = this.head;
    const item = head.items[this.headIndex] as T;
    // Release the slot so a consumed value can be collected while the segment lives on.
    head.items[this.headIndex++] = undefined;
    this.count--;
    if (this.headIndex === head.items.length && head !== this.tail) {
      // A push always writes into the segment it links, so the next one holds the next item.
      this.head = head.next!;
      this.headIndex = 0;
      head.next = null;
      // The larger of the two is kept: growth makes segments larger, and a steady backlog then
      // cycles through segments of one size without allocating.
      if (this.spare === null || this.spare.items.length < head.items.length) this.spare = head;
      head = this.head;
    }
    if (this.count === 0) {
      // Empty: head and tail are one segment; start it over. Large storage (the segment and the
      // spare together) is given back, so that an idle subscription keeps under MAX_SEGMENT
      // slots, not the storage of the largest burst it ever had.
      const spareSlots = this.spare === null ? 0 : this.spare.items.length;
      if (head.items.length + spareSlots >= MAX_SEGMENT) this.clear();
      else this.headIndex = this.tailIndex = 0;
    }
    return item;
  }

  /** The oldest item, left in place; the caller checks `length` first. */
  peek(): T {
    return this.head.items[this.headIndex] as T;
  }

  /** Calls `visit` for each item, oldest first, without removing any. */
  forEach(visit: (item: T) => void): void {
    let segment: Segment<T> | null = this.head;
    let index = this.headIndex;
    for (let left = this.count; left > 0; left--) {
      if (index === segment!.items.length) {
        segment = segment!.next;
        index = 0;
      }
      visit(segment!.items[index++] as T);
    }
  }

  /** Slots held now, the spare included (for tests of its memory: it follows the backlog down). */
  get slots(): number {
    let slots = this.spare === null ? 0 : this.spare.items.length;
    for (let segment: Segment<T> | null = this.head; segment !== null; segment = segment.next) {
      slots += segment.items.length;
    }
    return slots;
  }

  clear(): void {
    this.head = this.tail = new Segment<T>(FIRST_SEGMENT);
    this.headIndex = this.tailIndex = 0;
    this.count = 0;
    this.spare = null;
  }

  private newSegment(size: number): Segment<T> {
    const spare = this.spare;
    if (spare === null) return new Segment<T>(size);
    this.spare = null;
    return spare;
  }
}
