/** What {@link EntryList} needs of its members: two links, owned by the list. */
export interface ListNode<N> {
  prev: N | null;
  next: N | null;
}

/**
 * An intrusive doubly linked list: O(1) append and O(1) removal of any member, with no allocation,
 * because the links live in the members. A node belongs to at most one list at a time.
 */
export class EntryList<N extends ListNode<N>> {
  head: N | null = null;
  private tail: N | null = null;
  size = 0;

  get isEmpty(): boolean {
    return this.head === null;
  }

  append(node: N): void {
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.size++;
  }

  remove(node: N): void {
    const { prev, next } = node;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    node.prev = node.next = null;
    this.size--;
  }

  /** Calls `visit` for each member, oldest first. */
  forEach(visit: (node: N) => void): void {
    for (let node = this.head; node !== null; node = node.next) visit(node);
  }

  /** Empties the list and returns its former members, oldest first, still linked to each other. */
  takeAll(): N | null {
    const first = this.head;
    this.head = this.tail = null;
    this.size = 0;
    return first;
  }
}
