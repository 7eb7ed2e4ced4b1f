import { Entry } from '../../lib/internal/entry';
import type { EntryQueue } from '../../lib/internal/queues/entryQueue';

/** The engine's own Entry (so queues are tested on the fields production uses), named by its value. */
export class Node extends Entry<string, string> {
  get name(): string {
    return this.value;
  }
}

let nextIndex = 0;
/** A new entry; indices grow with every call, as admitted entries' do. */
export function node(name: string): Node {
  return new Node(name, nextIndex++, undefined);
}

/** Polls until the queue releases nothing, and names what it released. */
export function drain(queue: EntryQueue<Node>): string[] {
  const out: string[] = [];
  for (let n = queue.poll(); n !== undefined; n = queue.poll()) out.push(n.name);
  return out;
}
