import { UnorderedQueue } from '../../lib/internal/unorderedQueue';
import type { EntryQueue, QueueNode } from '../../lib/internal/entryQueue';

interface Node extends QueueNode<Node> {
  name: string;
}

let nextIndex = 0;
function node(name: string): Node {
  return { name, index: nextIndex++, queueNext: null, ready: false, group: null };
}

function drain(queue: UnorderedQueue<Node>): string[] {
  const out: string[] = [];
  for (let n = queue.poll(); n !== undefined; n = queue.poll()) out.push(n.name);
  return out;
}

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

  it('visits the completed entries not yet released', () => {
    const queue = new UnorderedQueue<Node>();
    const [a, b, c] = [node('a'), node('b'), node('c')];
    [a, b, c].forEach((n) => queue.push(n));
    queue.complete(c);
    queue.complete(a);
    const seen: string[] = [];
    queue.forEachReady((n) => seen.push(n.name));
    expect(seen.sort()).toEqual(['a', 'c']);
  });

  it('forgets every entry on clear and keeps working', () => {
    const queue = new UnorderedQueue<Node>();
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
