import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expectTypeOf } from 'expect-type';
import { config, lastValueFrom, toArray, type Observable } from 'rxjs';
import {
  AsyncWaitMonitor,
  orderedWaitFrom,
  orderedWaitIterable,
  unorderedWaitFrom,
  unorderedWaitIterable,
} from '../lib';

// The pull front (issue 12, part 1) on real async sources: async generators, hand-written async
// iterators, Node streams. Promise jobs are not virtual, so each test waits for every pending job
// (setImmediate) and asserts only what does not depend on the machine's speed.

const settled = () => new Promise((resolve) => setImmediate(resolve));

/** An async generator of 0..n-1 that counts reads and `return()` calls and runs `onEnd` in its finally. */
function counted(n: number, onEnd: () => Promise<void> | void = () => undefined) {
  const stats = { reads: 0, returns: 0, finished: false };
  async function* values() {
    try {
      for (let i = 0; i < n; i++) {
        stats.reads++;
        yield i;
      }
      stats.reads++;
    } finally {
      await onEnd();
      stats.finished = true;
    }
  }
  const generator = values();
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => generator.next(),
      return: () => {
        stats.returns++;
        return generator.return(undefined);
      },
    }),
  };
  return { iterable, stats };
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('the pull front on async sources', () => {
  describe('backpressure', () => {
    it('the Observable form reads only while a slot is free', async () => {
      const { iterable, stats } = counted(100);
      const calls: Array<ReturnType<typeof deferred<number>>> = [];
      const subscription = orderedWaitFrom(
        iterable,
        () => {
          const call = deferred<number>();
          calls.push(call);
          return call.promise;
        },
        { capacity: 3 },
      ).subscribe();
      await settled();
      expect(stats.reads).toBe(3);
      calls[0].resolve(0);
      await settled();
      expect(stats.reads).toBe(4);
      // Ordered: a result done behind an earlier one keeps its slot.
      calls[2].resolve(2);
      await settled();
      expect(stats.reads).toBe(4);
      subscription.unsubscribe();
      await settled();
      expect(stats).toMatchObject({ reads: 4, returns: 1, finished: true });
    });

    it('the iterable reads nothing before the first next(), then only as fast as results are taken', async () => {
      const { iterable, stats } = counted(100);
      const iterator = unorderedWaitIterable(iterable, async (x) => x, { capacity: 5 })[Symbol.asyncIterator]();
      await settled();
      expect(stats.reads).toBe(0);
      expect(await iterator.next()).toEqual({ value: 0, done: false });
      await settled();
      // One result taken, five waiting for the consumer: capacity is full of them.
      expect(stats.reads).toBe(6);
      await iterator.next();
      await iterator.next();
      await settled();
      expect(stats.reads).toBe(8);
      await iterator.return!();
      expect(stats).toMatchObject({ reads: 8, returns: 1, finished: true });
    });

    it('a Node Readable as the source is read only as results are taken (its own read-ahead aside)', async () => {
      let produced = 0;
      const readable = new Readable({
        objectMode: true,
        highWaterMark: 4,
        read() {
          this.push(produced++);
        },
      });
      const iterator = orderedWaitIterable(readable, async (x: number) => x * 2, { capacity: 10 })[
        Symbol.asyncIterator
      ]();
      for (let i = 0; i < 5; i++) expect(await iterator.next()).toEqual({ value: i * 2, done: false });
      await settled();
      // Taken 5, held or waiting 10, and the Readable's buffer of 4 (plus the one it is reading).
      expect(produced).toBeLessThanOrEqual(5 + 10 + 4 + 1);
      await iterator.return!();
      expect(readable.destroyed).toBe(true);
    });
  });

  describe('the AsyncIterable shape', () => {
    it('works in stream.pipeline, in order, with a bounded number of values read ahead of the writer', async () => {
      const { iterable, stats } = counted(200);
      const written: string[] = [];
      let maxAhead = 0;
      await pipeline(
        Readable.from(iterable),
        (source: AsyncIterable<number>) => orderedWaitIterable(source, async (x: number) => `r${x}`, { capacity: 8 }),
        new Writable({
          objectMode: true,
          highWaterMark: 1,
          write(chunk: string, _encoding, callback) {
            written.push(chunk);
            maxAhead = Math.max(maxAhead, stats.reads - written.length);
            setImmediate(callback);
          },
        }),
      );
      expect(written).toEqual(Array.from({ length: 200 }, (_, i) => `r${i}`));
      // Readable.from's buffer (16 objects), the operator's capacity (8), the stream buffers between.
      expect(maxAhead).toBeLessThan(16 + 8 + 16);
      expect(stats.finished).toBe(true);
    });

    it("a consumer's break calls return() once and waits for it to settle", async () => {
      const cleanup = deferred();
      const { iterable, stats } = counted(100, () => cleanup.promise);
      const got: number[] = [];
      const loop = (async () => {
        for await (const v of orderedWaitIterable(iterable, async (x) => x, { capacity: 4 })) {
          got.push(v);
          if (v === 2) break;
        }
      })();
      let loopDone = false;
      void loop.then(() => (loopDone = true));
      await settled();
      expect(got).toEqual([0, 1, 2]);
      expect(stats.returns).toBe(1);
      expect(loopDone).toBe(false);
      cleanup.resolve();
      await loop;
      expect(stats).toMatchObject({ returns: 1, finished: true });
    });

    it("a source whose return() rejects: the consumer's break throws that error", async () => {
      const failure = new Error('cannot close');
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ value: 1, done: false }),
          return: async () => {
            throw failure;
          },
        }),
      };
      await expect(
        (async () => {
          for await (const v of orderedWaitIterable(source, async (x) => x)) if (v === 1) break;
        })(),
      ).rejects.toBe(failure);
    });

    it("an error thrown by the source's next() is thrown by the iterator, after the results before it", async () => {
      const failure = new Error('broker down');
      let returns = 0;
      async function* broken() {
        try {
          yield 1;
          yield 2;
          throw failure;
        } finally {
          returns++;
        }
      }
      const got: number[] = [];
      await expect(
        (async () => {
          for await (const v of orderedWaitIterable(broken(), async (x) => x * 10, { capacity: 1 })) got.push(v);
        })(),
      ).rejects.toBe(failure);
      expect(got).toEqual([10, 20]);
      expect(returns).toBe(1);
    });

    it('a failed call is thrown after the results before it; the source is closed once', async () => {
      const { iterable, stats } = counted(10);
      const failure = new Error('call 3 failed');
      const got: number[] = [];
      await expect(
        (async () => {
          for await (const v of orderedWaitIterable(
            iterable,
            async (x) => {
              if (x === 3) throw failure;
              return x;
            },
            { capacity: 1 },
          ))
            got.push(v);
        })(),
      ).rejects.toBe(failure);
      expect(got).toEqual([0, 1, 2]);
      expect(stats).toMatchObject({ returns: 1, finished: true });
    });

    it('next() calls made without waiting are answered in order; each run is independent', async () => {
      const iterable = orderedWaitIterable([1, 2, 3], async (x) => x * 2);
      const first = iterable[Symbol.asyncIterator]();
      const answers = await Promise.all([first.next(), first.next(), first.next(), first.next(), first.next()]);
      expect(answers).toEqual([
        { value: 2, done: false },
        { value: 4, done: false },
        { value: 6, done: false },
        { value: undefined, done: true },
        { value: undefined, done: true },
      ]);
      const second: number[] = [];
      for await (const v of iterable) second.push(v);
      expect(second).toEqual([2, 4, 6]);
    });
  });

  describe('the Observable shape', () => {
    it('unsubscribing while next() is outstanding calls return() at once, which is how a blocked read is cancelled', async () => {
      const blocked = deferred<IteratorResult<number>>();
      let returns = 0;
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: () => blocked.promise,
          return: async () => {
            returns++;
            blocked.resolve({ value: undefined, done: true });
            return { value: undefined, done: true };
          },
        }),
      };
      const subscription = unorderedWaitFrom(source, async (x) => x).subscribe();
      await settled();
      expect(returns).toBe(0);
      subscription.unsubscribe();
      expect(returns).toBe(1);
      await settled();
      expect(returns).toBe(1);
    });

    it('a return() that rejects after the output ended is reported as RxJS reports what it cannot deliver', async () => {
      const failure = new Error('cannot close');
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: () => new Promise<IteratorResult<number>>(() => undefined),
          return: () => Promise.reject(failure),
        }),
      };
      const reported: unknown[] = [];
      const saved = config.onUnhandledError;
      config.onUnhandledError = (error) => void reported.push(error);
      try {
        orderedWaitFrom(source, async (x) => x)
          .subscribe()
          .unsubscribe();
        await settled();
        await new Promise((resolve) => setTimeout(resolve, 0));
        expect(reported).toEqual([failure]);
      } finally {
        config.onUnhandledError = saved;
      }
    });

    it('a return() that rejects when the source is done errors the output with it', async () => {
      const failure = new Error('cannot close');
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ value: undefined, done: true }),
          return: () => Promise.reject(failure),
        }),
      };
      await expect(lastValueFrom(orderedWaitFrom(source, async (x) => x))).rejects.toBe(failure);
    });

    it('the monitor counts positions in the iterable; commitIndex follows emissions', async () => {
      const monitor = new AsyncWaitMonitor<number>();
      const { iterable } = counted(6);
      const calls = new Map<number, ReturnType<typeof deferred<number>>>();
      const got: number[] = [];
      const subscription = orderedWaitFrom(
        iterable,
        (x) => {
          calls.set(x, deferred<number>());
          return calls.get(x)!.promise;
        },
        { capacity: 3, monitor },
      ).subscribe((v) => got.push(v));
      await settled();
      expect(monitor.pending().map((p) => p.index)).toEqual([0, 1, 2]);
      calls.get(1)!.resolve(1);
      calls.get(0)!.resolve(0);
      await settled();
      expect(got).toEqual([0, 1]);
      expect(monitor.commitIndex).toBe(2);
      expect(monitor.pending()).toEqual([2, 3, 4].map((i) => ({ index: i, value: i })));
      expect(monitor.figures).toMatchObject({ buffered: 0, held: 3, started: 5 });
      subscription.unsubscribe();
    });

    it('maps an async generator in order, every value once', async () => {
      async function* values() {
        for (let i = 0; i < 50; i++) yield i;
      }
      const fn = async (x: number) => x * 3;
      const out = await lastValueFrom(orderedWaitFrom(values(), fn, { capacity: 7 }).pipe(toArray()));
      expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 3));
    });
  });

  describe('arguments', () => {
    const fns = [
      ['orderedWaitFrom', orderedWaitFrom],
      ['unorderedWaitFrom', unorderedWaitFrom],
      ['orderedWaitIterable', orderedWaitIterable],
      ['unorderedWaitIterable', unorderedWaitIterable],
    ] as const;

    it.each(fns)('%s refuses bad arguments at creation, naming them', (name, create) => {
      const call = create as (source: unknown, fn: unknown, config?: unknown) => unknown;
      const fn = (x: number) => [x];
      expect(() => call(42, fn)).toThrow(
        new TypeError(`${name}: expected \`source\` to be an AsyncIterable or an Iterable, got \`42\` (number)`),
      );
      expect(() => call(null, fn)).toThrow(TypeError);
      expect(() => call([1], fn, 1000)).toThrow(
        new TypeError(`${name}: expected \`config\` to be a config object or omitted, got \`1000\` (number)`),
      );
      expect(() => call([1], fn, { bufferSize: 10 })).toThrow(
        new TypeError(
          `${name}: expected \`config.bufferSize\` to be absent (a pull source is read only while a slot is free, so nothing waits in an input buffer), got \`10\` (number)`,
        ),
      );
      expect(() => call([1], fn, { overflow: 'dropOldest' })).toThrow(/`config.overflow` to be absent/);
      expect(() => call([1], 'fn')).toThrow(
        new TypeError(`${name}: expected \`fn\` to be a function, got \`"fn"\` (string)`),
      );
      expect(() => call([1], fn, { capacity: 0 })).toThrow(
        new RangeError(
          `${name}: expected \`config.capacity\` to be an integer from 1 and up or \`Infinity\`, got \`0\` (number)`,
        ),
      );
      expect(() => call([1], fn, { capasity: 1 })).toThrow(/`config.capasity` to be absent/);
    });

    it('types: the output is R, or R | B with barriers', () => {
      const isW = (v: string | number): v is 'W' => v === 'W';
      expectTypeOf(orderedWaitFrom([1, 2], (x) => [String(x)])).toEqualTypeOf<Observable<string>>();
      expectTypeOf(
        unorderedWaitFrom(['a', 'W'] as (string | number)[], async () => 1, { isBarrier: isW }),
      ).toEqualTypeOf<Observable<number | 'W'>>();
      expectTypeOf(orderedWaitIterable([1], async (x) => x > 0)).toEqualTypeOf<AsyncIterable<boolean>>();
      expectTypeOf(
        unorderedWaitIterable(['a', 'W'] as (string | number)[], async () => 1, { isBarrier: isW }),
      ).toEqualTypeOf<AsyncIterable<number | 'W'>>();
      // @ts-expect-error bufferSize is not an option of the pull front
      expect(() => orderedWaitFrom([1], (x) => [x], { bufferSize: 1 })).toThrow(TypeError);
    });
  });
});
