import { Subject, of, range, throwError } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, exponentialDelay, orderedWait, unorderedWait } from '../lib';

/**
 * Retry hygiene (issue 13, part 4): jitter on exponentialDelay, reproducible with a seed, and a
 * retry budget per subscription. Nothing is shared between elements or subscriptions
 * (FLINK-33698 was a back-off shared between elements).
 */

describe('exponentialDelay jitter', () => {
  const base = (n: number) => Math.min(100 * 2 ** (n - 1), 1000);

  it('full jitter: each delay anywhere from 0 to the un-jittered delay, about half of it on average', () => {
    const delay = exponentialDelay({ initial: 100, max: 1000, jitter: 'full', seed: 7 });
    for (const retry of [1, 2, 3, 4, 5]) {
      const delays = Array.from({ length: 2000 }, (_, index) => delay(retry, index));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(base(retry));
      expect(delays.every(Number.isInteger)).toBe(true);
      const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
      expect(mean / base(retry)).toBeGreaterThan(0.45);
      expect(mean / base(retry)).toBeLessThan(0.55);
    }
  });

  it("'equal' keeps at least half, a number j keeps at least 1 - j", () => {
    const equal = exponentialDelay({ initial: 100, jitter: 'equal', seed: 1 });
    const tenth = exponentialDelay({ initial: 100, jitter: 0.1, seed: 1 });
    for (let index = 0; index < 500; index++) {
      expect(equal(3, index)).toBeGreaterThanOrEqual(200);
      expect(equal(3, index)).toBeLessThanOrEqual(400);
      expect(tenth(3, index)).toBeGreaterThanOrEqual(360);
      expect(tenth(3, index)).toBeLessThanOrEqual(400);
    }
    expect(exponentialDelay({ initial: 100, jitter: 0, seed: 1 })(3, 5)).toBe(400);
  });

  it('with a seed, a delay depends on (seed, index, retry) alone: not on calls made before it', () => {
    const first = exponentialDelay({ initial: 100, jitter: 'full', seed: 42 });
    const second = exponentialDelay({ initial: 100, jitter: 'full', seed: 42 });
    const forward = [1, 2, 3].flatMap((retry) => [0, 1, 2].map((index) => first(retry, index)));
    // Other calls in between, in another order: the same answers.
    for (let i = 0; i < 100; i++) second(1 + (i % 4), i);
    const backward = [1, 2, 3].flatMap((retry) => [0, 1, 2].map((index) => second(retry, index))).reverse();
    expect(backward.reverse()).toEqual(forward);
    // Different elements, different delays; another seed, other delays.
    expect(new Set([0, 1, 2, 3, 4].map((index) => first(4, index))).size).toBeGreaterThan(3);
    expect(exponentialDelay({ initial: 100, jitter: 'full', seed: 43 })(4, 0)).not.toBe(first(4, 0));
  });

  it('a random source is called once per delay', () => {
    const draws = [0, 0.5, 0.999];
    const random = jest.fn(() => draws.shift()!);
    const delay = exponentialDelay({ initial: 100, jitter: 'full', random });
    expect([delay(1), delay(2), delay(3)]).toEqual([100, 100, 0]);
    expect(random).toHaveBeenCalledTimes(3);
  });

  it('a random source answering outside [0, 1) makes the delay throw (the output errors)', () => {
    const delay = exponentialDelay({ initial: 100, jitter: 'full', random: () => 1 });
    expect(() => delay(1)).toThrow(
      new RangeError(
        'exponentialDelay: expected `random()` to be a number from 0 up to 1 (exclusive), got `1` (number)',
      ),
    );
    let error: unknown;
    of(1)
      .pipe(orderedWait(() => throwError(() => new Error('x')), { retry: { count: 1, delay } }))
      .subscribe({ error: (e) => (error = e) });
    expect(error).toBeInstanceOf(RangeError);
  });

  it.each([
    [{ initial: 1, jitter: 'half' }, TypeError, "expected `jitter` to be 'full', 'equal' or a number from 0 to 1"],
    [{ initial: 1, jitter: 1.5 }, RangeError, 'expected `jitter` to be a number from 0 to 1'],
    [{ initial: 1, seed: 3 }, TypeError, 'expected `seed` to be given only with `jitter`'],
    [{ initial: 1, jitter: 'full', seed: 1.5 }, RangeError, 'expected `seed` to be an integer'],
    [
      { initial: 1, jitter: 'full', seed: 1, random: Math.random },
      TypeError,
      'expected `random` to be absent when `seed` is given',
    ],
    [{ initial: 1, jitter: 'full', random: 0.5 }, TypeError, 'expected `random` to be a function'],
  ])('rejects %j at creation', (config, Err, message) => {
    expect(() => exponentialDelay(config as never)).toThrow(Err);
    expect(() => exponentialDelay(config as never)).toThrow(`exponentialDelay: ${message}`);
  });

  it(
    'jittered delays run on the scheduler, each element on its own',
    marbles((m) => {
      const delay = exponentialDelay({ initial: 8, jitter: 'full', seed: 3 });
      const [da, db] = [delay(1, 0), delay(1, 1)];
      expect(da).not.toBe(db);
      const calls: Array<[string, number, number]> = [];
      const fn = (v: string, _i: number, { attempt }: { attempt: number }) => {
        calls.push([v, attempt, m.scheduler.now()]);
        return attempt === 1 ? m.cold('-#') : m.cold('-X|');
      };
      m.cold('-ab|')
        .pipe(unorderedWait(fn, { retry: { count: 1, delay } }))
        .subscribe();
      m.flush();
      // a fails at 2 and b at 3; each waits its own jittered delay.
      expect(calls.sort()).toEqual([
        ['a', 1, 1],
        ['a', 2, 2 + da],
        ['b', 1, 2],
        ['b', 2, 3 + db],
      ]);
    }),
  );
});

