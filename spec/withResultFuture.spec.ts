import { from, of } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import type { Context } from 'rxjs-marbles/jest';
import { orderedWait, unorderedWait, withResultFuture, type AsyncContext, type ResultFuture } from '../lib';

/** A callback-style fn that settles each value's ResultFuture with `settle` after `delay` frames. */
function later(m: Context, delay: number, settle: (future: ResultFuture<string>, value: string) => void) {
  return withResultFuture<string, string>((value, future) => {
    m.scheduler.schedule(() => settle(future, value), delay);
  });
}

// prettier-ignore
describe('withResultFuture', () => {
  it('the marble picture of its TSDoc: complete([A1, A2]) at frame 3 emits both there, then completes', marbles((m) => {
    const fn = withResultFuture<string, string>((_value, future) => {
      m.scheduler.schedule(() => future.complete(['A1', 'A2']), 3);
    });
    const inner = from(fn('a', 0, { signal: new AbortController().signal, attempt: 1 }));
    m.expect(inner).toBeObservable('---(xy|)', { x: 'A1', y: 'A2' });
  }));

  it('complete(results) gives the element all of them, emitted together', marbles((m) => {
    const fn = later(m, 3, (future, v) => future.complete([`${v}1`, `${v}2`]));
    m.expect(m.cold('-a----b|').pipe(orderedWait(fn))).toBeObservable('----(wx)-(yz|)', { w: 'a1', x: 'a2', y: 'b1', z: 'b2' });
  }));

  it('complete([]) emits nothing for the element and frees its slot', marbles((m) => {
    const calls: string[] = [];
    const fn = withResultFuture<string, string>((value, future) => {
      calls.push(value);
      m.scheduler.schedule(() => future.complete(value === 'a' ? [] : [value]), 2);
    });
    m.expect(m.cold('-ab|').pipe(orderedWait(fn, Infinity, 1))).toBeObservable('-----(b|)');
    m.flush();
    expect(calls).toEqual(['a', 'b']);
  }));

  it('complete accepts any iterable', marbles((m) => {
    function* results(v: string) {
      yield v;
      yield v.toUpperCase();
    }
    const fn = withResultFuture<string, string>((value, future) => future.complete(value === 'a' ? results(value) : new Set([value])));
    m.expect(m.cold('-a----b|').pipe(unorderedWait(fn))).toBeObservable('-(aA)-b|');
  }));

  it('completeExceptionally(error) fails the element: the output errors without onError', marbles((m) => {
    const error = new Error('lookup failed');
    const fn = later(m, 2, (future) => future.completeExceptionally(error));
    m.expect(m.cold('-a-').pipe(orderedWait(fn))).toBeObservable('---#', undefined, error);
  }));

  it('completeExceptionally(error) goes to retry, then to onError', marbles((m) => {
    const attempts: number[] = [];
    const errors: unknown[] = [];
    const fn = withResultFuture<string, string>((_value, future, _index, { attempt }) => {
      attempts.push(attempt);
      m.scheduler.schedule(() => future.completeExceptionally(new Error(`attempt ${attempt}`)), 1);
    });
    const onError = (error: unknown) => (errors.push(error), of('fallback'));
    m.expect(m.cold('-a|').pipe(orderedWait(fn, { retry: { count: 1 }, onError }))).toBeObservable('---(f|)', { f: 'fallback' });
    m.flush();
    expect(attempts).toEqual([1, 2]);
    expect(errors).toEqual([new Error('attempt 2')]);
  }));

  describe('the first call wins', () => {
    it('complete, then completeExceptionally: the results stand', marbles((m) => {
      const fn = later(m, 1, (future) => {
        future.complete(['first']);
        future.completeExceptionally(new Error('ignored'));
      });
      m.expect(m.cold('-a|').pipe(orderedWait(fn))).toBeObservable('--(x|)', { x: 'first' });
    }));

    it('completeExceptionally, then complete: the error stands', marbles((m) => {
      const error = new Error('first');
      const fn = later(m, 1, (future) => {
        future.completeExceptionally(error);
        future.complete(['ignored']);
      });
      m.expect(m.cold('-a|').pipe(orderedWait(fn))).toBeObservable('--#', undefined, error);
    }));

    it('complete twice: the first results stand', marbles((m) => {
      const fn = later(m, 1, (future) => {
        future.complete(['first']);
        future.complete(['second', 'third']);
      });
      m.expect(m.cold('-a|').pipe(orderedWait(fn))).toBeObservable('--(x|)', { x: 'first' });
    }));
  });

  describe('a throwing callback', () => {
    it('counts as completeExceptionally when it throws before settling', marbles((m) => {
      const error = new Error('callback threw');
      const fn = withResultFuture<string, string>(() => {
        throw error;
      });
      const onError = jest.fn((e: unknown, v: string, i: number) => of(e === error ? `${v}${i}` : 'wrong'));
      m.expect(m.cold('-a|').pipe(orderedWait(fn, { onError }))).toBeObservable('-x|', { x: 'a0' });
    }));

    it('is ignored when it throws after settling', marbles((m) => {
      const fn = withResultFuture<string, string>((value, future) => {
        future.complete([value]);
        throw new Error('too late to matter');
      });
      m.expect(m.cold('-a|').pipe(orderedWait(fn))).toBeObservable('-a|');
    }));
  });

  it('ignores calls after the element timed out', marbles((m) => {
    const futures: ResultFuture<string>[] = [];
    const fn = withResultFuture<string, string>((_value, future) => void futures.push(future));
    m.scheduler.schedule(() => {
      futures[0].complete(['late']);
      futures[0].completeExceptionally(new Error('late'));
    }, 5);
    m.expect(m.cold('-a----|').pipe(orderedWait(fn, { timeout: 2, onTimeout: () => of('t') }))).toBeObservable('---t--|');
  }));

  it('ignores calls after unsubscription', () => {
    const futures: ResultFuture<string>[] = [];
    const values: string[] = [];
    const fn = withResultFuture<string, string>((_value, future) => void futures.push(future));
    const subscription = of('a').pipe(orderedWait(fn)).subscribe((v) => values.push(v));
    subscription.unsubscribe();
    expect(() => futures[0].complete(['late'])).not.toThrow();
    expect(() => futures[0].completeExceptionally(new Error('late'))).not.toThrow();
    expect(values).toEqual([]);
  });

  it.each([
    ['a number', 42, '`42` (number)'],
    ['a single result object, not in an array', { id: 1 }, '`{"id":1}` (object)'],
    ['an array-like that is not iterable', { length: 1, 0: 'x' }, '`{"0":"x","length":1}` (object)'],
    ['null', null, '`null` (null)'],
  ])('fails the element with a TypeError when complete gets %s', (_what, results, shown) => {
    marbles((m) => {
      const fn = later(m, 1, (future) => future.complete(results as unknown as string[]));
      let failure: unknown;
      const values: string[] = [];
      m.cold('-a|').pipe(orderedWait(fn)).subscribe({ next: (v) => values.push(v), error: (e: unknown) => (failure = e) });
      m.flush();
      expect(values).toEqual([]);
      expect(failure).toBeInstanceOf(TypeError);
      expect((failure as Error).message).toBe(`ResultFuture.complete: expected \`results\` to be an iterable of results, got ${shown}`);
    })();
  });

  it('passes the value, the index and the context to the callback', marbles((m) => {
    const seen: [string, number, number, boolean][] = [];
    const fn = withResultFuture<string, string>((value, future, index, context: AsyncContext) => {
      seen.push([value, index, context.attempt, context.signal instanceof AbortSignal]);
      future.complete([value]);
    });
    m.expect(m.cold('-ab|').pipe(orderedWait(fn))).toBeObservable('-ab|');
    m.flush();
    expect(seen).toEqual([['a', 0, 1, true], ['b', 1, 1, true]]);
  }));

  it('lets the callback see the abort of its element through context.signal', marbles((m) => {
    const abortedAt: number[] = [];
    const fn = withResultFuture<string, string>((_value, _future, _index, { signal }) => {
      signal.addEventListener('abort', () => abortedAt.push(m.scheduler.now()));
    });
    m.expect(m.cold('-a-').pipe(orderedWait(fn, { timeout: 3, onTimeout: () => of('t') }))).toBeObservable('----t');
    m.flush();
    expect(abortedAt).toEqual([4]);
  }));
});
