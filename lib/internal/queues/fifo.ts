/**
 * A first-in first-out buffer on a growable ring. `push` and `shift` are O(1) however long it
 * grows; `Array#shift` is O(n) once V8 leaves its fast path, which is what makes rxjs `mergeMap`
 * slow down when a synchronous source floods its buffer.
 */
/**
 * Rings at least this large (in slots) shrink as they drain; smaller ones are kept as they are,
 * since growing them again costs more than the memory they hold.
 */
const SHRINK_ABOVE = 1024;

export class Fifo<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(16);
  // Always a power of two, so a position wraps with a mask instead of a division.
  private mask = 15;
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count > this.mask) this.grow();
    this.items[(this.head + this.count) & this.mask] = item;
    this.count++;
  }

  /** Removes and returns the oldest item; the caller checks `length` first. */
  shift(): T {
    const item = this.items[this.head] as T;
    // Release the slot so a consumed value can be collected while the ring lives on.
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    // Give memory back once a burst has drained, so that a long-lived subscription does not keep
    // the largest backlog it ever had. Only when empty: shrinking a partly full ring means copying.
    const slots = this.mask + 1;
    if (slots >= SHRINK_ABOVE) {
      // A burst grows the ring to its peak; a backlog that then stays well below the peak must
      // not keep it. Below an eighth full it shrinks to a quarter: that leaves room to grow back
      // without resizing at every push, and copies at most an eighth of the ring, so push and
      // shift stay O(1) amortized and a draining burst pays little for it.
      if (this.count === 0) this.clear();
      else if (slots > SHRINK_ABOVE && this.count < slots >>> 3) this.resize(Math.max(slots >>> 2, SHRINK_ABOVE));
    }
    return item;
  }

  /** The oldest item, left in place; the caller checks `length` first. */
  peek(): T {
    return this.items[this.head] as T;
  }

  /** Calls `visit` for each item, oldest first, without removing any. */
  forEach(visit: (item: T) => void): void {
    for (let i = 0; i < this.count; i++) visit(this.items[(this.head + i) & this.mask] as T);
  }

  /** Slots the ring holds now (for tests of its memory: it shrinks as the backlog falls). */
  get slots(): number {
    return this.mask + 1;
  }

  clear(): void {
    this.items = new Array<T | undefined>(16);
    this.mask = 15;
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    this.resize((this.mask + 1) * 2);
  }

  private resize(size: number): void {
    const next: (T | undefined)[] = new Array<T | undefined>(size);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.mask = size - 1;
    this.head = 0;
  }
}
