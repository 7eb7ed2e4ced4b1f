/**
 * The public types, checked by the compiler: `npm run typecheck` (tsc over spec/, the first step of
 * `npm test`; ts-jest only transpiles, as tsconfig sets isolatedModules) fails on a wrong
 * `expectTypeOf` or an unused `@ts-expect-error`. Where a line is rejected by the types and also by
 * the argument checks at creation, the test asserts both.
 */
import { expectTypeOf } from 'expect-type';
import {
  asyncScheduler,
  EMPTY,
  from,
  lastValueFrom,
  Observable,
  of,
  toArray,
  type ObservableInput,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import {
  AsyncTimeoutError,
  AsyncWaitMonitor,
  exponentialDelay,
  fixedDelay,
  orderedWait,
  unorderedWait,
  withResultFuture,
  type AsyncContext,
  type AsyncFunction,
  type AsyncRetryConfig,
  type AsyncWaitBarrierConfig,
  type AsyncWaitConfig,
  type PendingInput,
  type CallbackAsyncFunction,
  type ExponentialDelayConfig,
  type ResultFuture,
} from '../lib';

async function* names(n: number): AsyncGenerator<string> {
  yield `#${n}`;
}

// Both operators have the same signatures; every check runs against each.
const operators: [string, typeof orderedWait][] = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
];

it('orderedWait and unorderedWait have the same type, so checking one checks both', () => {
  expectTypeOf(unorderedWait).toEqualTypeOf<typeof orderedWait>();
});

