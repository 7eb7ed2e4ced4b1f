import { OrderedQueue } from '../../lib/internal/queues/orderedQueue';
import { drain, node, type Node } from '../support/queueNodes';

// What every queue does (forEachReady, clear) is in entryQueue.spec.ts.

describe('OrderedQueue (the reorder buffer of orderedWait)', () => {
  it('releases nothing while the oldest entry is not complete, whatever completed after it', () => {
    const queue = new OrderedQueue<Node>();
    const [a, b, c] = [node('a'), node('b'), node('c')];
    queue.push(a);
    queue.push(b);
    queue.push(c);
    queue.complete(c);
    queue.complete(b);
    expect(queue.poll()).toBeUndefined();
    queue.complete(a);
    expect(drain(queue)).toEqual(['a', 'b', 'c']);
  });

  it('releases a completed prefix and stops at the first incomplete entry', () => {
    const queue = new OrderedQueue<Node>();
    const [a, b, c, d] = [node('a'), node('b'), node('c'), node('d')];
    [a, b, c, d].forEach((n) => queue.push(n));
    queue.complete(a);
    queue.complete(b);
    queue.complete(d);
    expect(drain(queue)).toEqual(['a', 'b']);
    queue.complete(c);
    expect(drain(queue)).toEqual(['c', 'd']);
  });

  it('counts every admitted entry until it is released, completed or not', () => {
    const queue = new OrderedQueue<Node>();
    const [a, b] = [node('a'), node('b')];
    expect(queue.size).toBe(0);
    queue.push(a);
    queue.push(b);
    queue.complete(b);
    expect(queue.size).toBe(2);
    queue.complete(a);
    queue.poll();
    expect(queue.size).toBe(1);
    queue.poll();
    expect(queue.size).toBe(0);
  });

  it('keeps working after it has been emptied', () => {
    const queue = new OrderedQueue<Node>();
    const a = node('a');
    queue.push(a);
    queue.complete(a);
    expect(drain(queue)).toEqual(['a']);
    const [b, c] = [node('b'), node('c')];
    queue.push(b);
    queue.push(c);
    queue.complete(c);
    queue.complete(b);
    expect(drain(queue)).toEqual(['b', 'c']);
  });

  it('keeps a barrier in place: already complete, released between the entries around it', () => {
    const queue = new OrderedQueue<Node>();
    const [a, barrier, b] = [node('a'), node('barrier'), node('b')];
    queue.push(a);
    queue.pushBarrier(barrier);
    queue.push(b);
    expect(barrier.queueReady).toBe(true);
    queue.complete(b);
    expect(queue.poll()).toBeUndefined();
    queue.complete(a);
    expect(drain(queue)).toEqual(['a', 'barrier', 'b']);
  });

  it('matches a simple model over many random completions', () => {
    // A deterministic pseudo-random sequence, so a failure can be replayed.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const queue = new OrderedQueue<Node>();
    const pending: Node[] = [];
    const released: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const n = node(String(i));
      queue.push(n);
      pending.push(n);
      if (random() < 0.6 && pending.length > 0) {
        const [done] = pending.splice(Math.floor(random() * pending.length), 1);
        queue.complete(done);
      }
      for (let r = queue.poll(); r !== undefined; r = queue.poll()) released.push(r.index);
    }
    pending.forEach((n) => queue.complete(n));
    for (let r = queue.poll(); r !== undefined; r = queue.poll()) released.push(r.index);
    expect(released).toHaveLength(2000);
    expect(released.every((index, k) => k === 0 || index === released[k - 1] + 1)).toBe(true);
    expect(queue.size).toBe(0);
  });
});
