import { EMPTY, NEVER, Observable, VirtualTimeScheduler, asyncScheduler, from, of, take, tap, throwError } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncTimeoutError, orderedWait, unorderedWait } from '../lib';
import { marbleSheet, type Sheet } from './support/marbleSheet';

// The cases both operators run: most must come out alike, frame for frame; where only the order
// results leave in differs, the sheet has an expected line for each operator, side by side. Cases
// that only one operator needs are in its own spec.

const operators = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const;

type Name = (typeof operators)[number][0];

/** A sheet whose inputs both operators share, with an expected line for each; keeps the one of `name`. */
function expectedOf(name: Name, sheet: { source: string } & Record<Name, string> & Record<string, string>): Sheet {
  const { orderedWait: ordered, unorderedWait: unordered, ...inputs } = sheet;
  return { ...inputs, source: sheet.source, expected: name === 'orderedWait' ? ordered : unordered };
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
describe.each(operators)('%s', (name, operator) => {
  describe('the marble diagrams of its TSDoc', () => {
    it('config form with barriers: a barrier leaves in its place, after the results before it', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-a-W-----b--|',
        a:        ' ---A|       ',
        asub:     '-^---!       ',
        b:        '         -B| ',
        bsub:     '---------^-! ',
        expected: '-----(AW)--B|',
      });
      s.expect(operator(s.fn, { isBarrier: (v: string): v is 'W' => v === 'W' }));
      m.flush();
      expect(s.calls).toEqual(['a', 'b']);
    }));
  });

  describe('order (rule 2)', () => {
    it('capacity 1: one call at a time, in source order, each started when the previous result has left', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|      ',
        a:        ' --A|      ',
        asub:     '-^--!      ',
        b:        '    -B|    ',
        bsub:     '----^-!    ',
        c:        '      (C|) ',
        csub:     '------(^!) ',
        expected: '----A-(BC|)',
      });
      s.expect(operator(s.fn, Infinity, 1));
    }));

    it('capacity Infinity: every call starts at once; orderedWait reorders the results, unorderedWait emits them as they complete', marbles((m) => {
      const s = marbleSheet(m, expectedOf(name, {
        source:        '-abc|          ',
        a:             ' -------A|     ',
        asub:          '-^-------!     ',
        b:             '  --B|         ',
        bsub:          '--^--!         ',
        c:             '   -C|         ',
        csub:          '---^-!         ',
        orderedWait:   '---------(ABC|)',
        unorderedWait: '-----(BC)(A|)  ',
      }));
      s.expect(operator(s.fn, Infinity, Infinity));
    }));

    it('passes the source index, which is also the call order', marbles((m) => {
      const source = m.cold(' -abc|');
      const calls: string[] = [];
      const result = source.pipe(
        operator((v: string, i: number) => {
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
    it('starts buffered values in arrival order (FIFO) as slots free up', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-(abc)d|     ',
        a:        ' -A|         ',
        asub:     '-^-!         ',
        b:        '   -B|       ',
        bsub:     '---^-!       ',
        c:        '     -C|     ',
        csub:     '-----^-!     ',
        d:        '       -D|   ',
        dsub:     '-------^-!   ',
        expected: '---A-B-C-(D|)',
      });
      s.expect(operator(s.fn, Infinity, 1));
    }));

    it('never holds more than capacity calls in flight', marbles((m) => {
      const source = m.cold('-(abcdefgh)-|');
      const durations: Record<string, string> = { a: '----x|', b: '-x|', c: '--x|', d: '-----x|', e: 'x|', f: '---x|', g: '-x|', h: '--x|' };
      let running = 0;
      let most = 0;
      const result = source.pipe(
        operator((v: string) => {
          running++;
          most = Math.max(most, running);
          return m.cold(durations[v], { x: v }).pipe(tap({ finalize: () => running-- }));
        }, Infinity, 3),
      );
      const values: string[] = [];
      result.subscribe((v) => values.push(v));
      m.flush();
      const leaveOrder = {
        orderedWait: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
        // a:1-6, b:1-3, c:1-4, d:3-9, e:4-5, f:5-9, g:6-8, h:8-11 (start-end frames).
        unorderedWait: ['b', 'c', 'e', 'a', 'g', 'd', 'f', 'h'],
      };
      expect(values).toEqual(leaveOrder[name]);
      expect(most).toBe(3);
    }));
  });

  describe('timeout (rule 4)', () => {
    it('starts the clock when fn is called, not when the value arrived', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|       ',
        a:        ' --A|       ',
        asub:     '-^--!       ',
        b:        '    --B|    ',
        bsub:     '----^--!    ',
        c:        '       ---- ',
        csub:     '-------^---!',
        expected: '----A--B---#',
      });
      s.expect(operator(s.fn, 4, 1), undefined, new AsyncTimeoutError('c', 2, 4));
      m.flush();
      expect(s.error).toBeInstanceOf(AsyncTimeoutError);
      expect(s.error).toMatchObject({ name: 'AsyncTimeoutError', value: 'c', index: 2, timeout: 4 });
    }));

    it('errors with AsyncTimeoutError at the exact frame, tearing down every inner and the buffer', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abcd--     ',
        srcsub:   '^------!    ',
        a:        ' --A|       ',
        asub:     '-^--!       ',
        b:        '  -------B| ',
        bsub:     '--^----!    ',
        c:        '    ------C|',
        csub:     '----^--!    ',
        d:        '    -D|     ',
        expected: '----A--#    ',
      });
      s.expect(operator(s.fn, 5, 2), undefined, new AsyncTimeoutError('b', 1, 5));
      m.flush();
      expect(s.calls).toEqual(['a', 'b', 'c']);
      expect(s.error).toBeInstanceOf(AsyncTimeoutError);
      expect(s.error).toMatchObject({ value: 'b', index: 1, timeout: 5 });
      expect((s.error as Error).message).toBe('Async call for the element at index 1 did not complete within 5 ms');
    }));

    it('onTimeout: its result takes the entry\'s place in orderedWait, leaves when the fallback completes in unorderedWait', marbles((m) => {
      const s = marbleSheet(m, expectedOf(name, {
        source:        '-abc|       ',
        a:             ' ---------  ',
        asub:          '-^----!     ',
        b:             '  -B|       ',
        bsub:          '--^-!       ',
        c:             '   -C|      ',
        csub:          '---^-!      ',
        orderedWait:   '------(xBC|)',
        unorderedWait: '----BC(x|)  ',
      }));
      s.expect(operator(s.fn, { timeout: 5, onTimeout: (v: string, i: number) => of(`${v}${i}`) }), { x: 'a0', B: 'B', C: 'C' });
    }));

    it('onTimeout returning EMPTY drops the element and keeps the stream alive', marbles((m) => {
      const s = marbleSheet(m, expectedOf(name, {
        source:        '-abc|      ',
        a:             ' --------- ',
        asub:          '-^----!    ',
        b:             '  -B|      ',
        c:             '   -C|     ',
        orderedWait:   '------(BC|)',
        unorderedWait: '----BC|    ',
      }));
      s.expect(operator(s.fn, { timeout: 5, onTimeout: () => EMPTY }));
    }));

    it('does not time the fallback; in orderedWait later results wait for it', marbles((m) => {
      const s = marbleSheet(m, expectedOf(name, {
        source:        '-abc|            ',
        a:             ' ---------       ',
        asub:          '-^----!          ',
        fb:            '      -----(x|)  ',
        fbsub:         '------^----!     ',
        b:             '  -B|            ',
        c:             '   -C|           ',
        orderedWait:   '-----------(xBC|)',
        unorderedWait: '----BC-----(x|)  ',
      }));
      s.expect(operator(s.fn, { timeout: 5, onTimeout: () => s.inners.fb }));
    }));

    it('an onTimeout that throws errors the output at that frame', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-ab--    ',
        a:        ' --------',
        asub:     '-^--!    ',
        b:        '  -------',
        bsub:     '--^-!    ',
        expected: '----#    ',
      });
      const error = new Error('onTimeout failed');
      const onTimeout = () => {
        throw error;
      };
      s.expect(operator(s.fn, { timeout: 3, onTimeout }), undefined, error);
    }));

    it('a fallback that errors errors the output', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-a--     ',
        a:        ' --------',
        asub:     '-^--!    ',
        fb:       '    --#  ',
        fbsub:    '----^-!  ',
        expected: '------#  ',
      });
      s.expect(operator(() => s.inners.a, { timeout: 3, onTimeout: () => s.inners.fb }));
    }));
  });

  describe('failure (rule 5)', () => {
    it('an inner error errors the output at once, tearing down every inner; buffered values are never called', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-(abcd)--',
        srcsub:   '^--!     ',
        a:        ' -----A| ',
        asub:     '-^-!     ',
        b:        ' --#     ',
        bsub:     '-^-!     ',
        c:        ' ----C|  ',
        csub:     '-^-!     ',
        d:        ' D|      ',
        expected: '---#     ',
      });
      s.expect(operator(s.fn, Infinity, 3));
      m.flush();
      expect(s.calls).toEqual(['a', 'b', 'c']);
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
      m.expect(source.pipe(operator(fn, { onError }))).toBeObservable(expected, { x: 'a0', y: 'B' });
    }));

    it('an onError that throws errors the output', marbles((m) => {
      const source = m.cold(' -a-');
      const expected = '      --#';

      const error = new Error('onError failed');
      const onError = () => {
        throw error;
      };
      m.expect(source.pipe(operator(() => m.cold('-#'), { onError }))).toBeObservable(expected, undefined, error);
    }));

    it.each([null, 42])('fn returning a non-ObservableInput (%p) errors the output with rxjs\'s TypeError, without onError', (value) => {
      marbles((m) => {
        const s = marbleSheet(m, {
          source:   '-a-',
          expected: '-# ',
        });
        const onError = jest.fn(() => of('fallback'));
        s.expect(operator(() => value as unknown as Observable<string>, { onError }), undefined, rxjsFromError(value));
        m.flush();
        expect(s.error).toBeInstanceOf(TypeError);
        expect((s.error as Error).message).toMatch(/where a stream was expected/);
        expect(onError).not.toHaveBeenCalled();
      })();
    });
  });

  describe('results (rule 1)', () => {
    it('an empty result frees its slot', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-ab|     ',
        a:        ' --|     ',
        asub:     '-^-!     ',
        b:        '   -B|   ',
        bsub:     '---^-!   ',
        expected: '-----(B|)',
      });
      s.expect(operator(s.fn, Infinity, 1));
    }));

    it('emits synchronous results (Observables, arrays, iterables) synchronously', marbles((m) => {
      const source = m.cold(' -a-b----(c|)  ');
      const expected = '      -x-(yy)-(zw|)';

      const fn = (v: string) => (v === 'a' ? of('x') : v === 'b' ? ['y', 'y'] : new Set(['z', 'zz']));
      m.expect(source.pipe(operator(fn))).toBeObservable(expected, { x: 'x', y: 'y', z: 'z', w: 'zz' });
    }));

    it('drops the rest of a result when downstream unsubscribes in the middle of it', marbles((m) => {
      const source = m.cold(' -ab-|');
      const expected = '      -(xy|)';

      const calls: string[] = [];
      const result = source.pipe(operator((v: string) => (calls.push(v), of('x', 'y', 'z'))), take(2));
      m.expect(result).toBeObservable(expected);
      m.flush();
      expect(calls).toEqual(['a']);
    }));
  });

  describe('source (rule 6)', () => {
    it('completes only once every held entry has been emitted', marbles((m) => {
      const s = marbleSheet(m, expectedOf(name, {
        source:        '-ab|        ',
        a:             ' -----A|    ',
        b:             '  -B|       ',
        orderedWait:   '-------(AB|)',
        unorderedWait: '----B--(A|) ',
      }));
      s.expect(operator(s.fn));
    }));

    it('a source error errors the output at once and tears down every inner', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-ab-#     ',
        a:        ' -----A|  ',
        asub:     '-^--!     ',
        b:        '  ------B|',
        bsub:     '--^-!     ',
        expected: '----#     ',
      });
      s.expect(operator(s.fn));
    }));

    it('completes only once every buffered value has been called and emitted', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-(ab|)      ',
        a:        ' ---A|      ',
        asub:     '-^---!      ',
        b:        '     --B|   ',
        bsub:     '-----^--!   ',
        expected: '-----A--(B|)',
      });
      s.expect(operator(s.fn, Infinity, 1));
    }));

    it('completes only once a running fallback has completed', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-a|       ',
        a:        ' ------   ',
        fb:       '   ---(x|)',
        fbsub:    '---^--!   ',
        expected: '------(x|)',
      });
      s.expect(operator(() => s.inners.a, { timeout: 2, onTimeout: () => s.inners.fb }));
    }));
  });

  describe('unsubscription (rule 7)', () => {
    it('gives every subscription its own state', marbles((m) => {
      const source = m.cold(' -ab|      ');
      const expected1 = '     ---A-(B|)  ';
      const unsub2 = '        --^        ';
      const expected2 = '     -----A-(B|)';

      const result = source.pipe(operator((v: string) => m.cold('--(x|)', { x: v.toUpperCase() }), Infinity, 1));
      m.expect(result).toBeObservable(expected1);
      m.expect(result, unsub2).toBeObservable(expected2);
    }));
  });

  describe('the rxjs operator checklist', () => {
    it('never: a source that never emits gives an output that never emits', marbles((m) => {
      const fn = jest.fn(() => of('x'));
      m.expect(m.cold('-').pipe(operator(fn))).toBeObservable('-');
      m.expect(NEVER.pipe(operator(fn))).toBeObservable('-------');
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('empty: an empty source completes at once', marbles((m) => {
      const fn = jest.fn(() => of('x'));
      m.expect(m.cold('|').pipe(operator(fn, 5))).toBeObservable('|');
      m.expect(m.cold('---|').pipe(operator(fn, 5))).toBeObservable('---|');
      m.expect(EMPTY.pipe(operator(fn))).toBeObservable('|');
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('a single value', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-a|     ',
        a:        ' --A|   ',
        asub:     '-^--!   ',
        expected: '----(A|)',
      });
      s.expect(operator(() => s.inners.a, 10));
    }));

    it('many values', marbles((m) => {
      const source = m.cold(' -abcdef|');
      const expected = '      -abcdef|';

      m.expect(source.pipe(operator((v: string) => [v], 10, 2))).toBeObservable(expected);
    }));

    it('an erroring source', marbles((m) => {
      const fn = jest.fn(() => of('x'));
      m.expect(m.cold('--#').pipe(operator(fn))).toBeObservable('--#');
      m.expect(throwError(() => new Error('sync')).pipe(operator(fn))).toBeObservable('#', undefined, new Error('sync'));
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('a never-ending source: results flow, the output never completes', marbles((m) => {
      const source = m.cold(' -a-b-----');
      const expected = '      ---A-B---';

      m.expect(source.pipe(operator((v: string) => m.cold('--(x|)', { x: v.toUpperCase() })))).toBeObservable(expected);
    }));

    it('early unsubscription stops the source, every inner and every timer', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-a-b----',
        srcsub:   '^--!    ',
        a:        ' ----A| ',
        asub:     '-^-!    ',
        unsub:    '^--!    ',
        expected: '---     ',
      });
      const onTimeout = jest.fn(() => of('late'));
      s.expect(operator(() => s.inners.a, { timeout: 3, onTimeout }));
      m.flush();
      expect(onTimeout).not.toHaveBeenCalled();
    }));

    it('fn throwing errors the output at once with that error and tears down the other inners', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-ab-    ',
        a:        ' -----A|',
        asub:     '-^!     ',
        expected: '--#     ',
      });
      const error = new Error('fn failed');
      const fn = (v: string) => {
        if (v === 'b') throw error;
        return s.inners.a;
      };
      s.expect(operator(fn), undefined, error);
    }));
  });

  describe('scheduler', () => {
    it('runs the timeout on the scheduler given as option', marbles((m) => {
      const source = m.cold(' -a|      ');
      const a = m.cold('       ---A|   ');
      const expected = '      -----(A|)';

      // A scheduler that is never flushed: a timeout on it can never fire during the test.
      const frozen = new VirtualTimeScheduler();
      m.expect(source.pipe(operator(() => a, { timeout: 2, scheduler: frozen }))).toBeObservable(expected);
      m.expect(source.pipe(operator(() => a, { timeout: 2, scheduler: m.scheduler }))).toBeObservable('---#', undefined, new AsyncTimeoutError('a', 0, 2));
    }));

    it('times out in the given scheduler\'s time, outside any TestScheduler run', () => {
      const scheduler = new VirtualTimeScheduler();
      let error: unknown;
      let abortedAt = -1;
      of('a')
        .pipe(
          operator(
            (_v, _i, { signal }) => {
              signal.addEventListener('abort', () => (abortedAt = scheduler.now()));
              return NEVER;
            },
            { timeout: 50, scheduler },
          ),
        )
        .subscribe({ error: (e: unknown) => (error = e) });
      expect(error).toBeUndefined();
      scheduler.flush();
      expect(error).toBeInstanceOf(AsyncTimeoutError);
      expect(abortedAt).toBe(50);
    });

    it('uses asyncScheduler by default', () => {
      const schedule = jest.spyOn(asyncScheduler, 'schedule');
      try {
        const subscription = of('a').pipe(operator(() => NEVER, 1000)).subscribe();
        // The deadline's check: 1000 ms after the call's start, which is stamped in whole ms rounded
        // up on the monotonic clock (so never early), hence up to 1 ms more.
        expect(schedule).toHaveBeenCalledTimes(1);
        const delay = schedule.mock.calls[0][1]!;
        expect(delay >= 1000 && delay < 1001).toBe(true);
        subscription.unsubscribe();
      } finally {
        schedule.mockRestore();
      }
    });
  });
});
