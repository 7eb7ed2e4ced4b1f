import {
  config,
  from,
  map,
  NEVER,
  Observable,
  of,
  Subject,
  Subscriber,
  throwError,
  timer,
  type ObservableInput,
  type ObservableNotification,
  type OperatorFunction,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AsyncTimeoutError, exponentialDelay, orderedWait, unorderedWait, type AsyncContext } from '../lib';

// Re-entrancy and odd input (issue 4): each case with its exact outcome. Notifications are recorded
// as "frame:value", "frame:|" and "frame:#message" (without the frame outside virtual time).

const operators = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const;

/** A consumer that records what it gets, and may act (even unsubscribe) from inside `next`. */
class Recorder<T> extends Subscriber<T> {
  readonly log: string[] = [];
  failure: unknown = undefined;

  constructor(
    private readonly clock: TestScheduler | null = null,
    private readonly onValue: (value: T, self: Recorder<T>) => void = () => undefined,
  ) {
    super();
  }

  private at(): string {
    return this.clock === null ? '' : `${this.clock.now()}:`;
  }

  protected override _next(value: T): void {
    this.log.push(this.at() + String(value));
    this.onValue(value, this);
  }

  protected override _error(error: unknown): void {
    this.failure = error;
    this.log.push(`${this.at()}#${error instanceof Error ? error.message : String(error)}`);
    this.unsubscribe();
  }

  protected override _complete(): void {
    this.log.push(`${this.at()}|`);
    this.unsubscribe();
  }
}

function virtualTime(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** An inner that ends after `frames` with `values` (or hangs if frames is null), counting its subscribers. */
function counted(scheduler: TestScheduler, frames: number | null, values: string[], live: { count: number }) {
  return new Observable<string>((subscriber) => {
    live.count++;
    if (frames !== null) {
      subscriber.add(
        scheduler.schedule(() => {
          values.forEach((v) => subscriber.next(v));
          subscriber.complete();
        }, frames),
      );
    }
    return () => live.count--;
  });
}

/** A source emitting each value at its frame, then completing at `end`. */
function timeline(scheduler: TestScheduler, values: Record<number, string>, end: number): Observable<string> {
  return new Observable<string>((subscriber) => {
    for (const [frame, value] of Object.entries(values)) {
      subscriber.add(scheduler.schedule(() => subscriber.next(value), Number(frame)));
    }
    subscriber.add(scheduler.schedule(() => subscriber.complete(), end));
  });
}

// Any notification sent to the output after it stopped (rxjs drops it, and reports it to this hook
// on a timer) fails the test. Sources are not watched: rxjs's own `from(array)` completes a
// subscriber that unsubscribed while it was emitting.
let late: ObservableNotification<unknown>[] = [];
beforeEach(() => {
  late = [];
  config.onStoppedNotification = (notification, subscriber) => {
    if (subscriber instanceof Recorder) late.push(notification);
  };
});
afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  config.onStoppedNotification = null;
  expect(late).toEqual([]);
});

