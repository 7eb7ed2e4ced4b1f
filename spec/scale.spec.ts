import { Observable, Subject, of, range, type OperatorFunction } from 'rxjs';
import { orderedWait, unorderedWait } from '../lib';

// CONTRACT rule 11: a synchronous source of 1,000,000 elements through synchronous inners, at any
// capacity, with no stack growth. A recursive drain would overflow the stack long before the end
// (Node's default stack holds some ten thousand frames), so finishing at all is the first check.

const COUNT = 1_000_000;

/** Runs `COUNT` values through `operator` and checks that each arrives once, in source order. */
function runThrough(operator: OperatorFunction<number, number>): {
  count: number;
  inOrder: boolean;
  completed: boolean;
} {
  let count = 0;
  let inOrder = true;
  let completed = false;
  range(0, COUNT)
    .pipe(operator)
    .subscribe({
      next: (value) => {
        if (value !== count) inOrder = false;
        count++;
      },
      complete: () => (completed = true),
    });
  return { count, inOrder, completed };
}

const inners: Array<[string, (x: number) => Observable<number> | number[]]> = [
  ['of(x)', (x) => of(x)],
  ['[x]', (x) => [x]],
];

describe.each([
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const)('%s with 1,000,000 synchronous inners', (_name, operator) => {
  describe.each(inners)('returning %s', (_inner, fn) => {
    it.each([1, 100, Infinity])(
      'at capacity %p: every value, in order, synchronously',
      (capacity) => {
        // Synchronous inners complete in source order, so even unorderedWait keeps it.
        expect(runThrough(operator(fn, Infinity, capacity))).toEqual({ count: COUNT, inOrder: true, completed: true });
      },
      60_000,
    );
  });

  it.each([1, 100])(
    'at capacity %p: a backlog of buffered values behind one slow call drains flat',
    (capacity) => {
      // The first call holds its slot until `gate` completes; meanwhile every other value is buffered
      // (capacity 1) or held (capacity 100), and all of them are released by that one completion.
      const gate = new Subject<number>();
      let count = 0;
      let inOrder = true;
      let completed = false;
      range(0, COUNT)
        .pipe(operator((x: number) => (x === 0 ? gate : of(x)), Infinity, capacity))
        .subscribe({
          next: (value) => {
            if (value !== count) inOrder = false;
            count++;
          },
          complete: () => (completed = true),
        });
      // Ordered, or one slot: everything waits for the first value. Unordered with room: all but it pass.
      expect(count).toBe(operator === orderedWait || capacity === 1 ? 0 : COUNT - 1);
      gate.next(0);
      gate.complete();
      expect({ count, completed }).toEqual({ count: COUNT, completed: true });
      // unorderedWait lets the fast calls overtake the slow first one when capacity allows it.
      if (operator === orderedWait || capacity === 1) expect(inOrder).toBe(true);
    },
    60_000,
  );
});
