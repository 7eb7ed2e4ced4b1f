import fc from 'fast-check';
import { BarrierQueue } from '../../lib/internal/queues/barrierQueue';
import { Entry } from '../../lib/internal/entry';
import type { EntryQueue } from '../../lib/internal/queues/entryQueue';
import { KeyedQueue } from '../../lib/internal/queues/keyedQueue';
import { UnorderedQueue } from '../../lib/internal/queues/unorderedQueue';

/** The engine's own Entry, so that the queues are tested on the fields production uses. */
class Node extends Entry<number, number> {
  constructor(
    index: number,
    readonly barrier = false,
    key: unknown = undefined,
  ) {
    super(index, index, key);
  }
}

type Kind = 'unordered' | 'keyed';
const inner: Record<Kind, () => EntryQueue<Node>> = {
  unordered: () => new UnorderedQueue<Node>(),
  keyed: () => new KeyedQueue<Node>(),
};

/** Admits `layout` ('e' an entry, 'W' a barrier) in order; returns the nodes by index. */
function admit(queue: BarrierQueue<Node>, layout: string, key: (i: number) => unknown = () => 'k'): Node[] {
  return [...layout].map((c, i) => {
    const node = c === 'W' ? new Node(i, true) : new Node(i, false, key(i));
    if (node.barrier) queue.pushBarrier(node);
    else queue.push(node);
    return node;
  });
}

function pollAll(queue: EntryQueue<Node>): number[] {
  const released: number[] = [];
  for (let node = queue.poll(); node !== undefined; node = queue.poll()) released.push(node.index);
  return released;
}

