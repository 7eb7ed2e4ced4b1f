import { NEVER, Observable, of, Subject, take, throwError, type ObservableInput, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { marbles } from 'rxjs-marbles/jest';
import {
  AsyncTimeoutError,
  AsyncWaitMonitor,
  BufferOverflowError,
  exponentialDelay,
  fixedDelay,
  orderedWait,
  unorderedWait,
  type AsyncContext,
} from '../lib';
import { collect, record } from './support/outputs';

// A reviewer's attack on issue 9 (engine v2 and its five fault kinds). Each test pins what the
// issue, the contract (rules 1-11) and docs/semantics.md (decisions 1-16) say is right; a failing
// test here is a bug found, a passing one a behaviour that held up and stays pinned.

const operators = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const;

function virtual(): TestScheduler {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  scheduler.maxFrames = Infinity;
  return scheduler;
}

/** An array (an ObservableInput) whose element 0 throws when read: it throws while being taken. */
function arrayThatThrows(): string[] {
  return Object.defineProperty(['x'], 0, {
    get() {
      throw new Error('element getter');
    },
  });
}

/** A Proxy of an array whose every read throws. */
function proxiedArrayThatThrows(): string[] {
  return new Proxy(['x'], {
    get() {
      throw new Error('proxy get');
    },
  });
}

/** Watches for unhandled rejections during `body` (and a macrotask after it). */
async function unhandledRejectionsDuring(body: () => void | Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return unhandled;
}

describe.each(operators)('%s under attack', (_name, operator) => {
  describe('kind 1: inputs that throw while being taken', () => {
    it.each([
      ['an array whose element getter throws', arrayThatThrows],
      ['a Proxy of an array whose get trap throws', proxiedArrayThatThrows],
    ])('%s from fn: a failed attempt (onError), never thrown into source.next', (_kind, make) => {
      const source = new Subject<number>();
      const { log, observer } = record<number | string>();
      source
        .pipe(operator<number, number | string>((v) => (v === 1 ? make() : [v]), { onError: () => ['fallback'] }))
        .subscribe(observer);
      const thrown: unknown[] = [];
      for (const v of [0, 1, 2, 3]) {
        try {
          source.next(v);
        } catch (error) {
          thrown.push(error);
        }
      }
      source.complete();
      expect({ thrown, log }).toEqual({
        thrown: [],
        log: { values: [0, 'fallback', 2, 3], error: undefined, completed: true },
      });
    });

    it('an array whose element getter throws, from onError: the output errors, nothing thrown into source.next', () => {
      const source = new Subject<number>();
      const { log, observer } = record<string>();
      source
        .pipe(
          operator<number, string>(() => throwError(() => new Error('call')), {
            onError: () => arrayThatThrows(),
          }),
        )
        .subscribe(observer);
      expect(() => source.next(0)).not.toThrow();
      expect(log.error).toEqual(new Error('element getter'));
    });

    it('an array whose element getter throws, from a retry timer: onError, nothing thrown out of the scheduler', () => {
      const scheduler = virtual();
      const { log, observer } = record<string>();
      of('a')
        .pipe(
          operator(
            (_v: string, _i: number, { attempt }: AsyncContext) =>
              attempt === 1 ? throwError(() => new Error('first')) : arrayThatThrows(),
            { retry: { count: 1, delay: 3 }, onError: () => ['F'], scheduler },
          ),
        )
        .subscribe(observer);
      expect(() => scheduler.flush()).not.toThrow();
      expect(log).toEqual({ values: ['F'], error: undefined, completed: true });
    });

    it('an array whose element getter throws, from onTimeout: the output errors, nothing thrown out of the scheduler', () => {
      const scheduler = virtual();
      const { log, observer } = record<string>();
      of('a')
        .pipe(operator(() => NEVER, { timeout: 3, onTimeout: () => arrayThatThrows(), scheduler }))
        .subscribe(observer);
      expect(() => scheduler.flush()).not.toThrow();
      expect(log.error).toEqual(new Error('element getter'));
    });

    it('fn returning a function (no ObservableInput) errors the output with TypeError; onError does not apply (decision 1)', () => {
      const { log, observer } = record<string>();
      of('a')
        .pipe(operator(() => (() => 'A') as never, { retry: { count: 2 }, onError: () => ['F'] }))
        .subscribe(observer);
      expect(log.values).toEqual([]);
      expect(log.error).toBeInstanceOf(TypeError);
    });

    // --- held up ---

    it('a thenable that rejects then resolves, synchronously inside then: counts once, and is retried', () => {
      const calls: number[] = [];
      const { log, observer } = record<string>();
      of('a')
        .pipe(
          operator<string, string>(
            (_v: string, _i: number, { attempt }: AsyncContext) => {
              calls.push(attempt);
              return {
                then(resolve: (v: string) => void, reject: (e: unknown) => void) {
                  if (attempt === 1) {
                    reject(new Error('first'));
                    resolve('ignored');
                  } else resolve('A' + attempt);
                },
              } as never;
            },
            { retry: { count: 1 } },
          ),
        )
        .subscribe(observer);
      return Promise.resolve().then(() => {
        expect(calls).toEqual([1, 2]);
        expect(log).toEqual({ values: ['A2'], error: undefined, completed: true });
      });
    });

    it('a thenable that resolves, then later rejects: the first settlement wins', async () => {
      const values = await collect(
        of('a').pipe(
          operator<string, string>(
            () =>
              ({
                then(resolve: (v: string) => void, reject: (e: unknown) => void) {
                  setTimeout(() => {
                    resolve('A');
                    reject(new Error('late'));
                    resolve('B');
                  }, 1);
                },
              }) as never,
            { onError: () => ['F'] },
          ),
        ),
      );
      expect(values).toEqual(['A']);
    });

    it('a then getter that throws only on the second read: read once, the thenable works', async () => {
      let reads = 0;
      const thenable = {
        get then() {
          reads++;
          if (reads > 1) throw new Error('second read');
          return (resolve: (v: string) => void) => resolve('A');
        },
      };
      const values = await collect(of('a').pipe(operator<string, string>(() => thenable as never)));
      expect({ values, reads }).toEqual({ values: ['A'], reads: 1 });
    });

    it('a Proxy whose getPrototypeOf trap throws is a failed attempt', () => {
      const { log, observer } = record<string>();
      const proxy = new Proxy(
        {},
        {
          getPrototypeOf() {
            throw new Error('proto');
          },
        },
      );
      of('a')
        .pipe(operator<string, string>(() => proxy as never, { onError: (e) => [(e as Error).message] }))
        .subscribe(observer);
      expect(log).toEqual({ values: ['proto'], error: undefined, completed: true });
    });

    it('an async iterable that throws is a failed attempt (retry, then onError)', async () => {
      const calls: number[] = [];
      const values = await collect(
        of('a').pipe(
          operator<string, string>(
            (_v, _i, { attempt }) => {
              calls.push(attempt);
              return {
                async *[Symbol.asyncIterator]() {
                  throw new Error('iterating');
                },
              };
            },
            { retry: { count: 1 }, onError: (e) => [(e as Error).message] },
          ),
        ),
      );
      expect({ calls, values }).toEqual({ calls: [1, 2], values: ['iterating'] });
    });

    it('a fallback returning null errors the output with TypeError', () => {
      const { log, observer } = record<string>();
      of('a')
        .pipe(operator(() => throwError(() => new Error('x')), { onError: () => null as never }))
        .subscribe(observer);
      expect(log.error).toBeInstanceOf(TypeError);
    });

    it('a fallback returning a thenable whose then throws errors the output with that error', () => {
      const { log, observer } = record<string>();
      of('a')
        .pipe(
          operator(() => throwError(() => new Error('x')), {
            onError: () =>
              ({
                then() {
                  throw new Error('fallback then');
                },
              }) as never,
          }),
        )
        .subscribe(observer);
      expect(log.error).toEqual(new Error('fallback then'));
    });
  });

  describe('kind 2: the timeout bounds immediate retries', () => {
    it('count Infinity with fixedDelay(0) ("equivalent to passing the number") and no timeout is a RangeError at creation', () => {
      expect(() => operator(() => of(1), { retry: { count: Infinity, delay: fixedDelay(0) } })).toThrow(RangeError);
    });

    it('count Infinity with exponentialDelay({ initial: 0 }) (always 0) and no timeout is a RangeError at creation', () => {
      expect(() =>
        operator(() => of(1), { retry: { count: Infinity, delay: exponentialDelay({ initial: 0 }) } }),
      ).toThrow(RangeError);
    });

    // --- held up ---

    it('ifResult on a Promise result, count Infinity, no delay: times out at its deadline', async () => {
      const values = await collect(
        of('a').pipe(
          operator(() => Promise.resolve(null), {
            timeout: 30,
            retry: { count: Infinity, ifResult: (r) => r[0] === null },
            onTimeout: () => of('gave up'),
          }),
        ),
      );
      expect(values).toEqual(['gave up']);
    });

    it('a delay function answering 0, count Infinity, timeout: times out (no spin)', async () => {
      const values = await collect(
        of('a').pipe(
          operator(
            () => {
              throw new Error('down');
            },
            { timeout: 30, retry: { count: Infinity, delay: () => 0 }, onTimeout: () => of('gave up') },
          ),
        ),
      );
      expect(values).toEqual(['gave up']);
    });

    it('without onTimeout the output errors with AsyncTimeoutError', async () => {
      await expect(
        collect(
          of('a').pipe(operator(() => Promise.reject(new Error('down')), { timeout: 30, retry: { count: Infinity } })),
        ),
      ).rejects.toBeInstanceOf(AsyncTimeoutError);
    });
  });

  describe('kind 3: monotonic deadlines are never early', () => {
    afterEach(() => jest.restoreAllMocks());

    it('a call that began 0.99 ms into a millisecond is not timed out 99.01 ms later (decision 12: "never early")', () => {
      let now = 1000;
      jest.spyOn(performance, 'now').mockImplementation(() => now);
      const calls: number[] = [];
      const { log, observer } = record<string>();
      const subscription = of('a')
        .pipe(
          operator(
            (_v: string, _i: number, { attempt }: AsyncContext) => {
              calls.push(attempt);
              if (attempt === 1) {
                now = 1000.99; // the call starts here
                throw new Error('first');
              }
              if (attempt === 2) {
                now = 1100; // 99.01 ms after the call started: inside the 100 ms timeout
                throw new Error('second');
              }
              return ['A'];
            },
            { timeout: 100, retry: { count: 2 }, onTimeout: () => ['T'] },
          ),
        )
        .subscribe(observer);
      subscription.unsubscribe();
      expect({ calls, log }).toEqual({ calls: [1, 2, 3], log: { values: ['A'], error: undefined, completed: true } });
    });
  });

  describe('kind 3 (held up): retry delays and deadlines ignore the wall clock', () => {
    afterEach(() => jest.restoreAllMocks());

    it('the wall clock stepped forward 1 h during a retry delay: the retry runs and its answer counts', async () => {
      const realNow = Date.now.bind(Date);
      let offset = 0;
      jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
      const result = collect(
        of('a').pipe(
          operator(
            (_v: string, _i: number, { attempt }: AsyncContext) => {
              if (attempt === 1) {
                offset = 3_600_000;
                throw new Error('first');
              }
              return ['A'];
            },
            { timeout: 1000, retry: { count: 1, delay: 20 }, onTimeout: () => ['T'] },
          ),
        ),
      );
      expect(await result).toEqual(['A']);
    });
  });

  describe('kind 4: long delays', () => {
    const DAYS_30 = 30 * 24 * 3_600_000;

    it('latency of a call that timed out after 30 days: p50 and p99 are never below the exact value', () => {
      const scheduler = virtual();
      const monitor = new AsyncWaitMonitor<string>();
      of('a')
        .pipe(operator(() => NEVER, { timeout: DAYS_30, onTimeout: () => ['T'], monitor, scheduler }))
        .subscribe();
      scheduler.flush();
      const { latency } = monitor.figures;
      expect(latency).toMatchObject({ count: 1, max: DAYS_30, p50: DAYS_30, p99: DAYS_30 });
    });

    // --- held up ---

    it(
      'a 30-day retry delay inside a 40-day timeout retries after 30 days',
      marbles((m) => {
        const fn = (_v: string, _i: number, { attempt }: AsyncContext) => (attempt === 1 ? m.cold('#') : ['A']);
        const out = m
          .cold('a|')
          .pipe(operator(fn, { timeout: 40 * 24 * 3_600_000, retry: { count: 1, delay: () => DAYS_30 } }));
        m.expect(out).toBeObservable(`${DAYS_30}ms (A|)`);
      }),
    );
  });

  describe('kind 5: the inclusive deadline', () => {
    // --- held up ---
    it(
      'a retry whose result arrives exactly at the first call’s deadline counts',
      marbles((m) => {
        // Call at 1, deadline 5; attempt 1 fails at 2, retry at 3, its result at 5.
        const fn = (_v: string, _i: number, { attempt }: AsyncContext) =>
          attempt === 1 ? m.cold('-#') : m.cold('--(A|)');
        const out = m
          .cold('-a|')
          .pipe(operator(fn, { timeout: 4, retry: { count: 1, delay: 1 }, onTimeout: () => ['T'] }));
        m.expect(out).toBeObservable('-----(A|)');
      }),
    );
  });

  describe('kind 6: abort reasons for every path', () => {
    function reasonsOf(run: (fn: (v: string, i: number, c: AsyncContext) => ObservableInput<string>) => void) {
      const reasons: Record<string, unknown> = {};
      run((v, _i, { signal }) => {
        signal.addEventListener('abort', () => (reasons[v] = signal.reason));
        return v === 'bad' ? throwError(() => new Error('bad')) : NEVER;
      });
      return reasons;
    }

    // --- held up ---
    it('an immediate retry refused at the deadline aborts with the AsyncTimeoutError', async () => {
      let reason: unknown;
      const values = await collect(
        of('a').pipe(
          operator(
            (_v: string, _i: number, { signal }: AsyncContext) => {
              signal.onabort = () => (reason = signal.reason);
              throw new Error('down');
            },
            { timeout: 20, retry: { count: Infinity }, onTimeout: () => ['T'] },
          ),
        ),
      );
      expect(values).toEqual(['T']);
      expect(reason).toBeInstanceOf(AsyncTimeoutError);
    });

    it('source error: the others get an AbortError "the output errored"', () => {
      const source = new Subject<string>();
      const reasons = reasonsOf((fn) => {
        source.pipe(operator(fn)).subscribe({ error: () => undefined });
        source.next('a');
        source.error(new Error('source'));
      });
      expect(reasons.a).toMatchObject({ name: 'AbortError', message: expect.stringMatching(/the output errored/) });
    });

    it('take(n) downstream: an AbortError "unsubscribed"', () => {
      const reasons = reasonsOf((fn) => {
        // With a key, X leaves at once in both operators while a's call still runs.
        of('a', 'x')
          .pipe(
            operator((v, i, c) => (v === 'x' ? ['X'] : fn(v, i, c)), { key: (v) => v }),
            take(1),
          )
          .subscribe();
      });
      expect(reasons.a).toMatchObject({ name: 'AbortError', message: expect.stringMatching(/unsubscribed/) });
    });

    it('a fallback failing: the fallback’s element keeps its own reason, the others get "the output errored"', () => {
      const reasons = reasonsOf((fn) => {
        of('a', 'bad')
          .pipe(operator(fn, { onError: () => throwError(() => new Error('fallback')) }))
          .subscribe({ error: () => undefined });
      });
      expect(reasons.bad).toEqual(new Error('bad'));
      expect(reasons.a).toMatchObject({ name: 'AbortError', message: expect.stringMatching(/the output errored/) });
    });
  });

  describe('the bounded input buffer', () => {
    it('bufferSize 0 with free capacity: a value fed back re-entrantly from downstream starts (no BufferOverflowError)', () => {
      const source = new Subject<number>();
      const { log, observer } = record<number>();
      source.pipe(operator((v: number) => [v], { capacity: 10, bufferSize: 0 })).subscribe({
        ...observer,
        next: (v) => {
          observer.next(v);
          if (v < 3) source.next(v + 1);
        },
      });
      source.next(0);
      expect(log.error).toBeUndefined();
      expect(log.values).toEqual([0, 1, 2, 3]);
    });

    it('bufferSize 1, dropNewest, free capacity: values fed re-entrantly from fn are not dropped', () => {
      const source = new Subject<number>();
      const monitor = new AsyncWaitMonitor<number>();
      const { log, observer } = record<number>();
      source
        .pipe(
          operator(
            (v: number) => {
              if (v === 0) for (const w of [1, 2, 3]) source.next(w);
              return [v];
            },
            { capacity: 10, bufferSize: 1, overflow: 'dropNewest', monitor },
          ),
        )
        .subscribe(observer);
      source.next(0);
      expect({ values: [...log.values].sort(), dropped: monitor.figures.dropped }).toEqual({
        values: [0, 1, 2, 3],
        dropped: 0,
      });
    });

    it("overflow 'error': the value that did not fit stays in pending() (the element that failed the output stays, rule 12.2)", () => {
      const source = new Subject<string>();
      const monitor = new AsyncWaitMonitor<string>();
      const { log, observer } = record<string>();
      source.pipe(operator(() => NEVER, { capacity: 1, bufferSize: 0, monitor })).subscribe(observer);
      source.next('a');
      source.next('b');
      expect(log.error).toBeInstanceOf(BufferOverflowError);
      expect(monitor.pending()).toEqual([
        { index: 0, value: 'a' },
        { index: 1, value: 'b' },
      ]);
      expect(monitor.commitIndex).toBe(0);
    });

    // --- held up ---
    it('dropOldest: pending() and commitIndex keep source positions after drops', () => {
      const source = new Subject<string>();
      const monitor = new AsyncWaitMonitor<string>();
      const calls = new Map<string, Subject<string>>();
      source
        .pipe(
          operator(
            (v: string) => {
              const s = new Subject<string>();
              calls.set(v, s);
              return s;
            },
            { capacity: 1, bufferSize: 2, overflow: 'dropOldest', monitor },
          ),
        )
        .subscribe();
      for (const v of 'abcde') source.next(v); // a runs; b, c buffered; d drops b; e drops c
      expect(monitor.pending()).toEqual([
        { index: 0, value: 'a' },
        { index: 3, value: 'd' },
        { index: 4, value: 'e' },
      ]);
      calls.get('a')!.next('A');
      calls.get('a')!.complete();
      expect(monitor.pending()).toEqual([
        { index: 3, value: 'd' },
        { index: 4, value: 'e' },
      ]);
      expect(monitor.commitIndex).toBe(3);
      expect(monitor.figures.dropped).toBe(2);
    });
  });

  describe('re-entrancy and teardown', () => {
    it('retry.ifError unsubscribing downstream: fn is never called again (rule 7), delay 0', () => {
      const source = new Subject<string>();
      let subscription: Subscription | null = null;
      let calls = 0;
      subscription = source
        .pipe(
          operator(
            () => {
              calls++;
              throw new Error('down');
            },
            {
              retry: {
                count: 3,
                ifError: () => {
                  subscription!.unsubscribe();
                  return true;
                },
              },
            },
          ),
        )
        .subscribe();
      source.next('a');
      expect(calls).toBe(1);
    });

    it('retry.ifError unsubscribing downstream, delay 2: no retry timer left, fn never called again', () => {
      const scheduler = virtual();
      const source = new Subject<string>();
      let calls = 0;
      let subscription: Subscription | null = null;
      subscription = source
        .pipe(
          operator(
            () => {
              calls++;
              return throwError(() => new Error('down'));
            },
            {
              retry: {
                count: 3,
                delay: 2,
                ifError: () => {
                  subscription!.unsubscribe();
                  return true;
                },
              },
              scheduler,
            },
          ),
        )
        .subscribe();
      source.next('a');
      const actionsLeft = scheduler.actions.length;
      scheduler.flush();
      expect({ actionsLeft, calls }).toEqual({ actionsLeft: 0, calls: 1 });
    });

    it('key() unsubscribing downstream: fn is not called, and no inner or deadline timer is left', () => {
      const scheduler = virtual();
      const source = new Subject<string>();
      let subscription: Subscription | null = null;
      const called: string[] = [];
      let inners = 0;
      subscription = source
        .pipe(
          operator(
            (v: string) => {
              called.push(v);
              return new Observable<string>(() => {
                inners++;
                return () => inners--;
              });
            },
            {
              timeout: 5,
              onTimeout: () => ['T'],
              scheduler,
              key: (v) => {
                if (v === 'b') subscription!.unsubscribe();
                return v;
              },
            },
          ),
        )
        .subscribe();
      source.next('a');
      source.next('b');
      expect({ called, inners, actions: scheduler.actions.length }).toEqual({ called: ['a'], inners: 0, actions: 0 });
    });

    it('a downstream error handler feeding the source: fn is never called after the output errored (rule 5)', () => {
      const source = new Subject<string>();
      const called: string[] = [];
      const inner = new Subject<string>();
      source
        .pipe(
          operator<string, string>((v: string) => {
            called.push(v);
            return v === 'a' ? inner : NEVER;
          }),
        )
        .subscribe({ error: () => source.next('b') });
      source.next('a');
      inner.error(new Error('a failed'));
      expect(called).toEqual(['a']);
    });

    it('fn unsubscribing downstream and returning a rejected Promise: no unhandled rejection (decision 9)', async () => {
      const unhandled = await unhandledRejectionsDuring(() => {
        const source = new Subject<string>();
        let subscription: Subscription | null = null;
        subscription = source
          .pipe(
            operator(() => {
              subscription!.unsubscribe();
              return Promise.reject(new Error('late'));
            }),
          )
          .subscribe();
        source.next('a');
      });
      expect(unhandled).toEqual([]);
    });

    it('onTimeout unsubscribing downstream and returning a rejected Promise: no unhandled rejection', async () => {
      const unhandled = await unhandledRejectionsDuring(async () => {
        let subscription: Subscription | null = null;
        await new Promise<void>((resolve) => {
          subscription = of('a')
            .pipe(
              operator(() => NEVER, {
                timeout: 5,
                onTimeout: () => {
                  subscription!.unsubscribe();
                  resolve();
                  return Promise.reject(new Error('late fallback'));
                },
              }),
            )
            .subscribe();
        });
      });
      expect(unhandled).toEqual([]);
    });

    it('an abort listener unsubscribing downstream at a timeout: onTimeout is not called after the unsubscription', () => {
      const scheduler = virtual();
      let subscription: Subscription | null = null;
      const handlers: string[] = [];
      subscription = of('a')
        .pipe(
          operator(
            (_v: string, _i: number, { signal }: AsyncContext) => {
              signal.addEventListener('abort', () => subscription!.unsubscribe());
              return NEVER;
            },
            { timeout: 3, onTimeout: (v) => (handlers.push(`onTimeout(${v})`), NEVER), scheduler },
          ),
        )
        .subscribe();
      scheduler.flush();
      expect(handlers).toEqual([]);
    });

    it('the monitor reads the final status inside the downstream complete and error callbacks', () => {
      const monitor = new AsyncWaitMonitor<string>();
      const seen: string[] = [];
      of('a')
        .pipe(operator((v: string) => [v], { monitor }))
        .subscribe({ complete: () => seen.push(monitor.figures.status) });
      of('a')
        .pipe(operator(() => throwError(() => new Error('x')), { monitor }))
        .subscribe({ error: () => seen.push(monitor.figures.status) });
      expect(seen).toEqual(['completed', 'errored']);
    });

    it('ifResult may not change the emitted result by mutating the array it is given', () => {
      const { log, observer } = record<string>();
      of('a')
        .pipe(
          operator(() => ['B', 'A'], {
            retry: {
              count: 1,
              ifResult: (result) => {
                (result as string[]).length = 0;
                return false;
              },
            },
          }),
        )
        .subscribe(observer);
      expect(log.values).toEqual(['B', 'A']);
    });
  });
});

describe('the context object', () => {
  /** Runs `fn` for 'a' then 'b' in one subscription of a fresh copy of the library, returns both contexts. */
  function contextsOf(body: (context: AsyncContext, value: string) => void): AsyncContext[] {
    let contexts: AsyncContext[] = [];
    jest.isolateModules(() => {
      // A fresh copy of the engine: what one test does to shared engine state stays in it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lib = require('../lib') as typeof import('../lib');
      contexts = [];
      of('a', 'b')
        .pipe(
          lib.orderedWait((v: string, _i: number, context: AsyncContext) => {
            contexts.push(context);
            body(context, v);
            return [v];
          }),
        )
        .subscribe();
    });
    return contexts;
  }

  it('Object.freeze(context) in one call leaves the next call’s context intact (no shared state)', () => {
    const seen: unknown[] = [];
    contextsOf((context, v) => {
      if (v === 'a') {
        try {
          Object.freeze(context);
        } catch {
          // Freezing is the user's choice; what it does to *other* contexts is the point.
        }
      } else {
        try {
          seen.push(Object.keys(context), Object.keys({ ...context }));
        } catch (error) {
          seen.push(String(error));
        }
      }
    });
    expect(seen).toEqual([
      ['signal', 'attempt'],
      ['signal', 'attempt'],
    ]);
  });

  it('Object.setPrototypeOf(context) in one call gives no path into another call’s context', () => {
    const protos: unknown[] = [];
    contextsOf((context, v) => {
      if (v === 'a') {
        try {
          Object.setPrototypeOf(context, { leaked: 'from a' });
        } catch {
          // Refused (a TypeError) is fine; what it does to *other* contexts is the point.
        }
      } else protos.push(Object.getPrototypeOf(context));
    });
    expect(protos).toEqual([Object.prototype]);
  });

  it('JSON, spread, keys, in, hasOwnProperty behave as on a plain { signal, attempt }', () => {
    const [context] = contextsOf(() => undefined);
    expect(JSON.parse(JSON.stringify(context))).toEqual({ signal: {}, attempt: 1 });
    expect(Object.keys({ ...context })).toEqual(['signal', 'attempt']);
    expect('signal' in context && 'attempt' in context && 'toString' in context).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(context, 'signal')).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(context, 'toString')).toBe(false);
    expect(context.signal).toBe(context.signal);
  });
});

