import { Observable, of } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, orderedWait, unorderedWait } from '../lib';
import { documentedFigure, runFigure } from './support/figures';
import { marbleSheet } from './support/marbleSheet';

const isW = (v: string): v is 'W' => v === 'W';
const isWatermark = (v: string): v is 'W' | 'V' => v === 'W' || v === 'V';

// The figures of docs/semantics.md, section 13 (barriers); each is run below and compared with the page.
const figures = {
  'barriers-unordered': `
unorderedWait(fn, { isBarrier })
source:  -abW-c|
fn(a):    ------A|
fn(b):     -B|
fn(c):        -C|
result:  ----B---(AWC|)`,
  'barriers-ordered': `
orderedWait(fn, { isBarrier })
source:  -aWb----|
fn(a):    ---A|
fn(b):      ------B|
result:  -----(AW)-(B|)`,
  'barriers-capacity': `
unorderedWait(fn, { isBarrier, capacity: 2 })
source:  -aWb--|
fn(a):    ----A|
fn(b):         ----B|
result:  ------(AW)-(B|)`,
};

// prettier-ignore
describe('barriers (config.isBarrier, Flink watermarks)', () => {
  describe('the figures of docs/semantics.md', () => {
    it.each(Object.keys(figures) as (keyof typeof figures)[])('%s is on the page as tested here', (id) => {
      expect(documentedFigure(id)).toBe(figures[id].trim());
    });

    it('barriers-unordered: b overtakes a, but c (after the barrier) overtakes neither a nor W', () => {
      runFigure(figures['barriers-unordered'], (fn) => unorderedWait(fn, { isBarrier: isW }));
    });

    it('barriers-ordered: the barrier leaves right after the results before it, without waiting for later ones', () => {
      runFigure(figures['barriers-ordered'], (fn) => orderedWait(fn, { isBarrier: isW }));
    });

    it('barriers-capacity: a waiting barrier takes a slot, so b starts only when the barrier has left', () => {
      runFigure(figures['barriers-capacity'], (fn) => unorderedWait(fn, { isBarrier: isW, capacity: 2 }));
    });
  });

  describe("Flink's watermark cases: records, watermark, records", () => {
    it('unordered: records before a watermark leave before it, in completion order', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abcW|      ',
        a:        ' -----A|    ',
        asub:     '-^-----!    ',
        b:        '  -B|       ',
        bsub:     '--^-!       ',
        c:        '   --C|     ',
        csub:     '---^--!     ',
        expected: '----B-C(AW|)',
      });
      s.expect(unorderedWait(s.fn, { isBarrier: isW }));
    }));

    it('unordered: a record after a watermark never overtakes a record before it, nor the watermark', marbles((m) => {
      // c and b complete at frames 6 and 7, before a (9): they wait, then leave in their own completion order.
      const s = marbleSheet(m, {
        source:   '-aWbc|          ',
        a:        ' -------A|      ',
        asub:     '-^-------!      ',
        b:        '   ---B|        ',
        bsub:     '---^---!        ',
        c:        '    -C|         ',
        csub:     '----^-!         ',
        expected: '---------(AWCB|)',
      });
      s.expect(unorderedWait(s.fn, { isBarrier: isW }));
    }));

    it('unordered: records between two watermarks stay between them', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-aWbVc|        ',
        a:        ' ---A|         ',
        b:        '   -----B|     ',
        c:        '     -C|       ',
        expected: '-----(AW)(BVC|)',
      });
      s.expect(unorderedWait(s.fn, { isBarrier: isWatermark }));
    }));

    it('unordered: without records before it, a watermark leaves as it arrives', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-W-a-V-|',
        a:        '   (A|) ',
        expected: '-W-A-V-|',
      });
      s.expect(unorderedWait(s.fn, { isBarrier: isWatermark }));
    }));

    it('unordered: consecutive watermarks leave in source order, together once the records before them are out', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-aWV-|     ',
        a:        ' ---A|     ',
        expected: '-----(AWV|)',
      });
      s.expect(unorderedWait(s.fn, { isBarrier: isWatermark }));
    }));

    it('ordered: a watermark keeps its place; records on either side stay in source order', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abWc|       ',
        a:        ' ----A|      ',
        b:        '  -B|        ',
        c:        '    -C|      ',
        expected: '------(ABWC|)',
      });
      s.expect(orderedWait(s.fn, { isBarrier: isW }));
    }));

    it('ordered: a watermark at the head leaves at once', marbles((m) => {
      const source = m.cold('  -Wa-|');
      const expected = '       -W--(A|)';
      m.expect(source.pipe(orderedWait(() => m.cold('-A|'), { isBarrier: isW }))).toBeObservable(expected);
    }));
  });

  describe('barriers and the rest of the operator', () => {
    it('a barrier is not passed to fn but takes a source index', marbles((m) => {
      const source = m.cold('-aWb|');
      const calls: string[] = [];
      const result = source.pipe(
        unorderedWait((v: string, i) => {
          calls.push(`${v}${i}`);
          return of(v.toUpperCase());
        }, { isBarrier: isW }),
      );
      m.expect(result).toBeObservable('-AWB|');
      m.flush();
      expect(calls).toEqual(['a0', 'b2']);
    }));

    it('a barrier that arrives while capacity is full waits in the input buffer like any value', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abW---|    ',
        a:        ' ---A|      ',
        b:        '     -B|    ',
        bsub:     '-----^-!    ',
        expected: '-----A-(BW|)',
      });
      s.expect(unorderedWait(s.fn, { isBarrier: isW, capacity: 1 }));
    }));

    it('with key: results of different keys do not cross a barrier either', marbles((m) => {
      // a and b have key 1, x key 2; x completes first but is after the barrier.
      const s = marbleSheet(m, {
        source:   '-aWxb--|       ',
        a:        ' ----A|        ',
        x:        '   -X|         ',
        b:        '    ------B|   ',
        expected: '------(AWX)(B|)',
      });
      const key = (v: string) => (v === 'x' ? 2 : 1);
      s.expect(orderedWait(s.fn, { isBarrier: isW, key }));
    }));

    it('with key: between barriers, a slow key still does not hold up another', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-axW-|     ',
        a:        ' ----A|    ',
        x:        '  -X|      ',
        expected: '----X-(AW|)',
      });
      const key = (v: string) => v;
      s.expect(unorderedWait(s.fn, { isBarrier: isW, key }));
    }));

    it('timeouts and fallbacks: a fallback result stays on its side of the barrier', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-aWb--|     ',
        a:        ' ------A|   ',
        asub:     '-^----!     ',
        b:        '   -B|      ',
        bsub:     '---^-!      ',
        expected: '------(TWB|)',
      });
      s.expect(unorderedWait(s.fn, { isBarrier: isW, timeout: 5, onTimeout: () => of('T') }));
    }));

    it('the source completing with barriers pending completes the output after them', marbles((m) => {
      const source = m.cold('  -aW|   ');
      const expected = '       ----(AW|)';
      m.expect(source.pipe(orderedWait(() => m.cold('--A|'), { isBarrier: isW }))).toBeObservable(expected);
    }));

    it('a source of barriers only never calls fn', marbles((m) => {
      const source = m.cold('-WV|');
      let called = 0;
      m.expect(source.pipe(unorderedWait(() => (called++, of('x')), { isBarrier: isWatermark }))).toBeObservable('-WV|');
      m.flush();
      expect(called).toBe(0);
    }));

    it('counts barriers apart from values in the monitor', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('-aWb|');
      m.expect(source.pipe(unorderedWait((v: string) => of(v.toUpperCase()), { isBarrier: isW, monitor }))).toBeObservable('-AWB|');
      m.flush();
      expect(monitor.figures).toMatchObject({ started: 2, emitted: 2, barriers: 1, held: 0 });
    }));

    it('the output type includes the barriers (type guard)', () => {
      type Record = { kind: 'record'; id: number };
      type Watermark = { kind: 'watermark'; time: number };
      const op = orderedWait((r: Record | Watermark) => of(`enriched ${(r as Record).id}`), {
        isBarrier: (item): item is Watermark => item.kind === 'watermark',
      });
      const out: Observable<string | Watermark> = of<Record | Watermark>({ kind: 'record', id: 1 }).pipe(op);
      expect(out).toBeInstanceOf(Observable);
    });
  });

  describe('bad input', () => {
    it.each([
      ['orderedWait', orderedWait],
      ['unorderedWait', unorderedWait],
    ] as const)('%s: isBarrier not a function throws a TypeError at creation', (name, operator) => {
      expect(() => operator(() => of(1), { isBarrier: 'W' as never })).toThrow(
        new TypeError(`${name}: expected \`config.isBarrier\` to be a function, got \`"W"\` (string)`),
      );
      expect(() => operator(() => of(1), { isBarrier: null as never })).toThrow(TypeError);
    });

    it('isBarrier throwing errors the output with its error and tears everything down', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-ab-c|  ',
        srcsub:   '^-!     ',
        a:        ' -----A|',
        asub:     '-^!     ',
        expected: '--#     ',
      });
      const error = new Error('bad value');
      const isBarrier = (v: string): v is 'W' => {
        if (v === 'b') throw error;
        return v === 'W';
      };
      s.expect(orderedWait(s.fn, { isBarrier }), undefined, error);
    }));
  });
});
