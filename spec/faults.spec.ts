import { asyncScheduler, map, NEVER, observeOn, of, Subject, switchMap, throwError, timer } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import {
  AsyncTimeoutError,
  AsyncWaitMonitor,
  exponentialDelay,
  orderedWait,
  unorderedWait,
  type AsyncContext,
} from '../lib';
import { collect, record } from './support/outputs';

// The five fault kinds of issue 9 (and the context object), each pinned to the right value. Every
// case runs for both operators; timing cases in virtual time, wall-clock cases in real time with
// assertions that hold at any machine speed (never early; no upper bounds).

const operators = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const;

/** Thenables and inputs that throw while being taken. */
const throwingInputs: Array<[string, () => unknown]> = [
  [
    'a thenable whose then throws',
    () => ({
      then: () => {
        throw new Error('x');
      },
    }),
  ],
  [
    'a thenable whose then getter throws',
    () =>
      Object.defineProperty({}, 'then', {
        get() {
          throw new Error('x');
        },
      }),
  ],
  [
    'a revoked Proxy',
    () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    },
  ],
  [
    'an iterable whose iterator throws',
    () => ({
      [Symbol.iterator]() {
        throw new Error('x');
      },
    }),
  ],
];

describe.each(operators)('%s: fault kinds', (_name, operator) => {
  describe('1. an ObservableInput that throws while being taken is a failed attempt', () => {
    it.each(throwingInputs)('%s: retry and onError apply; nothing is thrown into the producer', (_kind, make) => {
      const source = new Subject<number>();
      const { log, observer } = record<number | string>();
      source
        .pipe(
          operator<number, number | string>((v) => (v === 1 ? (make() as never) : [v]), {
            onError: () => ['fallback'],
          }),
        )
        .subscribe(observer);
      for (const v of [0, 1, 2, 3]) expect(() => source.next(v)).not.toThrow();
      source.complete();
      expect(log).toEqual({ values: [0, 'fallback', 2, 3], error: undefined, completed: true });
    });

    it('is retried like any failure', () => {
      const calls: number[] = [];
      const { log, observer } = record<string>();
      of('a')
        .pipe(
          operator(
            (_v: string, _i: number, { attempt }: AsyncContext) => {
              calls.push(attempt);
              return attempt === 1 ? (throwingInputs[0][1]() as never) : ['A'];
            },
            { retry: { count: 1 } },
          ),
        )
        .subscribe(observer);
      expect(calls).toEqual([1, 2]);
      expect(log).toEqual({ values: ['A'], error: undefined, completed: true });
    });

    it(
      'from a retry timer: the fallback, no uncaught exception',
      marbles((m) => {
        const fn = (_v: string, _i: number, { attempt }: AsyncContext) =>
          attempt === 1 ? m.cold('-#') : (throwingInputs[0][1]() as never);
        const out = m.cold('a|').pipe(operator(fn, { retry: { count: 1, delay: 3 }, onError: () => ['F'] }));
        m.expect(out).toBeObservable('----(F|)');
      }),
    );

    it(
      'from onTimeout: the output errors with what the fallback threw',
      marbles((m) => {
        const out = m
          .cold('a|')
          .pipe(operator(() => NEVER, { timeout: 3, onTimeout: () => throwingInputs[0][1]() as never }));
        m.expect(out).toBeObservable('---#', undefined, new Error('x'));
      }),
    );

    it('from a Promise settlement: the fallback, and no unhandled rejection', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const fn = (_v: string, _i: number, { attempt }: AsyncContext) =>
          attempt === 1 ? Promise.reject(new Error('first')) : (throwingInputs[0][1]() as never);
        const values = await collect(of('a').pipe(operator(fn, { retry: { count: 1 }, onError: () => ['F'] })));
        await new Promise((resolve) => setImmediate(resolve));
        expect({ values, unhandled }).toEqual({ values: ['F'], unhandled: [] });
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('a thenable that settles and then throws keeps its settlement (Promises/A+ 2.3.3.3.4.1)', () => {
      const { log, observer } = record<string>();
      const thenable = {
        then(resolve: (v: string) => void) {
          resolve('A');
          throw new Error('ignored');
        },
      };
      of('a')
        .pipe(operator<string, string>(() => thenable as never))
        .subscribe(observer);
      return Promise.resolve().then(() => expect(log).toEqual({ values: ['A'], error: undefined, completed: true }));
    });

    it('a native Promise with a then of its own is taken through that then, read once (Promises/A+ 2.3.3.1)', async () => {
      const promise = Promise.resolve('native') as Promise<string> & { then: Promise<string>['then'] };
      let reads = 0;
      let calls = 0;
      const own: Promise<string>['then'] = function (this: Promise<string>, ...args) {
        calls++;
        return Promise.prototype.then.apply(this, args as never) as never;
      };
      // A getter, so that reads are counted: the engine reads `then` once, then calls what it read.
      Object.defineProperty(promise, 'then', {
        get: () => {
          reads++;
          return own;
        },
      });
      const values = await collect(of('a').pipe(operator(() => promise)));
      expect({ values, reads, calls }).toEqual({ values: ['native'], reads: 1, calls: 1 });
    });

    it('a native Promise whose then getter answers the intrinsic once is read once (Promises/A+ 2.3.3.1)', async () => {
      let reads = 0;
      const promise = Promise.resolve('once');
      Object.defineProperty(promise, 'then', {
        get: () => {
          if (reads++ === 0) return Promise.prototype.then;
          throw new Error('read twice');
        },
      });
      const values = await collect(of('a').pipe(operator(() => promise)));
      expect({ values, reads }).toEqual({ values: ['once'], reads: 1 });
    });

    it('something that is no ObservableInput still errors the output (a bug in fn, not a failed call)', () => {
      const { log, observer } = record<string>();
      of('a')
        .pipe(operator(() => 42 as never, { retry: { count: 3 }, onError: () => ['F'] }))
        .subscribe(observer);
      expect(log.error).toBeInstanceOf(TypeError);
      expect(log.values).toEqual([]);
    });
  });

  describe('2. the timeout bounds immediate retries', () => {
    const failingAtOnce: Array<[string, () => unknown]> = [
      [
        'fn throws',
        () => {
          throw new Error('down');
        },
      ],
      ['throwError', () => throwError(() => new Error('down'))],
      ['a rejected Promise', () => Promise.reject(new Error('down'))],
    ];

    it.each(failingAtOnce)('%s, count Infinity, no delay: times out at its deadline, not later', async (_k, fail) => {
      const started = performance.now();
      const out = of('a').pipe(
        operator(fail as never, { timeout: 50, retry: { count: Infinity }, onTimeout: () => of('gave up') }),
      );
      expect(await collect(out)).toEqual(['gave up']);
      // Never early (a monotonic clock); no upper bound, which would measure the machine.
      expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    });

    it('ifResult rejecting an empty result, count Infinity, no delay: times out', async () => {
      const out = of('a').pipe(
        operator(() => [] as string[], {
          timeout: 50,
          retry: { count: Infinity, ifResult: (r) => r.length === 0 },
          onTimeout: () => of('gave up'),
        }),
      );
      expect(await collect(out)).toEqual(['gave up']);
    });

    it(
      'in virtual time, attempts that take time are retried until the deadline',
      marbles((m) => {
        const out = m
          .cold('a|')
          .pipe(operator(() => m.cold('-#'), { timeout: 5, retry: { count: Infinity }, onTimeout: () => ['T'] }));
        m.expect(out).toBeObservable('-----(T|)');
      }),
    );

    it('count Infinity with neither a timeout nor a delay > 0 is a RangeError at creation', () => {
      expect(() => operator(() => of(1), { retry: { count: Infinity } })).toThrow(RangeError);
      expect(() => operator(() => of(1), { retry: { count: Infinity, delay: 0 } })).toThrow(
        /`config.retry.count` to be finite unless a `timeout` or a `delay` > 0 bounds the retries/,
      );
      expect(() => operator(() => of(1), { retry: { count: Infinity, delay: 1 } })).not.toThrow();
      expect(() => operator(() => of(1), { timeout: 10, retry: { count: Infinity } })).not.toThrow();
    });
  });

  describe('3. real-time deadlines follow a monotonic clock, not the wall clock', () => {
    const HOUR = 3_600_000;
    afterEach(() => jest.restoreAllMocks());

    it('the wall clock stepped back 1 h while a call hangs: the timeout still fires after `timeout` ms', async () => {
      const realNow = Date.now.bind(Date);
      let offset = 0;
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
      const started = performance.now();
      const result = collect(of('a').pipe(operator(() => NEVER, { timeout: 100, onTimeout: () => ['T'] })));
      offset = -HOUR;
      expect(await result).toEqual(['T']);
      expect(performance.now() - started).toBeGreaterThanOrEqual(99);
    });

    it('the wall clock stepped forward 1 h: a call that answers inside its timeout is not timed out', async () => {
      const realNow = Date.now.bind(Date);
      let offset = 0;
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
      const result = collect(
        of('a').pipe(operator(() => timer(50).pipe(map(() => 'A')), { timeout: 1000, onTimeout: () => ['T'] })),
      );
      offset = HOUR;
      // The answer's timer is due long before the deadline's, so it fires first at any speed.
      expect(await result).toEqual(['A']);
    });
  });

  describe('4. delays above 2^31-1 ms', () => {
    const DAYS_30 = 30 * 24 * 3_600_000;

    it(
      'a 30-day timeout fires after 30 days, in virtual time',
      marbles((m) => {
        const out = m.cold('a|').pipe(operator(() => NEVER, { timeout: DAYS_30, onTimeout: () => ['T'] }));
        m.expect(out).toBeObservable(`${DAYS_30}ms (T|)`);
      }),
    );

    it(
      'a 30-day retry delay waits 30 days',
      marbles((m) => {
        const fn = (_v: string, _i: number, { attempt }: AsyncContext) => (attempt === 1 ? m.cold('#') : ['A']);
        m.expect(m.cold('a|').pipe(operator(fn, { retry: { count: 1, delay: DAYS_30 } }))).toBeObservable(
          `${DAYS_30}ms (A|)`,
        );
      }),
    );

    it(
      'exponentialDelay without max at retry 27 (3,355,443,200 ms = 100 · 2^25) waits that long',
      marbles((m) => {
        const delay = exponentialDelay({ initial: 100 });
        expect(delay(26)).toBe(3_355_443_200);
        let total = 0;
        for (let n = 1; n <= 26; n++) total += delay(n);
        const fn = (_v: string, _i: number, { attempt }: AsyncContext) => (attempt <= 26 ? m.cold('#') : ['A']);
        m.expect(m.cold('a|').pipe(operator(fn, { retry: { count: 26, delay } }))).toBeObservable(`${total}ms (A|)`);
      }),
    );

    it('in real time: no TimeoutOverflowWarning and no timer above 2^31-1 ms', async () => {
      const warnings: Error[] = [];
      const onWarning = (w: Error) => void warnings.push(w);
      process.on('warning', onWarning);
      const schedule = jest.spyOn(asyncScheduler, 'schedule');
      try {
        const subscription = of('a')
          .pipe(operator(() => NEVER, { timeout: DAYS_30 }))
          .subscribe();
        await new Promise((resolve) => setTimeout(resolve, 20));
        subscription.unsubscribe();
        const delays = schedule.mock.calls.map((c) => c[1] ?? 0);
        expect({ warnings, delays }).toEqual({ warnings: [], delays: [2 ** 31 - 1] });
      } finally {
        schedule.mockRestore();
        process.off('warning', onWarning);
      }
    });
  });

  describe('5. the inclusive deadline, exactly', () => {
    // The rule (docs/semantics.md): the check of a deadline due now runs a second time after the
    // work already scheduled for that moment; a result delivered by work that such work
    // schedules for the same moment (one more zero-delay hop) is late.
    it(
      'a result at the deadline counts when its own timer delivers it',
      marbles((m) => {
        const inner = () =>
          timer(2).pipe(
            switchMap(() => timer(2)),
            map(() => 'A'),
          );
        m.expect(m.cold('a|').pipe(operator(inner, { timeout: 4, onTimeout: () => ['T'] }))).toBeObservable('----(A|)');
      }),
    );

    it(
      'a result that reaches the deadline through a further zero-delay hop is late',
      marbles((m) => {
        const inner = () =>
          timer(2).pipe(
            switchMap(() => timer(2)),
            map(() => 'A'),
            observeOn(asyncScheduler),
          );
        m.expect(m.cold('a|').pipe(operator(inner, { timeout: 4, onTimeout: () => ['T'] }))).toBeObservable('----(T|)');
      }),
    );
  });

  describe('6. the signal says why it was aborted', () => {
    it(
      'timeout: the AsyncTimeoutError',
      marbles((m) => {
        const reasons: unknown[] = [];
        const fn = (_v: string, _i: number, { signal }: AsyncContext) => {
          signal.addEventListener('abort', () => reasons.push(signal.reason));
          return NEVER;
        };
        m.expect(m.cold('a|').pipe(operator(fn, { timeout: 2, onTimeout: () => ['T'] }))).toBeObservable('--(T|)');
        m.flush();
        expect(reasons).toHaveLength(1);
        expect(reasons[0]).toBeInstanceOf(AsyncTimeoutError);
        expect(reasons[0]).toMatchObject({ index: 0, value: 'a', timeout: 2 });
      }),
    );

    it('failure for good: the error it failed with', () => {
      const error = new Error('down');
      let reason: unknown;
      const fn = (_v: string, _i: number, { signal }: AsyncContext) => {
        signal.addEventListener('abort', () => (reason = signal.reason));
        return throwError(() => error);
      };
      of('a')
        .pipe(operator(fn, { onError: () => ['F'] }))
        .subscribe();
      expect(reason).toBe(error);
    });

    it('unsubscription: an AbortError saying so', () => {
      let reason: unknown;
      const fn = (_v: string, _i: number, { signal }: AsyncContext) => {
        signal.addEventListener('abort', () => (reason = signal.reason));
        return NEVER;
      };
      of('a').pipe(operator(fn)).subscribe().unsubscribe();
      expect(reason).toBeInstanceOf(DOMException);
      expect(reason).toMatchObject({ name: 'AbortError' });
      expect(String((reason as Error).message)).toMatch(/unsubscribed before this element's result/);
    });

    it('another element failing the output: an AbortError saying so', () => {
      const reasons: unknown[] = [];
      const source = new Subject<string>();
      const fn = (v: string, _i: number, { signal }: AsyncContext) => {
        signal.addEventListener('abort', () => reasons.push(signal.reason));
        return v === 'b' ? throwError(() => new Error('b failed')) : NEVER;
      };
      source.pipe(operator(fn)).subscribe({ error: () => undefined });
      source.next('a');
      source.next('b');
      expect(reasons).toHaveLength(2);
      expect(reasons[0]).toEqual(new Error('b failed'));
      expect(reasons[1]).toMatchObject({ name: 'AbortError' });
      expect((reasons[1] as Error).message).toMatch(/the output errored before this element's result/);
    });
  });

  describe('8. figures that show a stuck fallback', () => {
    it(
      'fallbacksRunning and oldestPendingAge',
      marbles((m) => {
        const monitor = new AsyncWaitMonitor<string>();
        const seen: Array<[number, number, number]> = [];
        m.cold('a|')
          .pipe(operator(() => NEVER, { timeout: 3, onTimeout: () => NEVER, monitor }))
          .subscribe();
        for (const frame of [1, 5, 9]) {
          m.scheduler.schedule(() => {
            const f = monitor.figures;
            seen.push([frame, f.fallbacksRunning, f.oldestPendingAge]);
          }, frame);
        }
        m.flush();
        // At 1 the call runs (age 1); from 3 its fallback never completes: it keeps its slot and ages.
        expect(seen).toEqual([
          [1, 0, 1],
          [5, 1, 5],
          [9, 1, 9],
        ]);
      }),
    );
  });
});

describe('the context given to fn', () => {
  it('is a small object of its own: signal and attempt, serialisable, spreadable, harmless to write', () => {
    const contexts: AsyncContext[] = [];
    const { log, observer } = record<string>();
    of('a', 'b')
      .pipe(
        orderedWait(
          (v: string, _i: number, context: AsyncContext) => {
            contexts.push(context);
            (context as { attempt: number }).attempt = 99;
            (context as unknown as Record<string, unknown>).extra = 'x';
            return context.attempt === 99 && contexts.length === 1 ? throwError(() => new Error('once')) : [v];
          },
          { retry: { count: 1 } },
        ),
      )
      .subscribe(observer);
    expect(log).toEqual({ values: ['a', 'b'], error: undefined, completed: true });
    const [first, second] = contexts;
    expect(Object.keys(second)).toEqual(['signal', 'attempt', 'extra']);
    expect(JSON.parse(JSON.stringify(first))).toEqual({ signal: {}, attempt: 99, extra: 'x' });
    expect({ ...first }.signal).toBeInstanceOf(AbortSignal);
    // Each call got a fresh context: three calls (a, a's retry, b), three objects.
    expect(new Set(contexts).size).toBe(3);
    // Nothing reachable from it leads to the engine or another element.
    for (const c of contexts) {
      for (const value of Object.values(c))
        expect(value === undefined || typeof value !== 'object' || value instanceof AbortSignal).toBe(true);
    }
  });

  it('gives each attempt its number, read-only to the engine', () => {
    const attempts: number[] = [];
    of('a')
      .pipe(
        orderedWait(
          (_v: string, _i: number, context: AsyncContext) => {
            attempts.push(context.attempt);
            (context as { attempt: number }).attempt = 1;
            return context.attempt < 5 && attempts.length < 3 ? throwError(() => new Error('x')) : ['A'];
          },
          { retry: { count: 5 } },
        ),
      )
      .subscribe();
    expect(attempts).toEqual([1, 2, 3]);
  });
});
