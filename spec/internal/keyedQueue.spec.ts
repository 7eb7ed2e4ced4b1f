import fc from 'fast-check';
import { Entry } from '../../lib/internal/entry';
import { KeyedQueue } from '../../lib/internal/queues/keyedQueue';

/** The engine's own Entry, so that the queue is tested on the fields production uses. */
class Node extends Entry<number, number> {
  constructor(index: number, key: unknown) {
    super(index, index, key);
  }
}

function pollAll(queue: KeyedQueue<Node>): number[] {
  const released: number[] = [];
  for (let node = queue.poll(); node !== undefined; node = queue.poll()) released.push(node.index);
  return released;
}

/** The number of keys the queue still remembers (private, read to prove it forgets empty lanes). */
function laneCount(queue: KeyedQueue<Node>): number {
  return (queue['lanes'] as Map<unknown, unknown>).size;
}

describe('KeyedQueue', () => {
  it('releases a lane head as soon as it completes, whatever other keys do', () => {
    const queue = new KeyedQueue<Node>();
    const [a0, b1, a2] = [new Node(0, 'a'), new Node(1, 'b'), new Node(2, 'a')];
    [a0, b1, a2].forEach((n) => queue.push(n));
    expect(queue.size).toBe(3);
    expect(queue.poll()).toBeUndefined();

    queue.complete(b1);
    expect(queue.poll()).toBe(b1);
    expect(queue.size).toBe(2);
    expect(queue.poll()).toBeUndefined();
  });

  it('keeps a completed entry behind an earlier entry of its own key', () => {
    const queue = new KeyedQueue<Node>();
    const [a0, a1, a2] = [new Node(0, 'a'), new Node(1, 'a'), new Node(2, 'a')];
    [a0, a1, a2].forEach((n) => queue.push(n));
    queue.complete(a2);
    queue.complete(a1);
    expect(queue.poll()).toBeUndefined();
    queue.complete(a0);
    expect(pollAll(queue)).toEqual([0, 1, 2]);
    expect(queue.size).toBe(0);
  });

  it('releases lane heads in the order they became releasable', () => {
    const queue = new KeyedQueue<Node>();
    const nodes = [new Node(0, 'a'), new Node(1, 'b'), new Node(2, 'c'), new Node(3, 'b')];
    nodes.forEach((n) => queue.push(n));
    queue.complete(nodes[3]); // b's second: waits for b's first
    queue.complete(nodes[2]);
    queue.complete(nodes[1]);
    queue.complete(nodes[0]);
    // c, then b (whose successor becomes releasable when b's head leaves, behind a), then a, then b's second.
    expect(pollAll(queue)).toEqual([2, 1, 0, 3]);
  });

  it('forgets a key once its lane is empty, so distinct keys hold no memory', () => {
    const queue = new KeyedQueue<Node>();
    for (let i = 0; i < 1000; i++) {
      const node = new Node(i, `key-${i}`);
      queue.push(node);
      queue.complete(node);
      expect(queue.poll()).toBe(node);
    }
    expect(laneCount(queue)).toBe(0);
    expect(queue.size).toBe(0);
  });

  it('compares keys as Map keys do (SameValueZero): NaN is one key, 0 and -0 are one key, objects by identity', () => {
    const queue = new KeyedQueue<Node>();
    const first = {};
    const nodes = [
      new Node(0, NaN),
      new Node(1, NaN),
      new Node(2, 0),
      new Node(3, -0),
      new Node(4, first),
      new Node(5, {}),
    ];
    nodes.forEach((n) => queue.push(n));
    expect(laneCount(queue)).toBe(4);
    [1, 3, 5].forEach((i) => queue.complete(nodes[i]));
    // 1 and 3 wait behind 0 and 2 of their keys; 5 has an object key of its own.
    expect(pollAll(queue)).toEqual([5]);
    queue.complete(nodes[0]);
    queue.complete(nodes[2]);
    // 1 becomes releasable when 0 leaves, after 2 already was.
    expect(pollAll(queue)).toEqual([0, 2, 1, 3]);
  });

  it('treats undefined and null as keys like any other', () => {
    const queue = new KeyedQueue<Node>();
    const nodes = [new Node(0, undefined), new Node(1, null), new Node(2, undefined)];
    nodes.forEach((n) => queue.push(n));
    queue.complete(nodes[2]);
    queue.complete(nodes[1]);
    expect(pollAll(queue)).toEqual([1]);
    queue.complete(nodes[0]);
    expect(pollAll(queue)).toEqual([0, 2]);
  });

  it('visits every ready entry not yet released with forEachReady, heads or not', () => {
    const queue = new KeyedQueue<Node>();
    const nodes = [new Node(0, 'a'), new Node(1, 'a'), new Node(2, 'b'), new Node(3, 'c')];
    nodes.forEach((n) => queue.push(n));
    queue.complete(nodes[1]);
    queue.complete(nodes[3]);
    const seen: number[] = [];
    queue.forEachReady((n) => seen.push(n.index));
    expect(seen.sort()).toEqual([1, 3]);
    queue.poll();
    const after: number[] = [];
    queue.forEachReady((n) => after.push(n.index));
    expect(after).toEqual([1]);
  });

  it('refuses barriers: a BarrierQueue wraps it for those', () => {
    expect(() => new KeyedQueue<Node>().pushBarrier()).toThrow(/BarrierQueue/);
  });

  it('clear forgets every entry and key', () => {
    const queue = new KeyedQueue<Node>();
    const nodes = [new Node(0, 'a'), new Node(1, 'b')];
    nodes.forEach((n) => queue.push(n));
    queue.complete(nodes[1]);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.poll()).toBeUndefined();
    expect(laneCount(queue)).toBe(0);
    const again = new Node(2, 'a');
    queue.push(again);
    queue.complete(again);
    expect(queue.poll()).toBe(again);
  });

  it('per key: source order; across keys: a completed head never waits (random runs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 40 }).chain((keys) =>
          fc.tuple(
            fc.constant(keys),
            fc.shuffledSubarray(
              keys.map((_, i) => i),
              { minLength: keys.length },
            ),
          ),
        ),
        ([keys, completionOrder]) => {
          const queue = new KeyedQueue<Node>();
          const nodes = keys.map((k, i) => new Node(i, k));
          nodes.forEach((n) => queue.push(n));
          const done = new Set<number>();
          const released: number[] = [];
          for (const i of completionOrder) {
            queue.complete(nodes[i]);
            done.add(i);
            released.push(...pollAll(queue));
            // Every key's earliest unreleased entry that is done has been released: nothing waits
            // for another key.
            const releasedSet = new Set(released);
            for (const key of new Set(keys)) {
              const head = keys.findIndex((k, j) => k === key && !releasedSet.has(j));
              if (head !== -1) expect(done.has(head)).toBe(false);
            }
            expect(queue.size).toBe(keys.length - released.length);
          }
          expect(released.sort((a, b) => a - b)).toEqual(keys.map((_, i) => i));
          for (const key of new Set(keys)) {
            const order = released.filter((i) => keys[i] === key);
            expect(order).toEqual([...order].sort((a, b) => a - b));
          }
          expect(laneCount(queue)).toBe(0);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});
