import { EntryList, type ListNode } from '../../lib/internal/entryList';

interface Node extends ListNode<Node> {
  name: string;
}

function node(name: string): Node {
  return { name, prev: null, next: null };
}

function names(list: EntryList<Node>): string[] {
  const out: string[] = [];
  list.forEach((n) => out.push(n.name));
  return out;
}

/** Walks the chain from the head both ways, so that broken back links show too. */
function checkLinks(list: EntryList<Node>): void {
  let prev: Node | null = null;
  for (let n = list.head; n !== null; n = n.next) {
    expect(n.prev).toBe(prev);
    prev = n;
  }
}

describe('EntryList (in-flight entries in start order)', () => {
  it('keeps members in append order, with its head the oldest', () => {
    const list = new EntryList<Node>();
    expect(list.isEmpty).toBe(true);
    const [a, b, c] = [node('a'), node('b'), node('c')];
    [a, b, c].forEach((n) => list.append(n));
    expect(list.isEmpty).toBe(false);
    expect(list.head).toBe(a);
    expect(list.size).toBe(3);
    expect(names(list)).toEqual(['a', 'b', 'c']);
    checkLinks(list);
  });

  it.each([
    ['the head', 0, ['b', 'c']],
    ['a middle member', 1, ['a', 'c']],
    ['the tail', 2, ['a', 'b']],
  ])('removes %s and unlinks it', (_what, position, left) => {
    const list = new EntryList<Node>();
    const nodes = [node('a'), node('b'), node('c')];
    nodes.forEach((n) => list.append(n));
    list.remove(nodes[position]);
    expect(names(list)).toEqual(left);
    expect(list.size).toBe(2);
    expect(nodes[position].prev).toBeNull();
    expect(nodes[position].next).toBeNull();
    checkLinks(list);
    // The tail is right too: a new member goes after the last one left.
    list.append(node('d'));
    expect(names(list)).toEqual([...left, 'd']);
    checkLinks(list);
  });

  it('becomes empty when its only member leaves, and takes new members after that', () => {
    const list = new EntryList<Node>();
    const a = node('a');
    list.append(a);
    list.remove(a);
    expect(list.isEmpty).toBe(true);
    expect(list.head).toBeNull();
    expect(list.size).toBe(0);
    list.append(node('b'));
    expect(names(list)).toEqual(['b']);
  });

  it('hands over all members, oldest first and still linked, and is empty after', () => {
    const list = new EntryList<Node>();
    ['a', 'b', 'c'].forEach((name) => list.append(node(name)));
    const taken: string[] = [];
    for (let n = list.takeAll(); n !== null; n = n.next) taken.push(n.name);
    expect(taken).toEqual(['a', 'b', 'c']);
    expect(list.isEmpty).toBe(true);
    expect(list.size).toBe(0);
    list.append(node('d'));
    expect(names(list)).toEqual(['d']);
  });

  it('lets a node move to another list once removed from the first', () => {
    const first = new EntryList<Node>();
    const second = new EntryList<Node>();
    const a = node('a');
    first.append(a);
    first.append(node('b'));
    first.remove(a);
    second.append(a);
    expect(names(first)).toEqual(['b']);
    expect(names(second)).toEqual(['a']);
  });
});