describe.each(operators)('%s: re-entrancy', (_name, operator) => {
  it('downstream unsubscribing inside next: the rest of that result is dropped and fn is not called again', () => {
    const calls: number[] = [];
    const recorder = new Recorder<number>(null, (v, self) => v === 20 && self.unsubscribe());
    from([1, 2, 3])
      .pipe(operator((v: number) => (calls.push(v), [v * 10, v * 10 + 1])))
      .subscribe(recorder);
    expect(recorder.log).toEqual(['10', '11', '20']);
    expect(calls).toEqual([1, 2]);
  });

  it('downstream unsubscribing inside next: in-flight inners stop, their signals abort, no timer is left', () => {
    const scheduler = virtualTime();
    const live = { count: 0 };
    const signals: AbortSignal[] = [];
    const fn = (v: string, _i: number, ctx: AsyncContext) => {
      signals.push(ctx.signal);
      return counted(scheduler, v === 'a' ? 2 : null, [v.toUpperCase()], live);
    };
    const recorder = new Recorder<string>(scheduler, (v, self) => v === 'A' && self.unsubscribe());
    from(['a', 'b'])
      .pipe(operator(fn, { timeout: 10, scheduler }))
      .subscribe(recorder);
    scheduler.flush();
    expect(recorder.log).toEqual(['2:A']);
    expect(signals.map((s) => s.aborted)).toEqual([false, true]);
    expect(live.count).toBe(0);
    expect(scheduler.actions.length).toBe(0);
  });

  it('fn pushing into the source Subject synchronously: the pushed values start after it, in order', () => {
    const subject = new Subject<string>();
    const calls: string[] = [];
    const fn = (v: string, i: number) => {
      calls.push(`${v}${i}`);
      if (v === 'a') {
        subject.next('b');
        subject.next('c');
      }
      return [v.toUpperCase()];
    };
    const recorder = new Recorder<string>();
    subject.pipe(operator(fn, Infinity, Infinity)).subscribe(recorder);
    subject.next('a');
    subject.next('d');
    subject.complete();
    expect(recorder.log).toEqual(['A', 'B', 'C', 'D', '|']);
    expect(calls).toEqual(['a0', 'b1', 'c2', 'd3']);
  });

  it('fn pushing into the source Subject at capacity 1: the pushed value waits for the slot', () => {
    const scheduler = virtualTime();
    const subject = new Subject<string>();
    const calls: string[] = [];
    const fn = (v: string) => {
      calls.push(`${v}@${scheduler.now()}`);
      if (v === 'a') subject.next('b');
      return v === 'a' ? timer(2, scheduler).pipe(map(() => 'A')) : of(v.toUpperCase());
    };
    const recorder = new Recorder<string>(scheduler);
    subject.pipe(operator(fn, { capacity: 1, scheduler })).subscribe(recorder);
    subject.next('a');
    scheduler.flush();
    expect(recorder.log).toEqual(['2:A', '2:B']);
    expect(calls).toEqual(['a@0', 'b@2']);
  });

  it('downstream pushing into the source from inside next: the value starts after the emission', () => {
    const subject = new Subject<string>();
    const calls: string[] = [];
    const recorder = new Recorder<string>(null, (v) => v === 'A' && subject.next('x'));
    subject.pipe(operator((v: string, i: number) => (calls.push(`${v}${i}`), [v.toUpperCase()]))).subscribe(recorder);
    subject.next('a');
    subject.next('b');
    expect(recorder.log).toEqual(['A', 'X', 'B']);
    expect(calls).toEqual(['a0', 'x1', 'b2']);
  });

  it('fn completing the source synchronously: its own result still leaves, then the output completes', () => {
    const subject = new Subject<string>();
    const recorder = new Recorder<string>();
    subject.pipe(operator((v: string) => (subject.complete(), [v.toUpperCase()]))).subscribe(recorder);
    subject.next('a');
    expect(recorder.log).toEqual(['A', '|']);
  });

  it('fn erroring the source synchronously: the output errors at once and its own result never leaves', () => {
    const subject = new Subject<string>();
    const recorder = new Recorder<string>();
    const calls: string[] = [];
    const abortedOnReturn: boolean[] = [];
    const fn = (v: string, _i: number, ctx: AsyncContext) => {
      calls.push(v);
      subject.error(new Error('source failed'));
      abortedOnReturn.push(ctx.signal.aborted);
      return [v.toUpperCase()];
    };
    subject.pipe(operator(fn)).subscribe(recorder);
    subject.next('a');
    subject.next('b');
    expect(recorder.log).toEqual(['#source failed']);
    expect(calls).toEqual(['a']);
    expect(abortedOnReturn).toEqual([true]);
  });

  it('fn erroring the source and then returning an inner: the inner is never subscribed', () => {
    const scheduler = virtualTime();
    const subject = new Subject<string>();
    const live = { count: 0 };
    const recorder = new Recorder<string>(scheduler);
    const fn = () => {
      subject.error(new Error('source failed'));
      return counted(scheduler, 3, ['A'], live);
    };
    subject.pipe(operator(fn, { timeout: 10, scheduler })).subscribe(recorder);
    subject.next('a');
    expect(live.count).toBe(0);
    scheduler.flush();
    expect(recorder.log).toEqual(['0:#source failed']);
    expect(scheduler.actions.length).toBe(0);
  });

  it('fn unsubscribing downstream and then throwing: no retry is scheduled and fn is never called again', () => {
    const scheduler = virtualTime();
    const calls: string[] = [];
    const recorder = new Recorder<string>(scheduler);
    const fn = (v: string, _i: number, { attempt }: AsyncContext): ObservableInput<string> => {
      calls.push(`${v}.${attempt}@${scheduler.now()}`);
      recorder.unsubscribe();
      throw new Error('failed');
    };
    of('a')
      .pipe(operator(fn, { retry: { count: 1, delay: 5 }, onError: () => ['fallback'], scheduler }))
      .subscribe(recorder);
    expect(scheduler.actions.length).toBe(0);
    scheduler.flush();
    expect(calls).toEqual(['a.1@0']);
    expect(recorder.log).toEqual([]);
  });

  it('onError ending the output and then returning an inner: the fallback is never subscribed', () => {
    const scheduler = virtualTime();
    const subject = new Subject<string>();
    const live = { count: 0 };
    const recorder = new Recorder<string>(scheduler);
    const onError = () => {
      subject.error(new Error('source failed'));
      return counted(scheduler, null, ['fallback'], live);
    };
    subject.pipe(operator(() => throwError(() => new Error('failed')), { onError, scheduler })).subscribe(recorder);
    subject.next('a');
    expect(live.count).toBe(0);
    expect(recorder.log).toEqual(['0:#source failed']);
    expect(scheduler.actions.length).toBe(0);
  });

  it('a synchronous inner that errors: the output errors synchronously, later values are never called', () => {
    const calls: number[] = [];
    const fn = (v: number) => (calls.push(v), v === 2 ? throwError(() => new Error('e2')) : [v]);
    const recorder = new Recorder<number>();
    from([1, 2, 3]).pipe(operator(fn)).subscribe(recorder);
    expect(recorder.log).toEqual(['1', '#e2']);
    expect(calls).toEqual([1, 2]);
  });

  it('a synchronous inner that errors, with retry: retried at once, count + 1 calls, then the error', () => {
    const attempts: string[] = [];
    const fn = (v: number, _i: number, { attempt }: AsyncContext) => {
      attempts.push(`${v}.${attempt}`);
      return v === 2 ? throwError(() => new Error(`e2.${attempt}`)) : [v];
    };
    const recorder = new Recorder<number>();
    from([1, 2, 3])
      .pipe(operator(fn, { retry: { count: 2 } }))
      .subscribe(recorder);
    expect(recorder.log).toEqual(['1', '#e2.3']);
    expect(attempts).toEqual(['1.1', '2.1', '2.2', '2.3']);
  });

  it('a synchronous inner that errors, with onError: the fallback takes its place synchronously', () => {
    const fn = (v: number): ObservableInput<string> => (v === 2 ? throwError(() => new Error('e2')) : [String(v)]);
    const onError = (error: unknown, v: number, i: number) => [`${(error as Error).message}/${v}/${i}`];
    const recorder = new Recorder<string>();
    from([1, 2, 3]).pipe(operator(fn, { onError })).subscribe(recorder);
    expect(recorder.log).toEqual(['1', 'e2/2/1', '3', '|']);
  });

  it('the same operator instance nested in itself: every level has its own state', () => {
    const scheduler = virtualTime();
    // countdown(n) waits a frame, counts down n - 1 through the same operator, and adds 1.
    const countdown: OperatorFunction<number, number> = operator(
      (n: number): ObservableInput<number> =>
        n === 0
          ? [0]
          : timer(1, scheduler).pipe(
              map(() => n - 1),
              countdown,
              map((x) => x + 1),
            ),
      { capacity: 1, timeout: 10, scheduler },
    );
    const recorder = new Recorder<number>(scheduler);
    from([3, 2]).pipe(countdown).subscribe(recorder);
    scheduler.flush();
    // capacity 1: 2 starts only when 3 has left, at frame 3.
    expect(recorder.log).toEqual(['3:3', '5:2', '5:|']);
    expect(scheduler.actions.length).toBe(0);
  });

  it('one operator instance subscribed twice at once: nothing is shared', () => {
    const scheduler = virtualTime();
    const calls: string[] = [];
    const op = operator(
      (v: string, i: number, { attempt }: AsyncContext) => {
        calls.push(`${v}${i}.${attempt}@${scheduler.now()}`);
        if (v === 'a' && attempt === 1) return throwError(() => new Error('again'));
        return v === 'c' ? NEVER : timer(2, scheduler).pipe(map(() => v.toUpperCase()));
      },
      {
        capacity: 1,
        timeout: 4,
        onTimeout: (v) => [`late ${v}`],
        retry: { count: 1, delay: exponentialDelay({ initial: 1 }) },
        scheduler,
      },
    );
    const first = new Recorder<string>(scheduler);
    const second = new Recorder<string>(scheduler);
    from(['a', 'b']).pipe(op).subscribe(first);
    from(['c', 'd']).pipe(op).subscribe(second);
    scheduler.flush();
    // first: a fails, retried after 1 frame, done at 3; b runs 3-5. second: c times out at 4, d runs 4-6.
    expect(first.log).toEqual(['3:A', '5:B', '5:|']);
    expect(second.log).toEqual(['4:late c', '6:D', '6:|']);
    expect(calls).toEqual(['a0.1@0', 'c0.1@0', 'a0.2@1', 'b1.1@3', 'd1.1@4']);
    expect(scheduler.actions.length).toBe(0);
  });
});

