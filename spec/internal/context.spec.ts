import { of } from 'rxjs';
import { orderedWait, type AsyncContext } from '../../lib';
import { readsContext } from '../../lib/internal/context';

// A context is made only for a function that may read its third argument; everything the
// detector cannot rule out gets one. The end-to-end cases check what fn really receives.

describe('readsContext', () => {
  it.each([
    ['(x) => x', (x: number) => x],
    ['x => x', eval('(x => x)') as (x: number) => number],
    ['(x, i) => x + i', (x: number, i: number) => x + i],
    [
      'function (x) { return x; }',
      function (x: number) {
        return x;
      },
    ],
    ['() => 1', () => 1],
    [
      'a method',
      {
        lookup(id: number) {
          return id;
        },
      }.lookup,
    ],
  ])('rules the context out for %s', (_shape, fn) => {
    expect(readsContext(fn as never)).toBe(false);
  });

  it.each([
    ['three parameters', (_x: number, _i: number, ctx: AsyncContext) => ctx],
    ['rest parameters', (x: number, ...rest: unknown[]) => [x, rest]],
    ['a default before it', eval('((x, i = 0, ctx) => ctx)')],
    ['destructuring', ({ id }: { id: number }) => id],
    [
      'arguments',
      function (this: unknown) {
        // eslint-disable-next-line prefer-rest-params -- the shape under test
        return arguments[2];
      },
    ],
    ['a bound function', ((x: number, _i: number, ctx: AsyncContext) => [x, ctx]).bind(null)],
    ['a native function', Math.max],
  ])('keeps the context for %s', (_shape, fn) => {
    expect(readsContext(fn as never)).toBe(true);
  });
});

describe('what fn receives', () => {
  function thirdArgument(fn: (...args: never[]) => unknown): unknown[] {
    const seen: unknown[] = [];
    of('a')
      .pipe(
        orderedWait(((...args: unknown[]) => {
          seen.push(...(fn as (...a: unknown[]) => unknown[])(...args));
          return ['A'];
        }) as never),
      )
      .subscribe();
    return seen;
  }

  it('a wrapper with rest parameters passes the context on', () => {
    const [ctx] = thirdArgument(((_v: string, ...rest: unknown[]) => [rest[1]]) as never);
    expect(ctx).toMatchObject({ attempt: 1 });
  });

  it('a function with three parameters gets its signal and attempt', () => {
    let received: AsyncContext | undefined;
    of('a')
      .pipe(orderedWait((_v: string, _i: number, ctx: AsyncContext) => ((received = ctx), ['A'])))
      .subscribe();
    expect(received!.attempt).toBe(1);
    expect(received!.signal).toBeInstanceOf(AbortSignal);
  });
});