describe('retry budget', () => {
  const fail = () => throwError(() => new Error('down'));

  it('keeps retries within the ratio of first attempts; refusals are counted', () => {
    const monitor = new AsyncWaitMonitor<number>();
    const results: string[] = [];
    range(0, 10)
      .pipe(
        orderedWait(fail, {
          retry: { count: 3, budget: { ratio: 0.5, minPerSecond: 0 } },
          onError: (_e, v) => [`E${v}`],
          monitor,
        }),
      )
      .subscribe((r) => results.push(r));
    // Every element still gets its result (its error, through onError).
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => `E${i}`));
    // Without a budget: 30 retries. With it: one per two first attempts; a refusal ends its
    // element (as if no retry were left), so each element is refused once.
    expect(monitor.figures).toMatchObject({ started: 10, retried: 5, retriesRefused: 10, failed: 10 });
  });

  it('minPerSecond allows retries over the window whatever the ratio', () => {
    const monitor = new AsyncWaitMonitor<number>();
    range(0, 10)
      .pipe(
        unorderedWait(fail, {
          retry: { count: 1, budget: { ratio: 0, minPerSecond: 0.3, window: 10_000 } },
          onError: () => [0],
          monitor,
        }),
      )
      .subscribe();
    // 0.3 per second over 10 s: a reserve of 3.
    expect(monitor.figures).toMatchObject({ retried: 3, retriesRefused: 7 });
  });

  it(
    'the window slides: first attempts older than `window` stop counting',
    marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const subject = new Subject<string>();
      const fn = (v: string) => (v === 'ok' ? of(v) : throwError(() => new Error(v)));
      subject
        .pipe(
          unorderedWait(fn, {
            retry: { count: 1, budget: { ratio: 0.5, minPerSecond: 0, window: 20 } },
            onError: () => of('E'),
            monitor,
            scheduler: m.scheduler,
          }),
        )
        .subscribe();
      const at = (frame: number, ...values: string[]) =>
        m.scheduler.schedule(() => values.forEach((v) => subject.next(v)), frame);
      at(1, 'ok', 'ok', 'ok', 'ok');
      // 5 first attempts in the window: 2.5 retries allowed, none used yet.
      at(10, 'bad');
      // 6 first attempts, 1 retry: one more allowed.
      at(12, 'bad');
      // The window (20 ms, sliding by 2) now holds only this first attempt: 0.5, refused.
      at(32, 'bad');
      m.flush();
      expect(monitor.figures).toMatchObject({ started: 7, retried: 2, retriesRefused: 1 });
    }),
  );

  it('a refused retry on a result emits that result as it is', () => {
    const out: number[][] = [];
    const monitor = new AsyncWaitMonitor<number>();
    of(1, 2)
      .pipe(
        orderedWait((v: number) => [v], {
          retry: { count: 2, ifResult: () => true, budget: { ratio: 0, minPerSecond: 0 } },
          monitor,
        }),
      )
      .subscribe((v) => out.push([v]));
    expect(out).toEqual([[1], [2]]);
    expect(monitor.figures).toMatchObject({ retried: 0, retriesRefused: 2 });
  });

  it('every subscription has its own budget', () => {
    const monitor = new AsyncWaitMonitor<number>();
    const operator = unorderedWait(fail, {
      retry: { count: 5, budget: { ratio: 0.5, minPerSecond: 0 } },
      onError: () => [0],
      monitor,
    });
    range(0, 4).pipe(operator).subscribe();
    const first = monitor.figures.retried;
    range(0, 4).pipe(operator).subscribe();
    expect(first).toBe(2);
    expect(monitor.figures.retried).toBe(2);
  });
});
