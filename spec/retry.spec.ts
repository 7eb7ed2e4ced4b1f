import { VirtualTimeScheduler, of, throwError } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncTimeoutError, exponentialDelay, fixedDelay, orderedWait, unorderedWait } from '../lib';
import { marbleSheet } from './support/marbleSheet';

const operators: Array<[string, typeof orderedWait]> = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
];

describe('retry delay helpers', () => {
  it('fixedDelay gives the same delay before every retry', () => {
    const delay = fixedDelay(25);
    expect([1, 2, 3, 10].map(delay)).toEqual([25, 25, 25, 25]);
    expect(fixedDelay(0)(1)).toBe(0);
  });

  it('exponentialDelay gives initial * multiplier^(n-1), capped at max', () => {
    expect([1, 2, 3, 4, 5].map(exponentialDelay({ initial: 100 }))).toEqual([100, 200, 400, 800, 1600]);
    expect([1, 2, 3, 4, 5].map(exponentialDelay({ initial: 100, multiplier: 3, max: 1000 }))).toEqual([
      100, 300, 900, 1000, 1000,
    ]);
    expect([1, 2, 3].map(exponentialDelay({ initial: 5, multiplier: 1 }))).toEqual([5, 5, 5]);
  });

  it('exponentialDelay depends on the retry number alone, not on earlier calls', () => {
    const delay = exponentialDelay({ initial: 10, max: 1000 });
    delay(1);
    delay(2);
    delay(3);
    expect(delay(1)).toBe(10);
    expect(delay(2)).toBe(20);
  });
});

