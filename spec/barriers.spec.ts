import { Observable, of } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, orderedWait, unorderedWait } from '../lib';
import { documentedFigure, runFigure } from './support/figures';

type Inners = Record<string, Observable<string>>;
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
      const source = m.cold('  -abcW|       ');
      const a = m.cold('        -----A|     ');
      const b = m.cold('         -B|        ');
      const c = m.cold('          --C|      ');
      const expected = '       ----B-C(AW|)';
      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], { isBarrier: isW }))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions('-^-----!');
      m.expect(b).toHaveSubscriptions('--^-!');
      m.expect(c).toHaveSubscriptions('---^--!');
    }));

    it('unordered: a record after a watermark never overtakes a record before it, nor the watermark', marbles((m) => {
      const source = m.cold('  -aWbc|          ');
      const a = m.cold('        -------A|      ');
      const b = m.cold('          ---B|        ');
      const c = m.cold('           -C|         ');
      // c and b complete at frames 6 and 7, before a (9): they wait, then leave in their own completion order.
      const expected = '       ---------(AWCB|)';
      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], { isBarrier: isW }))).toBeObservable(expected);
      m.expect(b).toHaveSubscriptions('---^---!');
      m.expect(c).toHaveSubscriptions('----^-!');
      m.expect(a).toHaveSubscriptions('-^-------!');
    }));

    it('unordered: records between two watermarks stay between them', marbles((m) => {
      const source = m.cold('  -aWbVc|        ');
      const a = m.cold('        ---A|         ');
      const b = m.cold('          -----B|     ');
      const c = m.cold('            -C|       ');
      const expected = '       -----(AW)(BVC|)';
      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], { isBarrier: isWatermark }))).toBeObservable(expected);
    }));

    it('unordered: without records before it, a watermark leaves as it arrives', marbles((m) => {
      const source = m.cold('  -W-a-V-|');
      const a = m.cold('          (A|)   ');
      const expected = '       -W-A-V-|';
      m.expect(source.pipe(unorderedWait(() => a, { isBarrier: isWatermark }))).toBeObservable(expected);
    }));

    it('unordered: consecutive watermarks leave in source order, together once the records before them are out', marbles((m) => {
      const source = m.cold('  -aWV-|  ');
      const a = m.cold('        ---A|  ');
      const expected = '       -----(AWV|)';
      m.expect(source.pipe(unorderedWait(() => a, { isBarrier: isWatermark }))).toBeObservable(expected);
    }));

    it('ordered: a watermark keeps its place; records on either side stay in source order', marbles((m) => {
      const source = m.cold('  -abWc|          ');
      const a = m.cold('        ----A|         ');
      const b = m.cold('         -B|           ');
      const c = m.cold('           -C|         ');
      const expected = '       ------(ABWC|)';
      const inners: Inners = { a, b, c };
      m.expect(source.pipe(orderedWait((v: string) => inners[v], { isBarrier: isW }))).toBeObservable(expected);
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
      const source = m.cold('  -abW---|      ');
      const a = m.cold('        ---A|        ');
      const b = m.cold('             -B|    ');
      const expected = '       -----A-(BW|)';
      const inners: Inners = { a, b };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], { isBarrier: isW, capacity: 1 }))).toBeObservable(expected);
      m.expect(b).toHaveSubscriptions('-----^-!');
    }));

    it('with key: results of different keys do not cross a barrier either', marbles((m) => {
      // a and b have key 1, x key 2; x completes first but is after the barrier.
      const source = m.cold('  -aWxb--|     ');
      const a = m.cold('        ----A|       ');
      const x = m.cold('           -X|       ');
      const b = m.cold('            ------B| ');
      const expected = '       ------(AWX)(B|)';
      const inners: Inners = { a, b, x };
      const key = (v: string) => (v === 'x' ? 2 : 1);
      m.expect(source.pipe(orderedWait((v: string) => inners[v], { isBarrier: isW, key }))).toBeObservable(expected);
    }));

    it('with key: between barriers, a slow key still does not hold up another', marbles((m) => {
      const source = m.cold('  -axW-|      ');
      const a = m.cold('        ----A|      ');
      const x = m.cold('         -X|        ');
      const expected = '       ----X-(AW|)';
      const inners: Inners = { a, x };
      const key = (v: string) => v;
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], { isBarrier: isW, key }))).toBeObservable(expected);
    }));

    it('timeouts and fallbacks: a fallback result stays on its side of the barrier', marbles((m) => {
      const source = m.cold('  -aWb--|     ');
      const a = m.cold('        ------A|   ');
      const b = m.cold('          -B|      ');
      const expected = '       ------(TWB|)';
      const inners: Inners = { a, b };
      const result = source.pipe(
        unorderedWait((v: string) => inners[v], { isBarrier: isW, timeout: 5, onTimeout: () => of('T') }),
      );
      m.expect(result).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions('-^----!');
      m.expect(b).toHaveSubscriptions('---^-!');
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
      const source = m.cold('  -ab-c|');
      const a = m.cold('        -----A|');
      const expected = '       --#';
      const error = new Error('bad value');
      const result = source.pipe(
        orderedWait(() => a, {
          isBarrier: (v: string): v is 'W' => {
            if (v === 'b') throw error;
            return v === 'W';
          },
        }),
      );
      m.expect(result).toBeObservable(expected, undefined, error);
      m.expect(a).toHaveSubscriptions('-^!');
      m.expect(source).toHaveSubscriptions('^-!');
    }));
  });
});
