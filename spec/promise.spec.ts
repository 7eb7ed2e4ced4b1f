import { firstValueFrom, from, lastValueFrom, of, range, toArray, type Observable } from 'rxjs';
import { AsyncTimeoutError, orderedWait, unorderedWait } from '../lib';

// Real timers, kept short. Every assertion is about order and outcome, never about elapsed time,
// so a slow machine makes these tests slower but not flaky.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const all = <T>(source: Observable<T>) => lastValueFrom(source.pipe(toArray()));

/**
 * Jest fails the running test when a Promise rejection goes unhandled (checked with a deliberate
 * one); this gives such a rejection the time to surface before the test ends.
 */
const letRejectionsSurface = () => sleep(20);

/** A macrotask: by its end, every reaction to a Promise settled before it has run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Promise inners', () => {
  // The test settles the Promises itself, last first, so the completion order does not depend on
  // timers firing in time.
  function lastFirst(operator: typeof orderedWait) {
    const calls = new Map<string, (value: string) => void>();
    const values: string[] = [];
    let completed = false;
    from(['a', 'b', 'c'])
      .pipe(operator((v: string) => new Promise<string>((resolve) => calls.set(v, resolve))))
      .subscribe({ next: (v) => values.push(v), complete: () => (completed = true) });
    return {
      values,
      completed: () => completed,
      answer: async (v: string) => (calls.get(v)!(v.toUpperCase()), settle()),
    };
  }

  it('orderedWait emits Promise results in source order', async () => {
    const run = lastFirst(orderedWait);
    await run.answer('c');
    await run.answer('b');
    expect(run.values).toEqual([]);
    await run.answer('a');
    expect(run.values).toEqual(['A', 'B', 'C']);
    expect(run.completed()).toBe(true);
  });

  it('unorderedWait emits Promise results in completion order', async () => {
    const run = lastFirst(unorderedWait);
    await run.answer('c');
    expect(run.values).toEqual(['C']);
    await run.answer('b');
    await run.answer('a');
    expect(run.values).toEqual(['C', 'B', 'A']);
    expect(run.completed()).toBe(true);
  });

  it('takes async functions, with the index and context', async () => {
    const result = from(['x', 'y']).pipe(
      orderedWait(async (v: string, i: number, { attempt, signal }) => {
        await sleep(1);
        return `${v}${i}:${attempt}:${signal.aborted}`;
      }),
    );
    expect(await all(result)).toEqual(['x0:1:false', 'y1:1:false']);
  });

  it.each([
    ['orderedWait', orderedWait],
    ['unorderedWait', unorderedWait],
  ] as const)('%s never has more than capacity Promises pending', async (_name, operator) => {
    const waits = [12, 3, 7, 1, 15, 2, 9, 4, 6, 11, 5, 8];
    let running = 0;
    let most = 0;
    const fn = async (i: number) => {
      running++;
      most = Math.max(most, running);
      await sleep(waits[i]);
      running--;
      return i;
    };
    const values = await all(range(0, waits.length).pipe(operator(fn, Infinity, 3)));
    expect(most).toBe(3);
    if (operator === orderedWait) expect(values).toEqual(waits.map((_, i) => i));
    else expect([...values].sort((x, y) => x - y)).toEqual(waits.map((_, i) => i));
  });

  it('a rejection errors the output with its reason', async () => {
    const error = new Error('rejected');
    const result = from(['a', 'b']).pipe(
      orderedWait((v: string) => (v === 'b' ? Promise.reject(error) : sleep(5).then(() => v))),
    );
    await expect(all(result)).rejects.toBe(error);
  });

  it('a rejection goes to retry, then to onError', async () => {
    const attempts: number[] = [];
    const result = of('a').pipe(
      orderedWait(
        async (_v: string, _i, { attempt }) => {
          attempts.push(attempt);
          throw new Error(`attempt ${attempt}`);
        },
        { retry: { count: 2, delay: 1 }, onError: (error) => [(error as Error).message] },
      ),
    );
    expect(await all(result)).toEqual(['attempt 3']);
    expect(attempts).toEqual([1, 2, 3]);
  });
});

describe('Promise inners with a timeout on the real asyncScheduler', () => {
  it('replaces a Promise that never settles by the onTimeout fallback, in order, and aborts its signal', async () => {
    let signalOfB: AbortSignal | undefined;
    const fn = (v: string, _i: number, { signal }: { signal: AbortSignal }) => {
      if (v !== 'b') return Promise.resolve(v);
      signalOfB = signal;
      return new Promise<string>(() => undefined);
    };
    const result = from(['a', 'b', 'c']).pipe(orderedWait(fn, { timeout: 30, onTimeout: (v) => [`${v} timed out`] }));
    expect(await all(result)).toEqual(['a', 'b timed out', 'c']);
    expect(signalOfB?.aborted).toBe(true);
  });

  it('errors with AsyncTimeoutError without onTimeout', async () => {
    const result = from(['a', 'b']).pipe(
      unorderedWait((v: string) => (v === 'a' ? new Promise<string>(() => undefined) : Promise.resolve(v)), 30),
    );
    const values: string[] = [];
    const failure = await new Promise<unknown>((resolve) =>
      result.subscribe({ next: (v) => values.push(v), error: resolve }),
    );
    expect(values).toEqual(['b']);
    expect(failure).toBeInstanceOf(AsyncTimeoutError);
    expect(failure).toMatchObject({ value: 'a', index: 0, timeout: 30 });
  });

  it('lets a Promise that watches the signal settle itself on abort, and ignores that settlement', async () => {
    const fn = (_v: string, _i: number, { signal }: { signal: AbortSignal }) =>
      new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const onError = jest.fn(() => ['onError']);
    const result = of('a').pipe(orderedWait(fn, { timeout: 20, onTimeout: () => ['onTimeout'], onError }));
    expect(await all(result)).toEqual(['onTimeout']);
    await letRejectionsSurface();
    expect(onError).not.toHaveBeenCalled();
  });

  it('ignores a Promise that resolves after its timeout', async () => {
    const late = deferred<string>();
    const values: string[] = [];
    const done = new Promise<void>((resolve) =>
      of('a')
        .pipe(orderedWait(() => late.promise, { timeout: 20, onTimeout: () => ['timeout'] }))
        .subscribe({ next: (v) => values.push(v), complete: resolve }),
    );
    await done;
    late.resolve('late');
    await sleep(5);
    expect(values).toEqual(['timeout']);
  });

  it('ignores a Promise that rejects after its timeout, leaving no unhandled rejection', async () => {
    const late = deferred<string>();
    const outcome = firstValueFrom(of('a').pipe(orderedWait(() => late.promise, 20)));
    await expect(outcome).rejects.toBeInstanceOf(AsyncTimeoutError);
    late.reject(new Error('late rejection'));
    await letRejectionsSurface();
  });

  it('ignores a Promise that rejects after unsubscription, leaving no unhandled rejection', async () => {
    const pending = deferred<string>();
    const values: string[] = [];
    const errors: unknown[] = [];
    const subscription = of('a')
      .pipe(unorderedWait(() => pending.promise))
      .subscribe({ next: (v) => values.push(v), error: (e) => errors.push(e) });
    await sleep(1);
    subscription.unsubscribe();
    pending.reject(new Error('after unsubscribe'));
    await letRejectionsSurface();
    expect(values).toEqual([]);
    expect(errors).toEqual([]);
  });
});