// prettier-ignore
describe.each(operators)('%s retry (rule 8)', (_name, operator) => {
  it('calls fn at most count + 1 times, then errors with the last error', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a-  ',
      a1:       ' -#  ',
      a1sub:    '-^!  ',
      a2:       '  -# ',
      a2sub:    '--^! ',
      a3:       '   -#',
      a3sub:    '---^!',
      expected: '----#',
    }, { errors: { a1: new Error('e1'), a2: new Error('e2'), a3: new Error('e3') } });
    s.expect(operator(s.byAttempt, { retry: { count: 2 } }), undefined, new Error('e3'));
    m.flush();
    expect(s.calls).toEqual(['a1', 'a2', 'a3']);
  }));

  it('emits only the successful attempt\'s values, not those of a failed one', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a|      ',
      a1:       ' -x#     ',
      a1sub:    '-^-!     ',
      a2:       '   -y|   ',
      a2sub:    '---^-!   ',
      expected: '-----(y|)',
    });
    s.expect(operator(s.byAttempt, { retry: { count: 1 } }));
  }));

  it('delay 0 (the default) retries synchronously, for fn throwing and for inners erroring at once', marbles((m) => {
    const source = m.cold(' -ab|');
    const expected = '      -xy|';

    const attempts: string[] = [];
    const fn = (v: string, _i: number, { attempt }: { attempt: number }) => {
      attempts.push(`${v}${attempt}`);
      if (attempt < 3) {
        if (v === 'a') throw new Error('thrown');
        return throwError(() => new Error('errored'));
      }
      return of(v === 'a' ? 'x' : 'y');
    };
    m.expect(source.pipe(operator(fn, { retry: { count: 2 } }))).toBeObservable(expected);
    m.flush();
    expect(attempts).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
  }));

  it('a number delay waits that long on the scheduler before each retry', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a|          ',
      a1:       ' -#          ',
      a1sub:    '-^!          ',
      a2:       '    -#       ',
      a2sub:    '----^!       ',
      a3:       '       -A|   ',
      a3sub:    '-------^-!   ',
      expected: '---------(A|)',
    });
    s.expect(operator(s.byAttempt, { retry: { count: 2, delay: 2 } }));
  }));

  it('fixedDelay(ms) waits the same before every retry', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a|            ',
      a1:       ' -#            ',
      a1sub:    '-^!            ',
      a2:       '     -#        ',
      a2sub:    '-----^!        ',
      a3:       '         -A|   ',
      a3sub:    '---------^-!   ',
      expected: '-----------(A|)',
    });
    s.expect(operator(s.byAttempt, { retry: { count: 2, delay: fixedDelay(3) } }));
  }));

  it('exponentialDelay grows the delay up to its max: 1, 2, 3, 3', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a|                 ',
      a1:       ' -#                 ',
      a1sub:    '-^!                 ',
      a2:       '   -#               ',
      a2sub:    '---^!               ',
      a3:       '      -#            ',
      a3sub:    '------^!            ',
      a4:       '          -#        ',
      a4sub:    '----------^!        ',
      a5:       '              -A|   ',
      a5sub:    '--------------^-!   ',
      expected: '----------------(A|)',
    });
    const delay = exponentialDelay({ initial: 1, multiplier: 2, max: 3 });
    s.expect(operator(s.byAttempt, { retry: { count: 4, delay } }));
  }));

  it('a delay function gets the retry number, 1 for the first retry, and the element\'s index', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a|         ',
      a1:       ' -#         ',
      a1sub:    '-^!         ',
      a2:       '   -#       ',
      a2sub:    '---^!       ',
      a3:       '      -A|   ',
      a3sub:    '------^-!   ',
      expected: '--------(A|)',
    });
    const delay = jest.fn((retry: number) => retry);
    s.expect(operator(s.byAttempt, { retry: { count: 5, delay } }));
    m.flush();
    expect(delay.mock.calls).toEqual([[1, 0], [2, 0]]);
  }));

  it('context.attempt is 1 on the first call and one higher on each retry', marbles((m) => {
    const attempts: number[] = [];
    const fn = (_v: string, _i: number, { attempt }: { attempt: number }) => {
      attempts.push(attempt);
      return attempt < 4 ? m.cold('-#') : m.cold('-(x|)');
    };
    m.expect(m.cold('-a|').pipe(operator(fn, { retry: { count: Infinity, delay: 1 } }))).toBeObservable('--------(x|)');
    m.flush();
    expect(attempts).toEqual([1, 2, 3, 4]);
  }));

  it('count Infinity retries until the call succeeds', marbles((m) => {
    let calls = 0;
    const fn = () => (++calls < 50 ? throwError(() => new Error('not yet')) : of('done'));
    // A timeout bounds the retries (without one, count Infinity with no delay is refused: see options.spec).
    m.expect(m.cold('-a|').pipe(operator(fn, { timeout: 1000, retry: { count: Infinity } }))).toBeObservable('-d|', { d: 'done' });
    m.flush();
    expect(calls).toBe(50);
  }));

  it('ifError: retries the errors it accepts, and gets the error and the value', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a- ',
      a1:       ' -# ',
      a1sub:    '-^! ',
      a2:       '  -#',
      a2sub:    '--^!',
      a3:       '   A|',
      expected: '---#',
    }, { errors: { a1: new Error('transient'), a2: new Error('fatal') } });
    const ifError = jest.fn((error: unknown) => (error as Error).message === 'transient');
    s.expect(operator(s.byAttempt, { retry: { count: 5, ifError } }), undefined, new Error('fatal'));
    m.flush();
    expect(ifError.mock.calls).toEqual([[new Error('transient'), 'a'], [new Error('fatal'), 'a']]);
  }));

  it('ifResult: retries the results it accepts, and gets the result array and the value', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a|        ',
      a1:       ' -|        ',
      a1sub:    '-^!        ',
      a2:       '  -p-q|    ',
      a2sub:    '--^---!    ',
      a3:       '      -(r|)',
      a3sub:    '------^!   ',
      expected: '-------(r|)',
    });
    const ifResult = jest.fn((result: readonly string[]) => result.length < 1 || result[0] === 'p');
    s.expect(operator(s.byAttempt, { retry: { count: 5, ifResult } }));
    m.flush();
    expect(ifResult.mock.calls).toEqual([[[], 'a'], [['p', 'q'], 'a'], [['r'], 'a']]);
  }));

  it('retries exhausted on a result: the last result is emitted', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a|    ',
      a1:       ' -(p|) ',
      a2:       '  -(q|)',
      expected: '---(q|)',
    });
    const ifResult = jest.fn(() => true);
    s.expect(operator(s.byAttempt, { retry: { count: 1, ifResult } }));
    m.flush();
    // Asked only while a retry was left.
    expect(ifResult).toHaveBeenCalledTimes(1);
  }));

  it('retries exhausted on an error: onError gets the last error, the value and the index', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a|    ',
      a1:       ' -#    ',
      a2:       '  -#   ',
      expected: '---(x|)',
    }, { errors: { a1: new Error('e1'), a2: new Error('e2') } });
    const onError = jest.fn((error: unknown, v: string, i: number) => of(`${(error as Error).message}:${v}${i}`));
    s.expect(operator(s.byAttempt, { retry: { count: 1 }, onError }), { x: 'e2:a0' });
    m.flush();
    expect(onError).toHaveBeenCalledTimes(1);
  }));

  it('an entry waiting for its retry holds its slot', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-ab|         ',
      a1:       ' -#          ',
      a2:       '     -A|     ',
      a2sub:    '-----^-!     ',
      b1:       '       -B|   ',
      b1sub:    '-------^-!   ',
      expected: '-------A-(B|)',
    });
    s.expect(operator(s.byAttempt, { capacity: 1, retry: { count: 1, delay: 3 } }));
  }));
});

