import fc from 'fast-check';
import { of, timer, map, VirtualTimeScheduler, from, concatMap, EMPTY } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, orderedWait, unorderedWait } from '../lib';
import { documentedFigure, runFigure } from './support/figures';
import { marbleSheet } from './support/marbleSheet';

/** In the figures and most tests, `a` and `b` share a key, and `x` and `y` share another. */
const key = (v: string) => (v === 'a' || v === 'b' ? 'ab' : v === 'x' || v === 'y' ? 'xy' : v);

// The figures of docs/semantics.md, section 14 (per-key order); each is run below and compared with the page.
const figures = {
  'key-slow': `
orderedWait(fn, { key })
source:  -axy---|
fn(a):    -----A|
fn(x):     -X|
fn(y):      -Y|
result:  ----XY-(A|)`,
  'key-order': `
unorderedWait(fn, { key })
source:  -abx--|
fn(a):    ----A|
fn(b):     -B|
fn(x):      -X|
result:  -----X(AB|)`,
  'key-capacity': `
orderedWait(fn, { key, capacity: 2 })
source:  -abx---|
fn(a):    ----A|
fn(b):     -B|
fn(x):         ---X|
result:  ------(AB)(X|)`,
};

const operators = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const;

// prettier-ignore
describe('per-key order (config.key)', () => {
  describe('the figures of docs/semantics.md', () => {
    it.each(Object.keys(figures) as (keyof typeof figures)[])('%s is on the page as tested here', (id) => {
      expect(documentedFigure(id)).toBe(figures[id].trim());
    });

    it('key-slow: the slow a does not hold up x and y, which keep their own order', () => {
      runFigure(figures['key-slow'], (fn) => orderedWait(fn, { key }));
    });

    it('key-order: b waits behind a (same key) even in unorderedWait; x does not', () => {
      runFigure(figures['key-order'], (fn) => unorderedWait(fn, { key }));
    });

    it('key-capacity: b holds its slot while it waits behind a, so x starts only when both have left', () => {
      runFigure(figures['key-capacity'], (fn) => orderedWait(fn, { key, capacity: 2 }));
    });
  });

  describe.each(operators)('%s with key', (_name, operator) => {
    it('a slow key does not delay another key\'s results', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-axy|        ',
        a:        ' -------A|   ',
        asub:     '-^-------!   ',
        x:        '  --X|       ',
        xsub:     '--^--!       ',
        y:        '   --Y|      ',
        ysub:     '---^--!      ',
        expected: '-----XY--(A|)',
      });
      s.expect(operator(s.fn, { key }));
    }));

    it('results of one key leave in source order, however their calls complete', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abxy|          ',
        a:        ' -----A|        ',
        b:        '  -B|           ',
        x:        '   -------X|    ',
        y:        '    -Y|         ',
        expected: '-------(AB)(XY|)',
      });
      s.expect(operator(s.fn, { key }));
    }));

    it('capacity bounds the total held over all keys; buffered values start in arrival order', marbles((m) => {
      // c and d have keys of their own, yet wait for a slot: a frees one at 6, c at 8.
      const s = marbleSheet(m, {
        source:   '-axcd|        ',
        a:        ' ----A|       ',
        x:        '  ------X|    ',
        c:        '      -C|     ',
        csub:     '------^-!     ',
        d:        '        -D|   ',
        dsub:     '--------^-!   ',
        expected: '------A-CX(D|)',
      });
      s.expect(operator(s.fn, { key, capacity: 2 }));
    }));

    it('calls key once per value, when the value starts, with the value', marbles((m) => {
      const source = m.cold('-ab-|');
      const keyed: string[] = [];
      const result = source.pipe(
        operator((v: string) => of(v.toUpperCase()), {
          key: (v: string) => {
            keyed.push(v);
            return v;
          },
        }),
      );
      m.expect(result).toBeObservable('-AB-|');
      m.flush();
      expect(keyed).toEqual(['a', 'b']);
    }));

    it('a fallback takes its element\'s place in the key\'s order', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abx--|    ',
        a:        ' ------A|  ',
        asub:     '-^----!    ',
        b:        '  -B|      ',
        x:        '   -X|     ',
        expected: '-----X(TB|)',
      });
      s.expect(operator(s.fn, { key, timeout: 5, onTimeout: () => of('T') }));
    }));

    it('an element dropped by an empty fallback frees the next of its key', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-ab|    ',
        a:        ' --#    ',
        b:        '  -B|   ',
        expected: '----(B|)',
      });
      s.expect(operator(s.fn, { key, onError: () => EMPTY }));
    }));

    it('keys compare as Map keys (SameValueZero): NaN is one key', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-ab|      ',
        a:        ' ---A|    ',
        b:        '  -B|     ',
        expected: '-----(AB|)',
      });
      s.expect(operator(s.fn, { key: () => NaN }));
    }));
  });

  it('per key: source order, no waiting across keys, capacity never exceeded (random runs, both operators)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ordered', 'unordered'),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 3 }), gap: fc.integer({ min: 0, max: 2 }), latency: fc.integer({ min: 0, max: 9 }) }), {
          minLength: 1,
          maxLength: 30,
        }),
        (mode, capacity, elements) => {
          const scheduler = new VirtualTimeScheduler();
          const started: number[] = [];
          const completed: number[] = [];
          const emittedAt = new Map<number, number>();
          const order: number[] = [];
          let running = 0;
          let mostRunning = 0;
          const operator = mode === 'ordered' ? orderedWait : unorderedWait;
          const monitor = new AsyncWaitMonitor<number>();
          let mostHeld = 0;
          from(elements.map((_, i) => i))
            .pipe(
              concatMap((i) => timer(elements[i].gap, scheduler).pipe(map(() => i))),
              operator(
                (i: number) => {
                  started[i] = scheduler.now();
                  running++;
                  mostRunning = Math.max(mostRunning, running);
                  return timer(elements[i].latency, scheduler).pipe(
                    map(() => {
                      completed[i] = scheduler.now();
                      running--;
                      return i;
                    }),
                  );
                },
                { key: (i: number) => elements[i].key, capacity, scheduler, monitor },
              ),
            )
            .subscribe((i) => {
              emittedAt.set(i, scheduler.now());
              order.push(i);
              mostHeld = Math.max(mostHeld, monitor.figures.held);
            });
          scheduler.flush();

          expect([...order].sort((a, b) => a - b)).toEqual(elements.map((_, i) => i));
          expect(mostRunning).toBeLessThanOrEqual(capacity);
          expect(mostHeld).toBeLessThanOrEqual(capacity);
          const lastOfKey = new Map<number, number>();
          for (const i of order) {
            const previous = lastOfKey.get(elements[i].key);
            if (previous !== undefined) expect(previous).toBeLessThan(i);
            lastOfKey.set(elements[i].key, i);
          }
          // Each result leaves when it completes, or when the previous one of its key leaves: nothing later.
          for (let i = 0; i < elements.length; i++) {
            const before = elements.slice(0, i).map((e, j) => [e, j] as const).filter(([e]) => e.key === elements[i].key);
            const previous = before.length === 0 ? -Infinity : emittedAt.get(before[before.length - 1][1])!;
            expect({ i, at: emittedAt.get(i) }).toEqual({ i, at: Math.max(completed[i], previous) });
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  describe('bad input', () => {
    it.each(operators)('%s: key not a function throws a TypeError at creation', (name, operator) => {
      expect(() => operator(() => of(1), { key: 'id' as never })).toThrow(
        new TypeError(`${name}: expected \`config.key\` to be a function, got \`"id"\` (string)`),
      );
    });

    it.each(operators)('%s: key throwing errors the output with its error; fn is not called for that value', (_name, operator) => {
      const error = new Error('no key');
      marbles((m) => {
        const s = marbleSheet(m, {
          source:   '-ab-c| ',
          srcsub:   '^-!    ',
          a:        ' ----A|',
          asub:     '-^!    ',
          expected: '--#    ',
        });
        const keyOrThrow = (v: string) => {
          if (v === 'b') throw error;
          return v;
        };
        s.expect(operator(s.fn, { key: keyOrThrow }), undefined, error);
        m.flush();
        expect(s.calls).toEqual(['a']);
      })();
    });
  });
});
