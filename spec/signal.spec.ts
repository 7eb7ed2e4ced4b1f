import { EMPTY, Observable, of } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import type { Context } from 'rxjs-marbles/jest';
import { orderedWait, unorderedWait, type AsyncContext } from '../lib';

const operators: Array<[string, typeof orderedWait]> = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
];

/**
 * An fn that returns `inners[value]` (or, given a list, the inner for the attempt) and records, per
 * value, the frame at which its signal aborted and every context it was called with.
 */
function watched(m: Context, inners: Record<string, Observable<string> | Observable<string>[]>) {
  const abortedAt: Record<string, number[]> = {};
  const contexts: Record<string, AsyncContext[]> = {};
  const fn = (value: string, _index: number, context: AsyncContext) => {
    (contexts[value] ??= []).push(context);
    if (contexts[value].length === 1) {
      context.signal.addEventListener('abort', () => (abortedAt[value] ??= []).push(m.scheduler.now()));
    }
    const inner = inners[value];
    return Array.isArray(inner) ? inner[context.attempt - 1] : inner;
  };
  return { fn, abortedAt, contexts };
}

// prettier-ignore
describe.each(operators)('%s AbortSignal (rule 9)', (_name, operator) => {
  it('aborts the signal of an entry that times out, at that frame; not the others', marbles((m) => {
    const source = m.cold(' -ab|   ');
    const expected = '      ---b-(t|)';

    const { fn, abortedAt } = watched(m, { a: m.cold('------'), b: m.cold('-(b|)') });
    m.expect(source.pipe(operator(fn, { timeout: 4, onTimeout: () => of('t') }))).toBeObservable(operator === orderedWait ? '-----(tb|)' : expected);
    m.flush();
    expect(abortedAt).toEqual({ a: [5] });
  }));

  it('aborts the signal of an entry that times out without onTimeout, and of every other in-flight entry', marbles((m) => {
    const { fn, abortedAt } = watched(m, { a: m.cold('------'), b: m.cold('--------') });
    m.expect(m.cold('-ab-').pipe(operator(fn, 3))).toBeObservable('----#', undefined, expect.anything());
    m.flush();
    expect(abortedAt).toEqual({ a: [4], b: [4] });
  }));

  it('aborts the signal of an entry that fails for good, also with onError', marbles((m) => {
    const { fn, abortedAt } = watched(m, { a: m.cold('---#'), b: m.cold('-----(b|)') });
    m.expect(m.cold('-ab|').pipe(operator(fn, { onError: () => EMPTY }))).toBeObservable('-------(b|)');
    m.flush();
    expect(abortedAt).toEqual({ a: [4] });
  }));

  it('aborts every in-flight signal when a failure errors the output', marbles((m) => {
    const { fn, abortedAt } = watched(m, { a: m.cold('---#'), b: m.cold('-----'), c: m.cold('------') });
    m.expect(m.cold('-abc').pipe(operator(fn))).toBeObservable('----#');
    m.flush();
    expect(abortedAt).toEqual({ a: [4], b: [4], c: [4] });
  }));

  it('aborts the signal of an fn that throws, and of every other in-flight entry', marbles((m) => {
    const { fn: watchedFn, abortedAt } = watched(m, { a: m.cold('-----'), b: m.cold('-') });
    const fn = (value: string, index: number, context: AsyncContext) => {
      const inner = watchedFn(value, index, context);
      if (value === 'b') throw new Error('fn failed');
      return inner;
    };
    m.expect(m.cold('-ab-').pipe(operator(fn))).toBeObservable('--#', undefined, new Error('fn failed'));
    m.flush();
    expect(abortedAt).toEqual({ a: [2], b: [2] });
  }));

  it('keeps one signal across the attempts and aborts it only when the last one fails', marbles((m) => {
    const { fn, abortedAt, contexts } = watched(m, { a: [m.cold('-#'), m.cold('-#'), m.cold('-#')] });
    m.expect(m.cold('-a-').pipe(operator(fn, { retry: { count: 2, delay: 1 } }))).toBeObservable('------#');
    m.flush();
    expect(contexts.a).toHaveLength(3);
    expect(contexts.a[1].signal).toBe(contexts.a[0].signal);
    expect(contexts.a[2].signal).toBe(contexts.a[0].signal);
    expect(abortedAt).toEqual({ a: [6] });
  }));

  it('does not abort the signal of a failed attempt that will be retried', marbles((m) => {
    const { fn, abortedAt, contexts } = watched(m, { a: [m.cold('-#'), m.cold('-(a|)')] });
    m.expect(m.cold('-a|').pipe(operator(fn, { retry: { count: 1, delay: 2 } }))).toBeObservable('-----(a|)');
    m.flush();
    expect(abortedAt).toEqual({});
    expect(contexts.a[0].signal.aborted).toBe(false);
  }));

  it('aborts the signals of entries waiting for a retry when the source errors', marbles((m) => {
    const { fn, abortedAt } = watched(m, { a: [m.cold('-#'), m.cold('-(a|)')], b: m.cold('-----') });
    m.expect(m.cold('-ab#').pipe(operator(fn, { retry: { count: 1, delay: 5 } }))).toBeObservable('---#');
    m.flush();
    expect(abortedAt).toEqual({ a: [3], b: [3] });
  }));

  it('aborts every in-flight signal on unsubscription, not those of entries that completed', marbles((m) => {
    const { fn, abortedAt } = watched(m, { a: m.cold('-----(a|)'), b: m.cold('-(b|)'), c: m.cold('--------') });
    const result = m.cold('-abc---').pipe(operator(fn));
    m.expect(result, '^---!').toBeObservable(operator === orderedWait ? '----' : '---b');
    m.flush();
    expect(abortedAt).toEqual({ a: [4], c: [4] });
  }));

  it('never aborts the signal of an entry that completed normally, nor when the output completes', marbles((m) => {
    const { fn, abortedAt, contexts } = watched(m, { a: m.cold('--(a|)'), b: m.cold('-|'), c: of('c') });
    m.expect(m.cold('-ab--c|').pipe(operator(fn, 10))).toBeObservable('---a-c|');
    m.flush();
    expect(abortedAt).toEqual({});
    expect(Object.values(contexts).every(([c]) => !c.signal.aborted)).toBe(true);
  }));

  it('never aborts the signal of an entry that completed but was waiting when the output errored', marbles((m) => {
    const { fn, abortedAt } = watched(m, { a: m.cold('----#'), b: m.cold('-(b|)') });
    m.expect(m.cold('-ab-').pipe(operator(fn))).toBeObservable(operator === orderedWait ? '-----#' : '---b-#');
    m.flush();
    expect(abortedAt).toEqual({ a: [5] });
  }));

  it('does not abort when retries on a result are exhausted: that is a normal completion', marbles((m) => {
    const { fn, abortedAt } = watched(m, { a: [m.cold('-(p|)'), m.cold('-(q|)')] });
    m.expect(m.cold('-a|').pipe(operator(fn, { retry: { count: 1, ifResult: () => true } }))).toBeObservable('---(q|)');
    m.flush();
    expect(abortedAt).toEqual({});
  }));

  it('aborts once only, even when the output is torn down while the fallback runs', marbles((m) => {
    const { fn, abortedAt } = watched(m, { a: m.cold('-------') });
    m.expect(m.cold('-a-').pipe(operator(fn, { timeout: 2, onTimeout: () => m.cold('----(x|)') })), '^-----!').toBeObservable('------');
    m.flush();
    expect(abortedAt).toEqual({ a: [3] });
  }));

  it('creates the signal lazily: read after the abort, it is already aborted', marbles((m) => {
    const contexts: Record<string, AsyncContext> = {};
    const fn = (value: string, _index: number, context: AsyncContext) => {
      // Keeps the context without reading `signal`, so that none is created during the call.
      contexts[value] = context;
      return value === 'a' ? m.cold('-------') : m.cold('-(b|)');
    };
    m.expect(m.cold('-ab|').pipe(operator(fn, { timeout: 3, onTimeout: () => EMPTY }))).toBeObservable(operator === orderedWait ? '----(b|)' : '---b|');
    m.flush();
    expect(contexts.a.signal.aborted).toBe(true);
    expect(contexts.a.signal).toBe(contexts.a.signal);
    expect(contexts.b.signal.aborted).toBe(false);
  }));
});