describe.each(operators)('%s types', (_name, operator) => {
  describe('infer the result type R from what fn returns', () => {
    it('Promise<R>', async () => {
      const op = operator((n: number) => Promise.resolve(`#${n}`));
      expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, string>>();
      expect(await lastValueFrom(of(1).pipe(op))).toBe('#1');
    });

    it('an async function (Promise<R>)', () => {
      expectTypeOf(operator(async (n: number) => n > 0)).toEqualTypeOf<OperatorFunction<number, boolean>>();
    });

    it('Observable<R>', async () => {
      const op = operator((n: number) => of(`#${n}`, `#${n + 1}`));
      expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, string>>();
      expect(await lastValueFrom(of(1).pipe(op, toArray()))).toEqual(['#1', '#2']);
    });

    it('R[] and readonly R[]', async () => {
      const op = operator((n: number) => [`#${n}`]);
      expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, string>>();
      expectTypeOf(operator((n: number) => [n] as readonly number[])).toEqualTypeOf<OperatorFunction<number, number>>();
      expect(await lastValueFrom(of(1).pipe(op))).toBe('#1');
    });

    it('AsyncIterable<R>', async () => {
      const op = operator(names);
      expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, string>>();
      expect(await lastValueFrom(of(1).pipe(op))).toBe('#1');
    });

    it('Iterable<R> other than arrays', () => {
      expectTypeOf(operator((n: number) => new Set([`#${n}`]))).toEqualTypeOf<OperatorFunction<number, string>>();
    });

    it('a Promise of an array is one value, the array', () => {
      expectTypeOf(operator((n: number) => Promise.resolve([n]))).toEqualTypeOf<OperatorFunction<number, number[]>>();
    });

    it('EMPTY on one branch does not widen R', () => {
      expectTypeOf(operator((n: number) => (n > 0 ? of(`#${n}`) : EMPTY))).toEqualTypeOf<
        OperatorFunction<number, string>
      >();
    });

    it('T from the source when used inside pipe(), without annotations', () => {
      const out = of(1, 2).pipe(operator((n) => Promise.resolve(n * 2), 1000, 2));
      expectTypeOf(out).toEqualTypeOf<Observable<number>>();
      const configured = of('a').pipe(operator((s) => of(s.length), { timeout: 1000 }));
      expectTypeOf(configured).toEqualTypeOf<Observable<number>>();
    });

    it('R from fn and the fallbacks together (null fallbacks widen R to R | null)', () => {
      const op = operator((n: number) => Promise.resolve(`#${n}`), { onTimeout: () => of(null), onError: () => EMPTY });
      expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, string | null>>();
    });
  });

  describe('explicit type arguments <T, R>', () => {
    it('work with both forms', () => {
      expectTypeOf(operator<number, string>((n) => of(String(n)))).toEqualTypeOf<OperatorFunction<number, string>>();
      expectTypeOf(operator<number, string>((n) => of(String(n)), { capacity: 2 })).toEqualTypeOf<
        OperatorFunction<number, string>
      >();
    });

    it('are how to give R when the branches of fn return different result types', () => {
      // TypeScript infers one R per call and does not union candidates of different types.
      // @ts-expect-error Observable<number> | Promise<string> has no common R
      operator((n: number) => (n > 0 ? of(n) : Promise.resolve('none')));
      const op = operator<number, number | string>((n) => (n > 0 ? of(n) : Promise.resolve('none')));
      expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, number | string>>();
    });

    it('check fn against them', () => {
      // @ts-expect-error fn yields numbers, not strings
      operator<number, string>((n) => of(n));
      // @ts-expect-error the value is a number, not a string
      operator<number, string>((n: string) => of(n));
    });
  });

  describe('the context given to fn', () => {
    it('is (value: T, index: number, context: AsyncContext)', () => {
      operator((value: number, index, context) => {
        expectTypeOf(index).toEqualTypeOf<number>();
        expectTypeOf(context).toEqualTypeOf<AsyncContext>();
        expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(context.attempt).toEqualTypeOf<number>();
        return of(value);
      });
      expectTypeOf<AsyncFunction<number, string>>().parameters.toEqualTypeOf<[number, number, AsyncContext]>();
      expectTypeOf<AsyncFunction<number, string>>().returns.toEqualTypeOf<ObservableInput<string>>();
    });

    it('is read-only', () => {
      operator((value: number, _index, context) => {
        // @ts-expect-error signal is read-only
        context.signal = new AbortController().signal;
        // @ts-expect-error attempt is read-only
        context.attempt = 2;
        return of(value);
      });
    });

    it('gives handlers and retry predicates the value type T and the result type R', () => {
      operator((n: number) => of(`#${n}`), {
        onTimeout: (value, index) => {
          expectTypeOf(value).toEqualTypeOf<number>();
          expectTypeOf(index).toEqualTypeOf<number>();
          return EMPTY;
        },
        onError: (error, value, index) => {
          expectTypeOf(error).toEqualTypeOf<unknown>();
          expectTypeOf(value).toEqualTypeOf<number>();
          expectTypeOf(index).toEqualTypeOf<number>();
          return EMPTY;
        },
        retry: {
          count: 1,
          ifError: (error, value) => {
            expectTypeOf(error).toEqualTypeOf<unknown>();
            expectTypeOf(value).toEqualTypeOf<number>();
            return true;
          },
          ifResult: (result, value) => {
            expectTypeOf(result).toEqualTypeOf<readonly string[]>();
            expectTypeOf(value).toEqualTypeOf<number>();
            return result.length === 0;
          },
        },
      });
    });
  });

  describe('config objects', () => {
    const fn = (n: number): Observable<string> => of(`#${n}`);

    it('accept every documented option', () => {
      const config: AsyncWaitConfig<number, string> = {
        timeout: 1000,
        capacity: Infinity,
        onTimeout: () => of('late'),
        onError: () => EMPTY,
        retry: {
          count: 3,
          delay: exponentialDelay({ initial: 10, max: 100 }),
          ifError: () => true,
          ifResult: () => false,
        },
        scheduler: asyncScheduler,
      };
      expectTypeOf(operator(fn, config)).toEqualTypeOf<OperatorFunction<number, string>>();
      expectTypeOf(operator(fn, { retry: { count: 1, delay: 5 } })).toEqualTypeOf<OperatorFunction<number, string>>();
      expectTypeOf(operator(fn, { retry: { count: 1, delay: fixedDelay(5) } })).toEqualTypeOf<
        OperatorFunction<number, string>
      >();
      expectTypeOf<AsyncWaitConfig<number, string>['scheduler']>().toEqualTypeOf<SchedulerLike | undefined>();
    });

    it('with a type-guard isBarrier, emit results and barriers (R | B)', () => {
      type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
      type Watermark = Extract<Item, { kind: 'watermark' }>;
      const op = operator((item: Item) => of(`#${item.kind}`), {
        timeout: 1000,
        isBarrier: (item): item is Watermark => item.kind === 'watermark',
      });
      expectTypeOf(op).toEqualTypeOf<OperatorFunction<Item, string | Watermark>>();
      expectTypeOf(operator((n: number) => of(n), { key: (n) => n % 2 })).toEqualTypeOf<
        OperatorFunction<number, number>
      >();
    });

    it('accept an explicit undefined for every option, as the argument check does (forwarded settings)', async () => {
      const settings: { timeout?: number; capacity?: number; delay?: number } = {};
      const op = operator(fn, {
        timeout: settings.timeout,
        capacity: settings.capacity,
        onTimeout: undefined,
        onError: undefined,
        retry: { count: 1, delay: settings.delay, ifError: undefined, ifResult: undefined },
        scheduler: undefined,
        key: undefined,
        monitor: undefined,
      });
      expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, string>>();
      expectTypeOf<AsyncWaitConfig<number, string>['timeout']>().toEqualTypeOf<number | undefined>();
      expect(await lastValueFrom(of(1, 2).pipe(op, toArray()))).toEqual(['#1', '#2']);
      expect(await lastValueFrom(of(1).pipe(operator(fn, undefined, undefined)))).toBe('#1');
    });

    it('reject unknown keys (and so does the argument check at creation)', () => {
      // @ts-expect-error misspelt `timeout`
      expect(() => operator(fn, { timout: 1000 })).toThrow(TypeError);
      // @ts-expect-error `concurrency` is called `capacity` here
      expect(() => operator(fn, { concurrency: 4 })).toThrow(TypeError);
      // @ts-expect-error misspelt `count`
      expect(() => operator(fn, { retry: { retries: 2 } })).toThrow(TypeError);
      // @ts-expect-error unknown retry key
      expect(() => operator(fn, { retry: { count: 2, backoff: 10 } })).toThrow(TypeError);
    });

    it('reject wrong types (and so does the argument check at creation)', () => {
      // @ts-expect-error timeout is a number of milliseconds
      expect(() => operator(fn, { timeout: '1s' })).toThrow(TypeError);
      // @ts-expect-error capacity is a number
      expect(() => operator(fn, { capacity: '4' })).toThrow(TypeError);
      // @ts-expect-error onTimeout is a function
      expect(() => operator(fn, { onTimeout: of('late') })).toThrow(TypeError);
      // @ts-expect-error retry needs `count`
      expect(() => operator(fn, { retry: { delay: 10 } })).toThrow(TypeError);
      // @ts-expect-error delay is a number or a function of the retry number
      expect(() => operator(fn, { retry: { count: 1, delay: '10ms' } })).toThrow(TypeError);
      // @ts-expect-error a scheduler, not a string
      expect(() => operator(fn, { scheduler: 'async' })).toThrow(TypeError);
    });

    describe('with a type-guard isBarrier', () => {
      type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
      type Record = Extract<Item, { kind: 'record' }>;
      type Watermark = Extract<Item, { kind: 'watermark' }>;
      const isWatermark = (item: Item): item is Watermark => item.kind === 'watermark';
      const lookup = (record: Record): Promise<string> => Promise.resolve(`#${record.id}`);
      const items: Item[] = [
        { kind: 'record', id: 1 },
        { kind: 'watermark', time: 5 },
        { kind: 'record', id: 2 },
      ];

      it('pass fn only the values that are not barriers: Exclude<T, B>', async () => {
        // A function of records only fits, without a cast: a barrier never reaches fn.
        expectTypeOf(operator(lookup, { isBarrier: isWatermark })).toEqualTypeOf<
          OperatorFunction<Item, string | Watermark>
        >();
        const out = from(items).pipe(
          operator(
            (record) => {
              expectTypeOf(record).toEqualTypeOf<Record>();
              return lookup(record);
            },
            { isBarrier: isWatermark },
          ),
        );
        expectTypeOf(out).toEqualTypeOf<Observable<string | Watermark>>();
        expect(await lastValueFrom(out.pipe(toArray()))).toEqual(['#1', { kind: 'watermark', time: 5 }, '#2']);
      });

      it('pass fn Exclude<T, B> from an inline guard whose parameter type is written out', () => {
        const out = from(items).pipe(
          operator((record) => lookup(record), {
            isBarrier: (item: Item): item is Watermark => item.kind === 'watermark',
          }),
        );
        expectTypeOf(out).toEqualTypeOf<Observable<string | Watermark>>();
      });

      it('pass fn T from an inline guard with an unannotated parameter (typed after fn), with the same output', () => {
        const out = from(items).pipe(
          operator(
            (item) => {
              expectTypeOf(item).toEqualTypeOf<Item>();
              return of(item.kind === 'record' ? `#${item.id}` : 'never called');
            },
            { isBarrier: (item): item is Watermark => item.kind === 'watermark' },
          ),
        );
        expectTypeOf(out).toEqualTypeOf<Observable<string | Watermark>>();
      });

      it('give the callbacks the values that are not barriers too', () => {
        operator(lookup, {
          isBarrier: isWatermark,
          onTimeout: (value, index) => {
            expectTypeOf(value).toEqualTypeOf<Record>();
            expectTypeOf(index).toEqualTypeOf<number>();
            return EMPTY;
          },
          onError: (_error, value) => {
            expectTypeOf(value).toEqualTypeOf<Record>();
            return of(`failed ${value.id}`);
          },
          retry: {
            count: 1,
            ifError: (_error, value) => {
              expectTypeOf(value).toEqualTypeOf<Record>();
              return value.id > 0;
            },
            ifResult: (result, value) => {
              expectTypeOf(result).toEqualTypeOf<readonly string[]>();
              expectTypeOf(value).toEqualTypeOf<Record>();
              return result.length === 0;
            },
          },
          key: (value) => {
            expectTypeOf(value).toEqualTypeOf<Record>();
            return value.id % 2;
          },
        });
        expectTypeOf<AsyncWaitBarrierConfig<Item, string, Watermark>['isBarrier']>().toEqualTypeOf<
          (value: Item) => value is Watermark
        >();
        expectTypeOf<AsyncWaitBarrierConfig<Item, string, Watermark>['key']>().toEqualTypeOf<
          ((value: Record) => unknown) | undefined
        >();
      });

      it('accept a fn of every source value, barriers included (it is never given one)', () => {
        expectTypeOf(operator((item: Item) => of(item.kind), { isBarrier: isWatermark })).toEqualTypeOf<
          OperatorFunction<Item, 'record' | 'watermark' | Watermark>
        >();
      });
    });

    describe('with a monitor', () => {
      const lookup = (id: number): Promise<string> => Promise.resolve(`#${id}`);

      it('infer T from the source, not from an untyped monitor', async () => {
        const monitor = new AsyncWaitMonitor();
        expectTypeOf(monitor).toEqualTypeOf<AsyncWaitMonitor<unknown>>();
        const out = of(1, 2).pipe(operator((id) => lookup(id), { monitor }));
        expectTypeOf(out).toEqualTypeOf<Observable<string>>();
        expect(await lastValueFrom(out.pipe(toArray()))).toEqual(['#1', '#2']);
        expect(monitor.figures.emitted).toBe(2);
        expectTypeOf(monitor.pending()).toEqualTypeOf<PendingInput<unknown>[]>();
      });

      it('accept a monitor typed for the source, whose pending() is typed so', () => {
        const monitor = new AsyncWaitMonitor<number>();
        const out = of(1, 2).pipe(operator((id) => lookup(id), { monitor, timeout: 1000 }));
        expectTypeOf(out).toEqualTypeOf<Observable<string>>();
        expectTypeOf(monitor.pending()).toEqualTypeOf<PendingInput<number>[]>();
        expectTypeOf(operator(lookup, { monitor })).toEqualTypeOf<OperatorFunction<number, string>>();
      });

      it('with barriers, accept a monitor of the source type, barriers included', () => {
        type Item = number | 'tick';
        const monitor = new AsyncWaitMonitor<Item>();
        const out = of<Item[]>(1, 'tick', 2).pipe(
          operator((id) => lookup(id), { monitor, isBarrier: (item: Item): item is 'tick' => item === 'tick' }),
        );
        expectTypeOf(out).toEqualTypeOf<Observable<string | 'tick'>>();
      });
    });

    it('reject fallbacks of another result type', () => {
      // @ts-expect-error R is string: onTimeout must produce strings
      operator<number, string>(fn, { onTimeout: () => of(0) });
      // @ts-expect-error R is string: ifResult receives strings
      operator<number, string>(fn, { retry: { count: 1, ifResult: (result: readonly number[]) => result.length > 0 } });
    });

    it('are not combined with a capacity argument (and the argument check agrees)', () => {
      // @ts-expect-error the config form has no third argument
      expect(() => operator(fn, { timeout: 1000 }, 4)).toThrow(TypeError);
    });

    it('the positional form takes numbers only', () => {
      // @ts-expect-error timeout is a number
      expect(() => operator(fn, '1000')).toThrow(TypeError);
      // @ts-expect-error capacity is a number
      expect(() => operator(fn, 1000, '4')).toThrow(TypeError);
    });
  });
});

