import type { EntryQueue, QueueNode } from '../../lib/internal/entryQueue';

/** An entry as a queue sees the engine's, with a name to tell what a queue released. */
export interface Node extends QueueNode<Node> {
  name: string;
}

let nextIndex = 0;
/** A new entry; indices grow with every call, as admitted entries' do. */
export function node(name: string): Node {
  return { name, index: nextIndex++, queueNext: null, ready: false, group: null };
}

/** Polls until the queue releases nothing, and names what it released. */
export function drain(queue: EntryQueue<Node>): string[] {
  const out: string[] = [];
  for (let n = queue.poll(); n !== undefined; n = queue.poll()) out.push(n.name);
  return out;
}
