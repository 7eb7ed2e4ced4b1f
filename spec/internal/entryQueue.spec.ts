import { BarrierQueue } from '../../lib/internal/queues/barrierQueue';
import type { EntryQueue } from '../../lib/internal/queues/entryQueue';
import { KeyedQueue } from '../../lib/internal/queues/keyedQueue';
import { OrderedQueue } from '../../lib/internal/queues/orderedQueue';
import { UnorderedQueue } from '../../lib/internal/queues/unorderedQueue';
import { drain, node, type Node } from '../support/queueNodes';

// What every EntryQueue does whatever its release order; each queue's own spec has the order.

const queues: [string, () => EntryQueue<Node>][] = [
  ['OrderedQueue', () => new OrderedQueue<Node>()],
  ['UnorderedQueue', () => new UnorderedQueue<Node>()],
  ['KeyedQueue', () => new KeyedQueue<Node>()],
  ['BarrierQueue', () => new BarrierQueue<Node>(() => new UnorderedQueue<Node>())],
];

describe.each(queues)('%s, as every EntryQueue', (_name, create) => {
  it.each([[['b', 'c']], [['c', 'a']]])('visits the completed entries not yet released (%j completed)', (completed) => {
    const queue = create();
    const nodes: Record<string, Node> = { a: node('a'), b: node('b'), c: node('c') };
    Object.values(nodes).forEach((n) => queue.push(n));
    completed.forEach((name) => queue.complete(nodes[name]));
    const seen: string[] = [];
    queue.forEachReady((n) => seen.push(n.name));
    expect(seen.sort()).toEqual([...completed].sort());
  });

  it('forgets every entry on clear and keeps working', () => {
    const queue = create();
    const [a, b] = [node('a'), node('b')];
    queue.push(a);
    queue.push(b);
    queue.complete(a);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.poll()).toBeUndefined();
    const c = node('c');
    queue.push(c);
    queue.complete(c);
    expect(drain(queue)).toEqual(['c']);
    expect(queue.size).toBe(0);
  });
});