describe.each(['unordered', 'keyed'] as const)('BarrierQueue over a %s queue', (kind) => {
  // Distinct keys, so that the keyed queue reorders as freely as the unordered one.
  const distinct = (i: number) => i;

  it('releases a barrier at once when nothing before it is held', () => {
    const queue = new BarrierQueue(inner[kind]);
    admit(queue, 'W', distinct);
    expect(queue.size).toBe(1);
    expect(pollAll(queue)).toEqual([0]);
    expect(queue.size).toBe(0);
  });

  it('holds a barrier until every entry before it has left, in completion order', () => {
    const queue = new BarrierQueue(inner[kind]);
    const nodes = admit(queue, 'eeWe', distinct);
    expect(pollAll(queue)).toEqual([]);
    queue.complete(nodes[1]);
    expect(pollAll(queue)).toEqual([1]);
    queue.complete(nodes[0]);
    expect(pollAll(queue)).toEqual([0, 2]);
    queue.complete(nodes[3]);
    expect(pollAll(queue)).toEqual([3]);
  });

  it('holds an entry after a barrier that completed first until the barrier has left', () => {
    const queue = new BarrierQueue(inner[kind]);
    const nodes = admit(queue, 'eWee', distinct);
    queue.complete(nodes[3]);
    queue.complete(nodes[2]);
    expect(pollAll(queue)).toEqual([]);
    expect(queue.size).toBe(4);
    queue.complete(nodes[0]);
    // The barrier's segment empties, then the next segment releases in its own completion order.
    expect(pollAll(queue)).toEqual([0, 1, 3, 2]);
    expect(queue.size).toBe(0);
  });

  it('releases consecutive barriers one after the other, and an empty segment between them costs nothing', () => {
    const queue = new BarrierQueue(inner[kind]);
    const nodes = admit(queue, 'eWWeW', distinct);
    queue.complete(nodes[3]);
    expect(pollAll(queue)).toEqual([]);
    queue.complete(nodes[0]);
    expect(pollAll(queue)).toEqual([0, 1, 2, 3, 4]);
  });

  it('counts barriers in its size, as capacity does', () => {
    const queue = new BarrierQueue(inner[kind]);
    const nodes = admit(queue, 'eWe', distinct);
    expect(queue.size).toBe(3);
    queue.complete(nodes[0]);
    expect(queue.poll()).toBe(nodes[0]);
    expect(queue.size).toBe(2);
    expect(queue.poll()).toBe(nodes[1]);
    expect(queue.size).toBe(1);
  });

  it('visits ready entries and waiting barriers with forEachReady', () => {
    const queue = new BarrierQueue(inner[kind]);
    const nodes = admit(queue, 'eeWeW', distinct);
    queue.complete(nodes[1]);
    queue.complete(nodes[3]);
    // The queue does not release `1` until polled; it still counts as ready.
    const seen: number[] = [];
    queue.forEachReady((n) => seen.push(n.index));
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
  });

  it('clear forgets every segment', () => {
    const queue = new BarrierQueue(inner[kind]);
    const nodes = admit(queue, 'eWe', distinct);
    queue.complete(nodes[2]);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.poll()).toBeUndefined();
    const fresh = new Node(10, false, 'x');
    queue.push(fresh);
    queue.complete(fresh);
    expect(queue.poll()).toBe(fresh);
  });

  it('no release crosses a barrier, and nothing is lost, over many segments (random runs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('e', 'e', 'e', 'W'), { minLength: 1, maxLength: 150 }).chain((layout) => {
          const entries = layout.flatMap((c, i) => (c === 'e' ? [i] : []));
          return fc.tuple(
            fc.constant(layout.join('')),
            fc.shuffledSubarray(entries, { minLength: entries.length }),
            fc.integer({ min: 1, max: 3 }),
          );
        }),
        ([layout, completionOrder, keys]) => {
          const queue = new BarrierQueue(inner[kind]);
          const nodes = admit(queue, layout, (i) => i % keys);
          const released = pollAll(queue);
          for (const i of completionOrder) {
            queue.complete(nodes[i]);
            released.push(...pollAll(queue));
          }
          expect([...released].sort((a, b) => a - b)).toEqual(nodes.map((n) => n.index));
          expect(queue.size).toBe(0);
          const position = new Map(released.map((index, p) => [index, p]));
          for (const barrier of nodes.filter((n) => n.barrier)) {
            for (const other of nodes) {
              if (other === barrier) continue;
              const before = other.index < barrier.index;
              expect({
                other: other.index,
                barrier: barrier.index,
                before: position.get(other.index)! < position.get(barrier.index)!,
              }).toEqual({
                other: other.index,
                barrier: barrier.index,
                before,
              });
            }
          }
          if (kind === 'keyed') {
            for (let k = 0; k < keys; k++) {
              const lane = released.filter((i) => !nodes[i].barrier && i % keys === k);
              expect(lane).toEqual([...lane].sort((a, b) => a - b));
            }
          }
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('BarrierQueue routing', () => {
  it('routes a completion to its segment when many segments are open (binary search, also after compaction)', () => {
    const queue = new BarrierQueue(() => new UnorderedQueue<Node>());
    // 100 segments of one entry each: e W e W ...
    const nodes = admit(queue, 'eW'.repeat(100));
    // Complete every entry from the last one back: nothing leaves until entry 0 completes.
    for (let i = nodes.length - 2; i > 0; i -= 2) queue.complete(nodes[i]);
    expect(queue.poll()).toBeUndefined();
    queue.complete(nodes[0]);
    expect(pollAll(queue)).toEqual(nodes.map((n) => n.index));
  });

  it('keeps releasing in order after releasing more than 32 segments', () => {
    const queue = new BarrierQueue(() => new UnorderedQueue<Node>());
    const released: number[] = [];
    let index = 0;
    for (let round = 0; round < 200; round++) {
      const [entry, barrier] = [new Node(index++), new Node(index++, true)];
      queue.push(entry);
      queue.pushBarrier(barrier);
      // A later entry completes first, in the open segment after this barrier.
      const late = new Node(index++);
      queue.push(late);
      queue.complete(late);
      queue.complete(entry);
      released.push(...pollAll(queue));
      queue.pushBarrier(new Node(index++, true));
      released.push(...pollAll(queue));
    }
    expect(released).toEqual(Array.from({ length: index }, (_, i) => i));
  });
});