describe('helper types', () => {
  it('retry delays are functions of the retry number', () => {
    expectTypeOf(fixedDelay(10)).toEqualTypeOf<(retry: number) => number>();
    expectTypeOf(exponentialDelay({ initial: 10 })).toEqualTypeOf<(retry: number, index?: number) => number>();
    expectTypeOf<AsyncRetryConfig<number, string>['delay']>().toEqualTypeOf<
      number | ((retry: number, index: number) => number) | undefined
    >();
  });

  it('exponentialDelay rejects unknown keys and a missing initial (and so does the argument check)', () => {
    // @ts-expect-error misspelt `multiplier`
    expect(() => exponentialDelay({ initial: 10, factor: 2 })).toThrow(TypeError);
    expectTypeOf(() => exponentialDelay({ initial: 10 })).returns.toEqualTypeOf<
      (retry: number, index?: number) => number
    >();
    // @ts-expect-error `initial` is required
    expect(() => exponentialDelay({ max: 100 })).toThrow(TypeError);
    expectTypeOf<ExponentialDelayConfig>().toEqualTypeOf<{
      initial: number;
      multiplier?: number | undefined;
      max?: number | undefined;
      jitter?: 'full' | 'equal' | number | undefined;
      seed?: number | undefined;
      random?: (() => number) | undefined;
    }>();
    // An option given as undefined is its default, as in the operators' config.
    expect(exponentialDelay({ initial: 10, multiplier: undefined, max: undefined })(3)).toBe(40);
  });

  it('withResultFuture turns a callback function into an AsyncFunction of the same types', async () => {
    const callback: CallbackAsyncFunction<number, string> = (n, resultFuture, index, context) => {
      expectTypeOf(resultFuture).toEqualTypeOf<ResultFuture<string>>();
      expectTypeOf(index).toEqualTypeOf<number>();
      expectTypeOf(context).toEqualTypeOf<AsyncContext>();
      resultFuture.complete([`#${n}`]);
    };
    const fn = withResultFuture(callback);
    expectTypeOf(fn).toEqualTypeOf<AsyncFunction<number, string>>();
    expectTypeOf(orderedWait(fn)).toEqualTypeOf<OperatorFunction<number, string>>();
    expect(await lastValueFrom(from([1, 2]).pipe(orderedWait(fn), toArray()))).toEqual(['#1', '#2']);
    withResultFuture<number, string>((n, resultFuture) => {
      // @ts-expect-error results are strings
      resultFuture.complete([n]);
      // @ts-expect-error complete takes an iterable of results, not one result
      resultFuture.complete(`#${n}`.length);
    });
  });

  it('AsyncTimeoutError carries the element', () => {
    const error = new AsyncTimeoutError('x', 3, 100);
    expectTypeOf(error).toExtend<Error>();
    expectTypeOf(error.value).toEqualTypeOf<unknown>();
    expectTypeOf(error.index).toEqualTypeOf<number>();
    expectTypeOf(error.timeout).toEqualTypeOf<number>();
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, value: error.value, index: error.index, timeout: error.timeout }).toEqual({
      name: 'AsyncTimeoutError',
      value: 'x',
      index: 3,
      timeout: 100,
    });
  });
});

