import type { EntryQueue } from '../../lib/internal/queues/entryQueue';
import { UnorderedQueue } from '../../lib/internal/queues/unorderedQueue';
import { drain, node, type Node } from '../support/queueNodes';

// What every queue does (forEachReady, clear) is in entryQueue.spec.ts.

describe('UnorderedQueue (the queue of unorderedWait)', () => {
  it('releases entries in completion order, whatever their admission order', () => {
    const queue = new UnorderedQueue<Node>();
    const [a, b, c] = [node('a'), node('b'), node('c')];
    [a, b, c].forEach((n) => queue.push(n));
    expect(queue.poll()).toBeUndefined();
    queue.complete(c);
    queue.complete(a);
    expect(drain(queue)).toEqual(['c', 'a']);
    queue.complete(b);
    expect(drain(queue)).toEqual(['b']);
  });

  it('takes completions that arrive while it is being drained, in order', () => {
    const queue = new UnorderedQueue<Node>();
    const [a, b, c] = [node('a'), node('b'), node('c')];
    [a, b, c].forEach((n) => queue.push(n));
    queue.complete(b);
    expect(queue.poll()?.name).toBe('b');
    queue.complete(a);
    queue.complete(c);
    expect(drain(queue)).toEqual(['a', 'c']);
  });

  it('counts every admitted entry until it is released', () => {
    const queue = new UnorderedQueue<Node>();
    const [a, b] = [node('a'), node('b')];
    queue.push(a);
    queue.push(b);
    expect(queue.size).toBe(2);
    queue.complete(b);
    expect(queue.size).toBe(2);
    queue.poll();
    expect(queue.size).toBe(1);
    queue.complete(a);
    queue.poll();
    expect(queue.size).toBe(0);
  });

  it('refuses barriers, which need a BarrierQueue around it', () => {
    const queue: EntryQueue<Node> = new UnorderedQueue<Node>();
    expect(() => queue.pushBarrier(node('barrier'))).toThrow(/BarrierQueue/);
  });
});