// prettier-ignore
describe.each(operators)('%s retry and timeout', (_name, operator) => {
  it('no retry starts after the timeout: it fires during the retry delay', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a--------',
      a1:       ' -#       ',
      a1sub:    '-^!       ',
      a2:       '      A|  ',
      expected: '-----#    ',
    });
    s.expect(operator(s.byAttempt, { timeout: 4, retry: { count: 3, delay: 4 } }), undefined, new AsyncTimeoutError('a', 0, 4));
    m.flush();
    expect(s.calls).toEqual(['a1']);
  }));

  it('no retry starts after the timeout: with onTimeout, the fallback is final', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a|      ',
      a1:       ' -#      ',
      a1sub:    '-^!      ',
      a2:       '  ------ ',
      a2sub:    '--^--!   ',
      a3:       '     A|  ',
      expected: '-----(t|)',
    });
    s.expect(operator(s.byAttempt, { timeout: 4, retry: { count: 3 }, onTimeout: () => of('t') }));
    m.flush();
    expect(s.calls).toEqual(['a1', 'a2']);
  }));

  it('the timeout covers every attempt and every retry delay, from the first call', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a--------  ',
      a1:       ' --#        ',
      a1sub:    '-^-!        ',
      a2:       '    --#     ',
      a2sub:    '----^-!     ',
      a3:       '       --#  ',
      a3sub:    '-------^!   ',
      a4:       '         --#',
      expected: '--------#   ',
    });
    s.expect(operator(s.byAttempt, { timeout: 7, retry: { count: 10, delay: 1 } }), undefined, new AsyncTimeoutError('a', 0, 7));
    m.flush();
    expect(s.calls).toEqual(['a1', 'a2', 'a3']);
  }));
});