describe('under exactOptionalPropertyTypes', () => {
  // `npm run typecheck` runs without the flag, so this compiles a small program with it on (and
  // tsconfig.json's other options): options forwarded from optional settings, as a user with the
  // flag writes them. At run time an undefined option is the same as a missing one (checked above).
  const repo = resolve(__dirname, '..');
  const fixture = join(__dirname, '__exact_optional__.ts');
  const text = `
import { expectTypeOf } from 'expect-type';
import type { OperatorFunction } from 'rxjs';
import { exponentialDelay, orderedWait, unorderedWait, type AsyncWaitConfig } from '../lib';

interface Settings { timeout?: number; capacity?: number; retries?: number; delay?: number; maxDelay?: number }
declare const settings: Settings;
const lookup = (id: number): Promise<string> => Promise.resolve(\`#\${id}\`);
const config = {
  timeout: settings.timeout,
  capacity: settings.capacity,
  onTimeout: undefined,
  onError: undefined,
  retry: { count: settings.retries ?? 0, delay: settings.delay, ifError: undefined, ifResult: undefined },
  scheduler: undefined,
  key: undefined,
  monitor: undefined,
};
expectTypeOf(orderedWait(lookup, config)).toEqualTypeOf<OperatorFunction<number, string>>();
expectTypeOf(unorderedWait(lookup, { ...config, timeout: settings.timeout })).toEqualTypeOf<OperatorFunction<number, string>>();
export const forwarded: AsyncWaitConfig<number, string> = { timeout: settings.timeout, capacity: settings.capacity };
export const backoff = exponentialDelay({ initial: 100, multiplier: undefined, max: settings.maxDelay });
// The flag is on: a property declared without \`| undefined\` refuses an explicit undefined.
// @ts-expect-error exactOptionalPropertyTypes
export const control: { timeout?: number } = { timeout: settings.timeout };
`;

  it('an explicit undefined option compiles', () => {
    const { config } = ts.readConfigFile(join(repo, 'tsconfig.json'), (path) => readFileSync(path, 'utf8'));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repo);
    const compilerOptions = { ...options, exactOptionalPropertyTypes: true, noEmit: true };
    const host = ts.createCompilerHost(compilerOptions, true);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (path) => path === fixture || fileExists.call(host, path);
    host.readFile = (path) => (path === fixture ? text : readFile.call(host, path));
    host.getSourceFile = (path, languageVersion, ...rest) =>
      path === fixture
        ? ts.createSourceFile(path, text, languageVersion, true)
        : getSourceFile.call(host, path, languageVersion, ...rest);
    const program = ts.createProgram({ rootNames: [fixture], options: compilerOptions, host });
    const source = program.getSourceFile(fixture);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    expect(program.getCompilerOptions().exactOptionalPropertyTypes).toBe(true);
    expect(
      diagnostics.map((d) => {
        const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
        return `line ${line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }),
    ).toEqual([]);
  }, 60_000);
});
