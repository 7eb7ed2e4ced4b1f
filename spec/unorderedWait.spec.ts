import { EMPTY, NEVER, Observable, VirtualTimeScheduler, from, of, take, tap, throwError } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncTimeoutError, unorderedWait } from '../lib';

type Inners = Record<string, Observable<string>>;

/** Keeps the error an output fails with, so that fields the marble matcher ignores can be asserted. */
function keepError<T>(source: Observable<T>, box: { error?: unknown }): Observable<T> {
  return source.pipe(tap({ error: (error: unknown) => (box.error = error) }));
}

/** The error rxjs's own `from` throws for a value that is not an ObservableInput. */
function rxjsFromError(value: unknown): unknown {
  try {
    from(value as never);
  } catch (error) {
    return error;
  }
  throw new Error('from() accepted ' + String(value));
}

// prettier-ignore
describe('unorderedWait', () => {
  describe('the marble diagrams of its TSDoc', () => {
    it('positional form: a fast call overtakes a slower earlier one', marbles((m) => {
      const source = m.cold(' --a--b--c----------|');
      const a = m.cold('        ------A|            ');
      const asub = '          --^------!          ';
      const b = m.cold('           --B|             ');
      const bsub = '          -----^--!           ';
      const c = m.cold('              ---C|         ');
      const csub = '          --------^---!       ';
      const expected = '      --------BA--C------|';

      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v]))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
    }));

    it('config form: a failed call retried after its delay', marbles((m) => {
      const source = m.cold(' -a-----|');
      const a1 = m.cold('      -#      ');
      const a1sub = '         -^!      ';
      const a2 = m.cold('         -A|   ');
      const a2sub = '         ----^-!  ';
      const expected = '      ------A|';

      const attempts = [a1, a2];
      const result = source.pipe(unorderedWait((_v: string, _i, { attempt }) => attempts[attempt - 1], { retry: { count: 1, delay: 2 } }));
      m.expect(result).toBeObservable(expected);
      m.expect(a1).toHaveSubscriptions(a1sub);
      m.expect(a2).toHaveSubscriptions(a2sub);
    }));
    it('config form with barriers: a barrier leaves in its place, after the results before it', marbles((m) => {
      const source = m.cold(' -a-W-----b--|');
      const a = m.cold('       ---A|         ');
      const asub = '          -^---!         ';
      const b = m.cold('               -B|   ');
      const bsub = '          ---------^-!   ';
      const expected = '      -----(AW)--B|';

      const inners: Inners = { a, b };
      const calls: string[] = [];
      const result = source.pipe(unorderedWait((v: string) => (calls.push(v), inners[v]), { isBarrier: (v: string): v is 'W' => v === 'W' }));
      m.expect(result).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.flush();
      expect(calls).toEqual(['a', 'b']);
    }));
  });

  describe('order (rule 2): results leave as soon as they complete', () => {
    it('capacity 1: one call at a time, in source order', marbles((m) => {
      const source = m.cold(' -abc|      ');
      const a = m.cold('       --A|      ');
      const asub = '          -^--!      ';
      const b = m.cold('          -B|    ');
      const bsub = '          ----^-!    ';
      const c = m.cold('            (C|) ');
      const csub = '          ------(^!) ';
      const expected = '      ----A-(BC|)';

      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], Infinity, 1))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
    }));

    it('capacity 2: a completed call leaves at once and frees its slot for the next buffered value', marbles((m) => {
      const source = m.cold(' -abc---d|      ');
      const a = m.cold('       -------A|     ');
      const asub = '          -^-------!     ';
      const b = m.cold('        -B|          ');
      const bsub = '          --^-!          ';
      const c = m.cold('          -C|        ');
      const csub = '          ----^-!        ';
      const d = m.cold('             ---D|   ');
      const dsub = '          -------^---!   ';
      const expected = '      ----B-C--A-(D|)';

      const inners: Inners = { a, b, c, d };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], Infinity, 2))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
      m.expect(d).toHaveSubscriptions(dsub);
    }));

    it('capacity Infinity: every call starts at once, results in completion order', marbles((m) => {
      const source = m.cold(' -abc|         ');
      const a = m.cold('       -------A|      ');
      const asub = '          -^-------!     ';
      const b = m.cold('        --B|         ');
      const bsub = '          --^--!         ';
      const c = m.cold('         -C|         ');
      const csub = '          ---^-!         ';
      const expected = '      -----(BC)(A|)';

      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], Infinity, Infinity))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
    }));

    it('passes the source index, which is also the call order', marbles((m) => {
      const source = m.cold(' -abc|');
      const calls: string[] = [];
      const result = source.pipe(
        unorderedWait((v: string, i: number) => {
          calls.push(`${v}${i}`);
          return m.cold('--(x|)', { x: `${v}${i}` });
        }, Infinity, 1),
      );
      m.expect(result).toBeObservable('---x-y-(z|)', { x: 'a0', y: 'b1', z: 'c2' });
      m.flush();
      expect(calls).toEqual(['a0', 'b1', 'c2']);
    }));
  });

  describe('capacity (rule 3)', () => {
    it('frees a slot when its entry completes: nothing waits behind an earlier entry', marbles((m) => {
      const source = m.cold(' -abc|        ');
      const a = m.cold('       -----A|       ');
      const asub = '          -^-----!      ';
      const b = m.cold('        -B|         ');
      const bsub = '          --^-!         ';
      const c = m.cold('          ----C|    ');
      const csub = '          ----^----!    ';
      const expected = '      ----B--A-(C|)';

      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], Infinity, 2))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
    }));

    it('starts buffered values in arrival order (FIFO) as slots free up', marbles((m) => {
      const source = m.cold(' -(abc)d|          ');
      const a = m.cold('       -A|               ');
      const asub = '          -^-!              ';
      const b = m.cold('         -B|             ');
      const bsub = '          ---^-!            ';
      const c = m.cold('           -C|           ');
      const csub = '          -----^-!          ';
      const d = m.cold('             -D|         ');
      const dsub = '          -------^-!        ';
      const expected = '      ---A-B-C-(D|)     ';

      const inners: Inners = { a, b, c, d };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], Infinity, 1))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
      m.expect(d).toHaveSubscriptions(dsub);
    }));

    it('never holds more than capacity calls in flight', marbles((m) => {
      const source = m.cold('-(abcdefgh)-|');
      const durations: Record<string, string> = { a: '----x|', b: '-x|', c: '--x|', d: '-----x|', e: 'x|', f: '---x|', g: '-x|', h: '--x|' };
      let running = 0;
      let most = 0;
      const result = source.pipe(
        unorderedWait((v: string) => {
          running++;
          most = Math.max(most, running);
          return m.cold(durations[v], { x: v }).pipe(tap({ finalize: () => running-- }));
        }, Infinity, 3),
      );
      const values: string[] = [];
      result.subscribe((v) => values.push(v));
      m.flush();
      // a:1-6, b:1-3, c:1-4, d:3-9, e:4-5, f:5-9, g:6-8, h:8-11 (start-end frames).
      expect(values).toEqual(['b', 'c', 'e', 'a', 'g', 'd', 'f', 'h']);
      expect(most).toBe(3);
    }));
  });

  describe('timeout (rule 4)', () => {
    it('starts the clock when fn is called, not when the value arrived', marbles((m) => {
      const source = m.cold(' -abc|       ');
      const a = m.cold('       --A|       ');
      const asub = '          -^--!       ';
      const b = m.cold('          --B|    ');
      const bsub = '          ----^--!    ';
      const c = m.cold('             ---- ');
      const csub = '          -------^---!';
      const expected = '      ----A--B---#';

      const inners: Inners = { a, b, c };
      const box: { error?: unknown } = {};
      const result = keepError(source.pipe(unorderedWait((v: string) => inners[v], 4, 1)), box);
      m.expect(result).toBeObservable(expected, undefined, new AsyncTimeoutError('c', 2, 4));
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
      m.flush();
      expect(box.error).toBeInstanceOf(AsyncTimeoutError);
      expect(box.error).toMatchObject({ name: 'AsyncTimeoutError', value: 'c', index: 2, timeout: 4 });
    }));

    it('errors with AsyncTimeoutError at the exact frame, tearing down every inner and the buffer', marbles((m) => {
      const source = m.cold(' -abcd--      ');
      const srcsub = '        ^------!     ';
      const a = m.cold('       --A|        ');
      const asub = '          -^--!        ';
      const b = m.cold('        -------B|  ');
      const bsub = '          --^----!     ';
      const c = m.cold('          ------C| ');
      const csub = '          ----^--!     ';
      const expected = '      ----A--#     ';

      const inners: Inners = { a, b, c, d: m.cold('-D|') };
      const calls: string[] = [];
      const box: { error?: unknown } = {};
      const result = keepError(source.pipe(unorderedWait((v: string) => (calls.push(v), inners[v]), 5, 2)), box);
      m.expect(result).toBeObservable(expected, undefined, new AsyncTimeoutError('b', 1, 5));
      m.expect(source).toHaveSubscriptions(srcsub);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
      m.flush();
      expect(calls).toEqual(['a', 'b', 'c']);
      expect(box.error).toBeInstanceOf(AsyncTimeoutError);
      expect(box.error).toMatchObject({ value: 'b', index: 1, timeout: 5 });
    }));

    it('never times out an entry that completed', marbles((m) => {
      const source = m.cold(' -ab-------|');
      const a = m.cold('       ----A|     ');
      const b = m.cold('        -B|       ');
      const expected = '      ----B-A---|';

      const inners: Inners = { a, b };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], 6))).toBeObservable(expected);
    }));

    it('onTimeout: its result is emitted when the fallback completes', marbles((m) => {
      const source = m.cold(' -abc|        ');
      const a = m.cold('       ---------   ');
      const asub = '          -^----!      ';
      const b = m.cold('        -B|        ');
      const c = m.cold('         -C|       ');
      const expected = '      ----BC(x|)   ';

      const inners: Inners = { a, b, c };
      const result = source.pipe(
        unorderedWait((v: string) => inners[v], { timeout: 5, onTimeout: (v: string, i: number) => of(`${v}${i}`) }),
      );
      m.expect(result).toBeObservable(expected, { x: 'a0', B: 'B', C: 'C' });
      m.expect(a).toHaveSubscriptions(asub);
    }));

    it('onTimeout returning EMPTY drops the element and keeps the stream alive', marbles((m) => {
      const source = m.cold(' -abc|      ');
      const a = m.cold('       --------- ');
      const asub = '          -^----!    ';
      const b = m.cold('        -B|      ');
      const c = m.cold('         -C|     ');
      const expected = '      ----BC|    ';

      const inners: Inners = { a, b, c };
      const result = source.pipe(unorderedWait((v: string) => inners[v], { timeout: 5, onTimeout: () => EMPTY }));
      m.expect(result).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
    }));

    it('does not time the fallback', marbles((m) => {
      const source = m.cold(' -abc|             ');
      const a = m.cold('       ---------        ');
      const asub = '          -^----!           ';
      const fb = m.cold('           -----(x|)   ');
      const fbsub = '         ------^----!      ';
      const b = m.cold('        -B|             ');
      const c = m.cold('         -C|            ');
      const expected = '      ----BC-----(x|)   ';

      const inners: Inners = { a, b, c };
      const result = source.pipe(unorderedWait((v: string) => inners[v], { timeout: 5, onTimeout: () => fb }));
      m.expect(result).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(fb).toHaveSubscriptions(fbsub);
    }));

    it('times out entries that expire at the same frame in start order', marbles((m) => {
      const source = m.cold(' -(abc)--     ');
      const a = m.cold('       ----------  ');
      const asub = '          -^--!        ';
      const b = m.cold('       ----------  ');
      const bsub = '          -^--!        ';
      const c = m.cold('       ----------  ');
      const csub = '          -^--!        ';
      const expected = '      ----(abc)    ';

      const inners: Inners = { a, b, c };
      const result = source.pipe(unorderedWait((v: string) => inners[v], { timeout: 3, onTimeout: (v: string) => of(v) }));
      m.expect(result).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
    }));

    it('an onTimeout that throws errors the output at that frame', marbles((m) => {
      const source = m.cold(' -ab--     ');
      const a = m.cold('       -------- ');
      const asub = '          -^--!     ';
      const b = m.cold('        ------- ');
      const bsub = '          --^-!     ';
      const expected = '      ----#     ';

      const inners: Inners = { a, b };
      const error = new Error('onTimeout failed');
      const onTimeout = () => {
        throw error;
      };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], { timeout: 3, onTimeout }))).toBeObservable(expected, undefined, error);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
    }));

    it('a fallback that errors errors the output', marbles((m) => {
      const source = m.cold(' -a--       ');
      const a = m.cold('       --------  ');
      const asub = '          -^--!      ';
      const fb = m.cold('         --#    ');
      const fbsub = '         ----^-!    ';
      const expected = '      ------#    ';

      const result = source.pipe(unorderedWait(() => a, { timeout: 3, onTimeout: () => fb }));
      m.expect(result).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(fb).toHaveSubscriptions(fbsub);
    }));
  });

  describe('failure (rule 5)', () => {
    it('an inner error errors the output at once, tearing down every inner; buffered values are never called', marbles((m) => {
      const source = m.cold(' -(abcd)--   ');
      const srcsub = '        ^--!        ';
      const a = m.cold('       -----A|    ');
      const asub = '          -^-!        ';
      const b = m.cold('       --#        ');
      const bsub = '          -^-!        ';
      const c = m.cold('       ----C|     ');
      const csub = '          -^-!        ';
      const expected = '      ---#        ';

      const inners: Inners = { a, b, c, d: m.cold('D|') };
      const calls: string[] = [];
      const result = source.pipe(unorderedWait((v: string) => (calls.push(v), inners[v]), Infinity, 3));
      m.expect(result).toBeObservable(expected);
      m.expect(source).toHaveSubscriptions(srcsub);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
      m.flush();
      expect(calls).toEqual(['a', 'b', 'c']);
    }));

    it('onError: its result is emitted as soon as the fallback completes', marbles((m) => {
      const source = m.cold(' -abc|        ');
      const a = m.cold('       ---A|       ');
      const b = m.cold('        -#         ', undefined, new Error('boom'));
      const bsub = '          --^!         ';
      const c = m.cold('         ---C|     ');
      const expected = '      ---y-A-(C|)  ';

      const inners: Inners = { a, b, c };
      const onError = (error: unknown, v: string, i: number) => of(`${v}${i}:${(error as Error).message}`);
      const result = source.pipe(unorderedWait((v: string) => inners[v], { onError }));
      m.expect(result).toBeObservable(expected, { A: 'A', y: 'b1:boom', C: 'C' });
      m.expect(b).toHaveSubscriptions(bsub);
    }));

    it('onError returning EMPTY drops the element', marbles((m) => {
      const source = m.cold(' -abc|        ');
      const a = m.cold('       ---A|       ');
      const b = m.cold('        -#         ');
      const c = m.cold('         ---C|     ');
      const expected = '      -----A-(C|)  ';

      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], { onError: () => EMPTY }))).toBeObservable(expected);
    }));

    it('fn throwing counts as its inner erroring: onError gets the thrown error', marbles((m) => {
      const source = m.cold(' -ab|');
      const expected = '      -xy|';

      const error = new Error('thrown');
      const fn = (v: string) => {
        if (v === 'a') throw error;
        return of(v.toUpperCase());
      };
      const onError = (e: unknown, v: string, i: number) => of(e === error ? `${v}${i}` : 'wrong error');
      m.expect(source.pipe(unorderedWait(fn, { onError }))).toBeObservable(expected, { x: 'a0', y: 'B' });
    }));

    it('an onError that throws errors the output', marbles((m) => {
      const source = m.cold(' -a-');
      const expected = '      --#';

      const error = new Error('onError failed');
      const onError = () => {
        throw error;
      };
      m.expect(source.pipe(unorderedWait(() => m.cold('-#'), { onError }))).toBeObservable(expected, undefined, error);
    }));

    it('fn returning a non-ObservableInput errors the output with rxjs\'s TypeError, without onError', marbles((m) => {
      const source = m.cold(' -a-');
      const expected = '      -#';

      const onError = jest.fn(() => of('fallback'));
      const box: { error?: unknown } = {};
      const result = keepError(source.pipe(unorderedWait(() => 42 as unknown as Observable<string>, { onError })), box);
      m.expect(result).toBeObservable(expected, undefined, rxjsFromError(42));
      m.flush();
      expect(box.error).toBeInstanceOf(TypeError);
      expect(onError).not.toHaveBeenCalled();
    }));
  });

  describe('results (rule 1)', () => {
    it('emits a multi-value result together when its inner completes; an empty result emits nothing', marbles((m) => {
      const source = m.cold(' -abc|        ');
      const a = m.cold('       -x---y|     ');
      const asub = '          -^-----!     ';
      const b = m.cold('        --|        ');
      const bsub = '          --^-!        ';
      const c = m.cold('         -z|       ');
      const csub = '          ---^-!       ';
      const expected = '      -----z-(xy|) ';

      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v]))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
    }));

    it('an empty result frees its slot', marbles((m) => {
      const source = m.cold(' -ab|     ');
      const a = m.cold('       --|     ');
      const asub = '          -^-!     ';
      const b = m.cold('         -B|   ');
      const bsub = '          ---^-!   ';
      const expected = '      -----(B|)';

      const inners: Inners = { a, b };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], Infinity, 1))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
    }));

    it('emits synchronous results (Observables, arrays, iterables) synchronously', marbles((m) => {
      const source = m.cold(' -a-b----(c|)  ');
      const expected = '      -x-(yy)-(zw|)';

      const fn = (v: string) => (v === 'a' ? of('x') : v === 'b' ? ['y', 'y'] : new Set(['z', 'zz']));
      m.expect(source.pipe(unorderedWait(fn))).toBeObservable(expected, { x: 'x', y: 'y', z: 'z', w: 'zz' });
    }));

    it('drops the rest of a result when downstream unsubscribes in the middle of it', marbles((m) => {
      const source = m.cold(' -ab-|');
      const expected = '      -(xy|)';

      const calls: string[] = [];
      const result = source.pipe(unorderedWait((v: string) => (calls.push(v), of('x', 'y', 'z'))), take(2));
      m.expect(result).toBeObservable(expected);
      m.flush();
      expect(calls).toEqual(['a']);
    }));
  });

  describe('source (rule 6)', () => {
    it('a source error errors the output at once and tears down every inner', marbles((m) => {
      const source = m.cold(' -ab-#    ');
      const a = m.cold('       -----A| ');
      const asub = '          -^--!    ';
      const b = m.cold('        ------B|');
      const bsub = '          --^-!    ';
      const expected = '      ----#    ';

      const inners: Inners = { a, b };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v]))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
    }));

    it('completes only once every held entry has been emitted', marbles((m) => {
      const source = m.cold(' -ab|       ');
      const a = m.cold('       -----A|   ');
      const b = m.cold('        -B|      ');
      const expected = '      ----B--(A|)';

      const inners: Inners = { a, b };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v]))).toBeObservable(expected);
    }));

    it('completes only once every buffered value has been called and emitted', marbles((m) => {
      const source = m.cold(' -(ab|)     ');
      const a = m.cold('       ---A|     ');
      const asub = '          -^---!     ';
      const b = m.cold('           --B|  ');
      const bsub = '          -----^--!  ';
      const expected = '      -----A--(B|)';

      const inners: Inners = { a, b };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], Infinity, 1))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
    }));

    it('completes only once a running fallback has completed', marbles((m) => {
      const source = m.cold(' -a|        ');
      const a = m.cold('       ------    ');
      const fb = m.cold('        ---(x|) ');
      const fbsub = '         ---^--!    ';
      const expected = '      ------(x|) ';

      const result = source.pipe(unorderedWait(() => a, { timeout: 2, onTimeout: () => fb }));
      m.expect(result).toBeObservable(expected);
      m.expect(fb).toHaveSubscriptions(fbsub);
    }));
  });

  describe('unsubscription (rule 7)', () => {
    it('tears down every inner at that frame, and fn is never called again', marbles((m) => {
      const source = m.cold(' -abc--d-   ');
      const srcsub = '        ^----!     ';
      const a = m.cold('       ------A|  ');
      const asub = '          -^---!     ';
      const b = m.cold('        -B|      ');
      const bsub = '          --^-!      ';
      const c = m.cold('          ---C|  ');
      const csub = '          ----^!     ';
      const unsub = '         ^----!     ';
      const expected = '      ----B      ';

      const inners: Inners = { a, b, c, d: m.cold('D|') };
      const calls: string[] = [];
      const result = source.pipe(unorderedWait((v: string) => (calls.push(v), inners[v]), Infinity, 2));
      m.expect(result, unsub).toBeObservable(expected);
      m.expect(source).toHaveSubscriptions(srcsub);
      m.expect(a).toHaveSubscriptions(asub);
      m.expect(b).toHaveSubscriptions(bsub);
      m.expect(c).toHaveSubscriptions(csub);
      m.flush();
      expect(calls).toEqual(['a', 'b', 'c']);
    }));

    it('gives every subscription its own state', marbles((m) => {
      const source = m.cold(' -ab|      ');
      const expected1 = '     ---A-(B|)  ';
      const unsub2 = '        --^        ';
      const expected2 = '     -----A-(B|)';

      const result = source.pipe(unorderedWait((v: string) => m.cold('--(x|)', { x: v.toUpperCase() }), Infinity, 1));
      m.expect(result).toBeObservable(expected1);
      m.expect(result, unsub2).toBeObservable(expected2);
    }));
  });

  describe('the rxjs operator checklist', () => {
    it('never: a source that never emits gives an output that never emits', marbles((m) => {
      const fn = jest.fn(() => of('x'));
      m.expect(m.cold('-').pipe(unorderedWait(fn))).toBeObservable('-');
      m.expect(NEVER.pipe(unorderedWait(fn))).toBeObservable('-------');
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('empty: an empty source completes at once', marbles((m) => {
      const fn = jest.fn(() => of('x'));
      m.expect(m.cold('|').pipe(unorderedWait(fn, 5))).toBeObservable('|');
      m.expect(m.cold('---|').pipe(unorderedWait(fn, 5))).toBeObservable('---|');
      m.expect(EMPTY.pipe(unorderedWait(fn))).toBeObservable('|');
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('a single value', marbles((m) => {
      const source = m.cold(' -a|      ');
      const a = m.cold('       --A|    ');
      const asub = '          -^--!    ';
      const expected = '      ----(A|) ';

      m.expect(source.pipe(unorderedWait(() => a, 10))).toBeObservable(expected);
      m.expect(a).toHaveSubscriptions(asub);
    }));

    it('many values', marbles((m) => {
      const source = m.cold(' -abcdef|');
      const expected = '      -abcdef|';

      m.expect(source.pipe(unorderedWait((v: string) => [v], 10, 2))).toBeObservable(expected);
    }));

    it('an erroring source', marbles((m) => {
      const fn = jest.fn(() => of('x'));
      m.expect(m.cold('--#').pipe(unorderedWait(fn))).toBeObservable('--#');
      m.expect(throwError(() => new Error('sync')).pipe(unorderedWait(fn))).toBeObservable('#', undefined, new Error('sync'));
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('a never-ending source: results flow, the output never completes', marbles((m) => {
      const source = m.cold(' -a-b-----');
      const expected = '      ---A-B---';

      m.expect(source.pipe(unorderedWait((v: string) => m.cold('--(x|)', { x: v.toUpperCase() })))).toBeObservable(expected);
    }));

    it('early unsubscription stops the source, every inner and every timer', marbles((m) => {
      const source = m.cold(' -a-b----     ');
      const srcsub = '        ^--!         ';
      const a = m.cold('       ----A|      ');
      const asub = '          -^-!         ';
      const unsub = '         ^--!         ';

      const onTimeout = jest.fn(() => of('late'));
      m.expect(source.pipe(unorderedWait(() => a, { timeout: 3, onTimeout })), unsub).toBeObservable('---');
      m.expect(source).toHaveSubscriptions(srcsub);
      m.expect(a).toHaveSubscriptions(asub);
      m.flush();
      expect(onTimeout).not.toHaveBeenCalled();
    }));

    it('fn throwing errors the output at once with that error and tears down the other inners', marbles((m) => {
      const source = m.cold(' -ab-    ');
      const a = m.cold('       -----A| ');
      const asub = '          -^!      ';
      const expected = '      --#      ';

      const error = new Error('fn failed');
      const fn = (v: string) => {
        if (v === 'b') throw error;
        return a;
      };
      m.expect(source.pipe(unorderedWait(fn))).toBeObservable(expected, undefined, error);
      m.expect(a).toHaveSubscriptions(asub);
    }));
  });

  describe('scheduler', () => {
    it('runs the timeout on the scheduler given as option', marbles((m) => {
      const source = m.cold(' -a|      ');
      const a = m.cold('       ---A|   ');
      const expected = '      -----(A|)';

      // A scheduler that is never flushed: a timeout on it can never fire during the test.
      const frozen = new VirtualTimeScheduler();
      m.expect(source.pipe(unorderedWait(() => a, { timeout: 2, scheduler: frozen }))).toBeObservable(expected);
      m.expect(source.pipe(unorderedWait(() => a, { timeout: 2, scheduler: m.scheduler }))).toBeObservable('---#', undefined, new AsyncTimeoutError('a', 0, 2));
    }));
  });
});