// prettier-ignore
describe.each(operators)('%s retry failures', (_name, operator) => {
  it.each([
    ['negative', -1, RangeError, '`-1` (number)'],
    ['NaN', NaN, RangeError, '`NaN` (number)'],
    ['Infinity', Infinity, RangeError, '`Infinity` (number)'],
    ['not a number', '5' as unknown as number, TypeError, '`"5"` (string)'],
  ])('a delay function answering %s errors the output when used', (_label, answer, ErrorClass, shown) => {
    marbles((m) => {
      let failure: { frame: number; error: unknown } | undefined;
      m.cold('-a-')
        .pipe(operator(() => m.cold('-#'), { retry: { count: 1, delay: () => answer } }))
        .subscribe({ error: (error: unknown) => (failure = { frame: m.scheduler.now(), error }) });
      m.flush();
      expect(failure?.frame).toBe(2);
      expect(failure?.error).toBeInstanceOf(ErrorClass);
      expect((failure?.error as Error).message).toContain('delay(1)');
      expect((failure?.error as Error).message).toContain(shown);
    })();
  });

  it('a delay function that throws errors the output', marbles((m) => {
    const error = new Error('delay failed');
    const delay = () => {
      throw error;
    };
    m.expect(m.cold('-a-').pipe(operator(() => m.cold('-#'), { retry: { count: 1, delay } }))).toBeObservable('--#', undefined, error);
  }));

  it('an ifError that throws errors the output, without onError', marbles((m) => {
    const error = new Error('ifError failed');
    const ifError = () => {
      throw error;
    };
    const onError = jest.fn(() => of('fallback'));
    m.expect(m.cold('-a-').pipe(operator(() => m.cold('-#'), { retry: { count: 1, ifError }, onError }))).toBeObservable('--#', undefined, error);
    m.flush();
    expect(onError).not.toHaveBeenCalled();
  }));

  it('an ifResult that throws errors the output', marbles((m) => {
    const error = new Error('ifResult failed');
    const ifResult = () => {
      throw error;
    };
    m.expect(m.cold('-a-').pipe(operator(() => m.cold('-(x|)'), { retry: { count: 1, ifResult } }))).toBeObservable('--#', undefined, error);
  }));

  it('unsubscribing during a retry delay cancels the retry', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a---- ',
      a1:       ' -#    ',
      a2:       '     A|',
      unsub:    '^--!   ',
      expected: '---    ',
    });
    s.expect(operator(s.byAttempt, { retry: { count: 1, delay: 3 } }));
    m.flush();
    expect(s.calls).toEqual(['a1']);
  }));

  it('a source error during a retry delay cancels the retry', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a-#   ',
      a1:       ' -#    ',
      a2:       '     A|',
      expected: '---#   ',
    });
    s.expect(operator(s.byAttempt, { retry: { count: 1, delay: 3 } }));
    m.flush();
    expect(s.calls).toEqual(['a1']);
  }));
});

// prettier-ignore
describe('retry delays are per element', () => {
  it('unorderedWait: a later element starts its own back-off at retry 1', marbles((m) => {
    const source = m.cold(' -a---b|              ');
    const a4 = m.cold('                -A|         ');
    const a4sub = '         -----------^-!         ';
    const b2 = m.cold('            -B|             ');
    const b2sub = '         -------^-!             ';
    const expected = '      ---------B---(A|)     ';

    const delay = jest.fn(exponentialDelay({ initial: 1 }));
    const fn = (v: string, _i: number, { attempt }: { attempt: number }) => {
      if (v === 'a') return attempt < 4 ? m.cold('-#') : a4;
      return attempt < 2 ? m.cold('-#') : b2;
    };
    m.expect(source.pipe(unorderedWait(fn, { retry: { count: 5, delay } }))).toBeObservable(expected);
    m.expect(a4).toHaveSubscriptions(a4sub);
    m.expect(b2).toHaveSubscriptions(b2sub);
    m.flush();
    // a: retries 1 and 2 (at frames 2 and 4), b: retry 1 (frame 6), a: retry 3 (frame 7).
    expect(delay.mock.calls).toEqual([[1, 0], [2, 0], [1, 1], [3, 0]]);
  }));

  it('orderedWait: the same, with the faster element waiting behind', marbles((m) => {
    const source = m.cold(' -a---b|             ');
    const expected = '      -------------(AB|)';

    const fn = (v: string, _i: number, { attempt }: { attempt: number }) => {
      if (v === 'a') return attempt < 4 ? m.cold('-#') : m.cold('-A|');
      return attempt < 2 ? m.cold('-#') : m.cold('-B|');
    };
    m.expect(source.pipe(orderedWait(fn, { retry: { count: 5, delay: exponentialDelay({ initial: 1 }) } }))).toBeObservable(expected);
  }));
});

describe('retry delays on the scheduler given as option', () => {
  it("waits for the retry delay in that scheduler's time", () => {
    const scheduler = new VirtualTimeScheduler();
    const calledAt: number[] = [];
    const values: string[] = [];
    of('a')
      .pipe(
        orderedWait(
          (_v: string, _i, { attempt }) => {
            calledAt.push(scheduler.now());
            return attempt === 1 ? throwError(() => new Error('first')) : of('ok');
          },
          { retry: { count: 1, delay: 100 }, scheduler },
        ),
      )
      .subscribe((v) => values.push(v));
    expect(calledAt).toEqual([0]);
    scheduler.flush();
    expect(calledAt).toEqual([0, 100]);
    expect(values).toEqual(['ok']);
  });
});