describe.each(operators)('%s: odd input', (_name, operator) => {
  const rxjsError = (value: unknown): Error => {
    try {
      from(value as never);
    } catch (error) {
      return error as Error;
    }
    throw new Error(`from() accepted ${String(value)}`);
  };

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object', { then: 'not a function' }],
  ])('fn returning %s: rxjs TypeError, neither retried nor given to onError', (_what, value) => {
    const scheduler = virtualTime();
    const signals: AbortSignal[] = [];
    const onError = jest.fn(() => ['fallback']);
    const fn = jest.fn((v: string, _i: number, ctx: AsyncContext): ObservableInput<string> => {
      signals.push(ctx.signal);
      return v === 'a' ? NEVER : (value as never);
    });
    const recorder = new Recorder<string>(scheduler);
    from(['a', 'b'])
      .pipe(operator(fn, { retry: { count: 3 }, onError, scheduler }))
      .subscribe(recorder);
    scheduler.flush();
    expect(recorder.failure).toBeInstanceOf(TypeError);
    expect(recorder.log).toEqual([`0:#${rxjsError(value).message}`]);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(onError).not.toHaveBeenCalled();
    // The other entry is torn down with the output.
    expect(signals[0].aborted).toBe(true);
  });

  it('a Promise rejected with a non-Error: the output errors with that very value', async () => {
    const recorder = new Recorder<string>();
    await new Promise<void>((done) => {
      recorder.add(done);
      of('a')
        .pipe(operator(() => Promise.reject('boom')))
        .subscribe(recorder);
    });
    expect(recorder.failure).toBe('boom');
  });

  it('a Promise rejected with undefined: still an error, not a completion', async () => {
    const recorder = new Recorder<string>();
    await new Promise<void>((done) => {
      recorder.add(done);
      of('a')
        .pipe(operator(() => Promise.reject(undefined)))
        .subscribe(recorder);
    });
    expect(recorder.log).toEqual(['#undefined']);
  });

  it('a Promise rejected with a non-Error: ifError and onError get that value; retried count + 1 times', async () => {
    const ifError = jest.fn(() => true);
    const onError = jest.fn((error: unknown, v: string) => [`${String(error)} for ${v}`]);
    const fn = jest.fn(() => Promise.reject(7));
    const recorder = new Recorder<string>();
    await new Promise<void>((done) => {
      recorder.add(done);
      of('a')
        .pipe(operator(fn, { retry: { count: 2, ifError }, onError }))
        .subscribe(recorder);
    });
    expect(recorder.log).toEqual(['7 for a', '|']);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(ifError.mock.calls).toEqual([
      [7, 'a'],
      [7, 'a'],
    ]);
    expect(onError).toHaveBeenCalledWith(7, 'a', 0);
  });

  it('a Promise that never settles: times out at the deadline, its signal aborted', () => {
    const scheduler = virtualTime();
    const signals: AbortSignal[] = [];
    const recorder = new Recorder<string>(scheduler);
    of('a')
      .pipe(
        operator((_v, _i, ctx) => (signals.push(ctx.signal), new Promise<string>(() => undefined)), {
          timeout: 5,
          scheduler,
        }),
      )
      .subscribe(recorder);
    scheduler.flush();
    expect(recorder.log).toEqual(['5:#Async call for the element at index 0 did not complete within 5 ms']);
    expect(recorder.failure).toBeInstanceOf(AsyncTimeoutError);
    expect(signals[0].aborted).toBe(true);
    expect(scheduler.actions.length).toBe(0);
  });

  it('a Promise that never settles, without timeout: unsubscribing aborts its signal and leaves nothing', () => {
    const scheduler = virtualTime();
    const signals: AbortSignal[] = [];
    const recorder = new Recorder<string>(scheduler);
    of('a')
      .pipe(operator((_v, _i, ctx) => (signals.push(ctx.signal), new Promise<string>(() => undefined)), { scheduler }))
      .subscribe(recorder);
    scheduler.flush();
    expect(recorder.log).toEqual([]);
    expect(signals[0].aborted).toBe(false);
    recorder.unsubscribe();
    expect(signals[0].aborted).toBe(true);
    expect(scheduler.actions.length).toBe(0);
  });

  it('Promises that settle after their timeout are ignored; a late rejection is not unhandled', async () => {
    const scheduler = virtualTime();
    const settle: Array<{ resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
    const fn = () => new Promise<string>((resolve, reject) => settle.push({ resolve, reject }));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const recorder = new Recorder<string>(scheduler);
      of('a', 'b')
        .pipe(operator(fn, { timeout: 5, onTimeout: (v) => [`late ${v}`], scheduler }))
        .subscribe(recorder);
      scheduler.flush();
      expect(recorder.log).toEqual(['5:late a', '5:late b', '5:|']);
      settle[0].resolve('A');
      settle[1].reject(new Error('too late'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(recorder.log).toEqual(['5:late a', '5:late b', '5:|']);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe.each(operators)('%s: handlers and predicates that throw', (name, operator) => {
  /** a fails at frame 4, once b (which hangs) is running and c waits in the buffer. */
  const failsAt4 = (scheduler: TestScheduler) =>
    timer(3, scheduler).pipe(
      map((): string => {
        throw new Error('original');
      }),
    );

  function run(options: object, fn: (v: string, scheduler: TestScheduler) => ObservableInput<string>) {
    const scheduler = virtualTime();
    const live = { count: 0 };
    const signals: AbortSignal[] = [];
    const calls: string[] = [];
    const recorder = new Recorder<string>(scheduler);
    const source = timeline(scheduler, { 1: 'a', 3: 'b', 5: 'c' }, 6);
    source
      .pipe(
        operator(
          (v: string, _i: number, ctx: AsyncContext) => {
            calls.push(v);
            signals.push(ctx.signal);
            // b hangs: it must be torn down when the output errors.
            return v === 'b' ? counted(scheduler, null, [], live) : fn(v, scheduler);
          },
          { capacity: 2, scheduler, ...options },
        ),
      )
      .subscribe(recorder);
    scheduler.flush();
    expect(live.count).toBe(0);
    expect(scheduler.actions.length).toBe(0);
    // c arrives while a and b are held; it is never called.
    expect(calls).toEqual(['a', 'b']);
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    return recorder.log;
  }

  it('onTimeout throwing: the output errors with what it threw, at the deadline', () => {
    const onTimeout = () => {
      throw new Error('onTimeout failed');
    };
    expect(run({ timeout: 4, onTimeout }, () => NEVER)).toEqual(['5:#onTimeout failed']);
  });

  it('onError throwing: the output errors with what it threw, not with the original error', () => {
    const onError = () => {
      throw new Error('onError failed');
    };
    expect(run({ onError }, (_v, scheduler) => failsAt4(scheduler))).toEqual(['4:#onError failed']);
  });

  it('ifError throwing: the output errors with what it threw', () => {
    const ifError = () => {
      throw new Error('ifError failed');
    };
    expect(run({ retry: { count: 3, ifError } }, (_v, scheduler) => failsAt4(scheduler))).toEqual([
      '4:#ifError failed',
    ]);
  });

  it('ifResult throwing: the output errors with what it threw', () => {
    const ifResult = () => {
      throw new Error('ifResult failed');
    };
    const fn = (v: string, scheduler: TestScheduler) => timer(3, scheduler).pipe(map(() => v));
    expect(run({ retry: { count: 3, ifResult } }, fn)).toEqual(['4:#ifResult failed']);
  });

  it('a delay function throwing: the output errors with what it threw', () => {
    const delay = () => {
      throw new Error('delay failed');
    };
    expect(run({ retry: { count: 3, delay } }, (_v, scheduler) => failsAt4(scheduler))).toEqual(['4:#delay failed']);
  });

  it('a delay function answering a negative number: the output errors with a RangeError naming it', () => {
    expect(run({ retry: { count: 3, delay: () => -1 } }, (_v, scheduler) => failsAt4(scheduler))).toEqual([
      `4:#${name}: expected \`config.retry.delay(1)\` to be a finite number >= 0, got \`-1\` (number)`,
    ]);
  });
});