describe('the monitor', () => {
  // --- held up ---
  it('sample() begun before the subscription ends with it; begun during one of two, ends with the latest', () => {
    const scheduler = virtual();
    const monitor = new AsyncWaitMonitor<string>();
    const ends: Array<[string, number, string]> = [];
    const sample = (name: string) =>
      monitor.sample(1, scheduler).subscribe({
        next: (f) =>
          void (f.status !== 'active' && f.status !== 'idle' ? ends.push([name, scheduler.now(), f.status]) : 0),
        complete: () => void ends.push([name, scheduler.now(), 'complete']),
      });
    sample('before');
    const inner = (frames: number) =>
      new Observable<string>((s) => s.add(scheduler.schedule(() => s.complete(), frames)));
    scheduler.schedule(() => {
      of('a')
        .pipe(orderedWait(() => inner(10), { monitor }))
        .subscribe();
      sample('during first');
    }, 2);
    scheduler.schedule(() => {
      of('b')
        .pipe(unorderedWait(() => inner(4), { monitor }))
        .subscribe();
    }, 3);
    scheduler.flush();
    // The first subscription ends at 12, but the monitor moved to the second one at 3 (rule 15.6).
    expect(ends).toEqual([
      ['before', 7, 'completed'],
      ['before', 7, 'complete'],
      ['during first', 7, 'completed'],
      ['during first', 7, 'complete'],
    ]);
  });

  it('fallbacksRunning, oldestPendingAge and held while an onError fallback hangs, then 0 after unsubscription', () => {
    const scheduler = virtual();
    const monitor = new AsyncWaitMonitor<string>();
    const subscription = of('a', 'b')
      .pipe(
        orderedWait((v: string) => (v === 'a' ? throwError(() => new Error('x')) : of('B')), {
          onError: () => NEVER,
          monitor,
          scheduler,
        }),
      )
      .subscribe();
    scheduler.flush();
    scheduler.schedule(() => {}, 7);
    scheduler.flush();
    const live = monitor.figures;
    subscription.unsubscribe();
    const after = monitor.figures;
    expect([live.fallbacksRunning, live.oldestPendingAge, live.held, live.inFlight]).toEqual([1, 7, 2, 1]);
    expect([after.status, after.fallbacksRunning, after.oldestPendingAge]).toEqual(['unsubscribed', 0, 0]);
    expect(monitor.pending()).toEqual([
      { index: 0, value: 'a' },
      { index: 1, value: 'b' },
    ]);
  });
});
