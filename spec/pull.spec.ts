import { readFileSync } from 'fs';
import { join } from 'path';
import {
  defer,
  map,
  Observable,
  take,
  tap,
  timer,
  VirtualTimeScheduler,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { TestScheduler } from 'rxjs/testing';
import {
  AsyncWaitMonitor,
  orderedWaitFrom,
  orderedWaitIterable,
  unorderedWaitFrom,
  unorderedWaitIterable,
} from '../lib';

// The pull front (issue 12, part 1) in virtual time. A synchronous iterable is read synchronously,
// so with cold Observables as calls everything happens on the TestScheduler: when each value is
// read, when calls start, what is emitted. (Async sources are in pullAsync.spec.ts.)

const isW = (v: string): v is 'W' => v === 'W';

/** A synchronous iterable that records the frame of every read (`next()`) and counts `return()`. */
function recorded<T>(values: readonly T[], now: () => number, throwAt = -1) {
  const reads: number[] = [];
  let returns = 0;
  let index = 0;
  const iterator: IterableIterator<T> = {
    next() {
      reads.push(now());
      if (index === throwAt) throw new Error(`read ${index} failed`);
      return index < values.length ? { value: values[index++], done: false } : { value: undefined, done: true };
    },
    return() {
      returns++;
      return { value: undefined, done: true };
    },
    [Symbol.iterator]: () => iterator,
  };
  return { iterable: iterator, reads, returns: () => returns };
}

// The pictures of the TSDoc of the four functions: the call, then `fn(x):` lines whose column is the
// frame where x was read and its call started, and the result.
const pictures = {
  orderedWaitFrom: `
fn(a):    --A|
fn(b):    ---B|
fn(c):       --C|
fn(d):        --D|
result:   ---AB-C(D|)`,
  unorderedWaitFrom: `
fn(a):    ---A|
fn(b):    -B|
fn(c):      --C|
fn(d):        -D|
result:   --B-AC(D|)`,
  'orderedWaitFrom barriers': `
fn(a):    --A|
fn(b):       ---B|
result:   ---(AW)(B|)`,
  'unorderedWaitFrom barriers': `
fn(a):    ----A|
fn(b):    -B|
fn(c):         ----C|
result:   -----(AWB)(C|)`,
};

interface Line {
  label: string;
  marble: string;
  offset: number;
}

function parse(picture: string): Line[] {
  return picture
    .trim()
    .split('\n')
    .map((line) => {
      const match = /^(\S+):( +)(\S+)/.exec(line)!;
      return { label: match[1], marble: match[3], offset: match[1].length + 1 + match[2].length - 10 };
    });
}

/** The ```text blocks of a lib file's TSDoc, without the comment's ` * `. */
function tsdocPictures(file: string): string[] {
  const source = readFileSync(join(__dirname, '..', 'lib', file), 'utf8');
  return [...source.matchAll(/ \* ```text\n([\s\S]*?) \* ```/g)].map((m) =>
    m[1]
      .split('\n')
      .map((line) => line.replace(/^ \* ?/, ''))
      .join('\n')
      .trim(),
  );
}

/**
 * Runs a picture: `build(iterable, fn)` over a recorded iterable of `values`, asserting the result,
 * that each fn(x) was called once where its line starts, and that each non-barrier value was read
 * in that frame too (a value is read when it may start).
 */
function runPicture(
  picture: string,
  values: string[],
  build: (iterable: Iterable<string>, fn: (v: string) => ObservableInput<string>) => Observable<string>,
) {
  const lines = parse(picture);
  const inners = lines.filter((l) => l.label.startsWith('fn('));
  const result = lines.find((l) => l.label === 'result')!;
  const calls: Array<[string, number]> = [];
  const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
  const source = recorded(values, () => scheduler.now());
  scheduler.run(({ cold, expectObservable }) => {
    const colds = new Map(inners.map((l) => [l.label.slice(3, 4), cold(l.marble)]));
    const fn = (v: string) => {
      calls.push([v, scheduler.now()]);
      return colds.get(v)!;
    };
    expectObservable(defer(() => build(source.iterable, fn))).toBe(result.marble);
  });
  const letter = (l: Line) => l.label.slice(3, 4);
  expect(calls).toEqual(inners.map((l) => [letter(l), l.offset]));
  expect(inners.map((l) => [letter(l), source.reads[values.indexOf(letter(l))]])).toEqual(
    inners.map((l) => [letter(l), l.offset]),
  );
  // Every value and the end were read, once each; return() was called once.
  expect(source.reads).toHaveLength(values.length + 1);
  expect(source.returns()).toBe(1);
}

/**
 * Runs `body` on a VirtualTimeScheduler frame by frame up to `last`, letting Promise jobs (an
 * async consumer's `for await`) run between frames, with the clock standing at that frame, as
 * TestScheduler.run cannot (it flushes every frame in one synchronous go).
 */
async function stepFrames(last: number, body: (scheduler: VirtualTimeScheduler) => void): Promise<void> {
  const scheduler = new VirtualTimeScheduler();
  body(scheduler);
  for (let frame = 0; frame <= last; frame++) {
    scheduler.maxFrames = frame;
    scheduler.flush();
    scheduler.frame = frame;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `fn` over a table of call lengths in frames; the result is the value upper-cased. */
function timed(scheduler: SchedulerLike, frames: Record<string, number>, calls?: Array<[string, number]>) {
  return (v: string) => {
    calls?.push([v, scheduler.now()]);
    return timer(frames[v], scheduler).pipe(map(() => v.toUpperCase()));
  };
}

// prettier-ignore
describe('the pull front in virtual time', () => {
  describe('the pictures of the TSDoc', () => {
    it.each([
      ['orderedWaitFrom.ts', 0, 'orderedWaitFrom'],
      ['unorderedWaitFrom.ts', 0, 'unorderedWaitFrom'],
      ['orderedWaitFrom.ts', 1, 'orderedWaitFrom barriers'],
      ['unorderedWaitFrom.ts', 1, 'unorderedWaitFrom barriers'],
      ['orderedWaitIterable.ts', 0, 'orderedWaitFrom'],
      ['unorderedWaitIterable.ts', 0, 'unorderedWaitFrom'],
      ['orderedWaitIterable.ts', 1, 'orderedWaitFrom barriers'],
      ['unorderedWaitIterable.ts', 1, 'unorderedWaitFrom barriers'],
    ] as const)('%s picture %i is the tested picture %s', (file, i, id) => {
      const documented = tsdocPictures(file)[i].split('\n').slice(1).join('\n');
      // The iterable forms label the output `yields:`; lines may end with a note.
      const strip = (text: string) => text.replace(/^yields:/m, 'result:').replace(/ {2,}\S.*$/gm, '');
      expect(strip(documented)).toBe(strip(pictures[id].trim()));
    });

    it('orderedWaitFrom: c and d are read only as a and b leave, each when it may start', () => {
      runPicture(pictures.orderedWaitFrom, ['a', 'b', 'c', 'd'], (it, fn) => orderedWaitFrom(it, fn, { capacity: 2 }));
    });

    it('unorderedWaitFrom: a value is read as soon as any result leaves', () => {
      runPicture(pictures.unorderedWaitFrom, ['a', 'b', 'c', 'd'], (it, fn) => unorderedWaitFrom(it, fn, { capacity: 2 }));
    });

    it('orderedWaitFrom barriers: a waiting barrier holds a slot, so it holds back reading', () => {
      runPicture(pictures['orderedWaitFrom barriers'], ['a', 'W', 'b'], (it, fn) =>
        orderedWaitFrom(it, fn, { isBarrier: isW, capacity: 2 }));
    });

    it('unorderedWaitFrom barriers: no result crosses the barrier, and c is read when they have all left', () => {
      runPicture(pictures['unorderedWaitFrom barriers'], ['a', 'W', 'b', 'c'], (it, fn) =>
        unorderedWaitFrom(it, fn, { isBarrier: isW, capacity: 3 }));
    });

    it.each([
      ['orderedWaitIterable', orderedWaitIterable, { a: 3, b: 4, c: 3, d: 3 }, [['A', 3], ['B', 4], ['C', 6], ['D', 7]]],
      ['unorderedWaitIterable', unorderedWaitIterable, { a: 4, b: 2, c: 3, d: 2 }, [['B', 2], ['A', 4], ['C', 5], ['D', 6]]],
    ] as const)('%s, to a consumer always waiting in next(), reads, calls and yields as the picture shows', async (name, iterable, frames, expected) => {
      const calls: Array<[string, number]> = [];
      const yielded: Array<[string, number]> = [];
      let source!: ReturnType<typeof recorded<string>>;
      await stepFrames(10, (scheduler) => {
        source = recorded(['a', 'b', 'c', 'd'], () => scheduler.now());
        void (async () => {
          for await (const v of iterable(source.iterable, timed(scheduler, frames, calls), { capacity: 2 })) yielded.push([v, scheduler.now()]);
        })();
      });
      expect(yielded).toEqual(expected);
      const picture = parse(pictures[name === 'orderedWaitIterable' ? 'orderedWaitFrom' : 'unorderedWaitFrom']);
      expect(calls).toEqual(picture.filter((l) => l.label.startsWith('fn(')).map((l) => [l.label.slice(3, 4), l.offset]));
      expect(source.reads.slice(0, 4)).toEqual(calls.map(([, frame]) => frame));
      expect(source.returns()).toBe(1);
    });
  });

  describe('backpressure', () => {
    it('a slow consumer throttles the reading: results it has not taken count against capacity', async () => {
      // Calls take 1 frame; the consumer takes a result, then waits 3 frames before the next next().
      const taken: Array<[string, number]> = [];
      let source!: ReturnType<typeof recorded<string>>;
      await stepFrames(30, (scheduler) => {
        source = recorded(['a', 'b', 'c', 'd', 'e', 'f'], () => scheduler.now());
        const fn = timed(scheduler, { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 });
        void (async () => {
          for await (const v of orderedWaitIterable(source.iterable, fn, { capacity: 2 })) {
            taken.push([v, scheduler.now()]);
            await new Promise((resolve) => scheduler.schedule(resolve, 3));
          }
        })();
      });
      expect(taken).toEqual([['A', 1], ['B', 4], ['C', 7], ['D', 10], ['E', 13], ['F', 16]]);
      // a and b at once; c when A is taken (B then waits untaken); then one read per take, at the take.
      expect(source.reads).toEqual([0, 0, 1, 4, 7, 10, 13]);
      expect(source.returns()).toBe(1);
    });

    it('the Observable form reads only while a slot is free', marbles((m) => {
      const source = recorded(['a', 'b', 'c', 'd', 'e'], () => m.scheduler.now());
      const out = orderedWaitFrom(source.iterable, (v) => m.cold('-x|', { x: v.toUpperCase() }), { capacity: 1 });
      m.expect(out).toBeObservable('--A-B-C-D-(E|)');
      m.flush();
      expect(source.reads).toEqual([0, 2, 4, 6, 8, 10]);
    }));
  });

  describe('the whole behaviour of the operators', () => {
    it('per-key order: a slow key does not hold back reading for the others', marbles((m) => {
      const source = recorded(['a1', 'x1', 'x2', 'a2'], () => m.scheduler.now());
      const inners: Record<string, string> = { a1: '----A|', x1: '-X|', x2: '-Y|', a2: '-B|' };
      const out = orderedWaitFrom(source.iterable, (v) => m.cold(inners[v]), { capacity: 2, key: (v) => v[0] });
      // X leaves at 2 while a1 still runs, so x2 is read then; a2 waits for Y's slot.
      m.expect(out).toBeObservable('--X-YA(B|)');
      m.flush();
      expect(source.reads).toEqual([0, 0, 2, 4, 5]);
    }));

    it('timeout, retry and fallbacks apply per element, with the source indices', marbles((m) => {
      const source = recorded(['a', 'b', 'c'], () => m.scheduler.now());
      const attempts: Record<string, number> = {};
      const fn = (v: string) => {
        attempts[v] = (attempts[v] ?? 0) + 1;
        if (v === 'a') return m.cold('------A|');
        if (v === 'b' && attempts.b === 1) return m.cold('-#');
        return m.cold('-(' + v.toUpperCase() + '|)');
      };
      const out = unorderedWaitFrom(source.iterable, fn, {
        capacity: 2,
        timeout: 5,
        retry: { count: 1, delay: 1 },
        onTimeout: (_v, i) => [`t${i}`],
      });
      // b fails at 1, is retried at 2 and completes at 3; c is read then; a times out at 5 (t0).
      m.expect(out).toBeObservable('---BC(t|)', { B: 'B', t: 't0', C: 'C' });
      m.flush();
      expect(attempts).toEqual({ a: 1, b: 2, c: 1 });
      expect(source.reads).toEqual([0, 0, 3, 4]);
    }));
  });

  describe('the monitor', () => {
    it('pending() lists what was read and not emitted, with positions in the iterable; unread values are not pending', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = recorded(['a', 'b', 'c', 'd', 'e'], () => m.scheduler.now());
      const inners: Record<string, string> = { a: '----A|', b: '-B|', c: '----------C|', d: '----D|' };
      const out = orderedWaitFrom(source.iterable, (v) => m.cold(inners[v]), { capacity: 2, monitor });
      const seen: unknown[] = [];
      m.scheduler.schedule(() => void seen.push([monitor.pending(), monitor.commitIndex, monitor.figures.buffered]), 3);
      m.expect(out, '^-----!').toBeObservable('-----(AB)');
      m.flush();
      // At 3: a in flight, b done behind it; c, d and e not read, so neither pending nor buffered.
      expect(seen).toEqual([[[{ index: 0, value: 'a' }, { index: 1, value: 'b' }], 0, 0]]);
      // Unsubscribed at 6: c and d in flight; e never read.
      expect(monitor.pending()).toEqual([{ index: 2, value: 'c' }, { index: 3, value: 'd' }]);
      expect(monitor.commitIndex).toBe(2);
      expect(monitor.figures).toMatchObject({ status: 'unsubscribed', started: 4, emitted: 2, buffered: 0 });
      expect(source.reads).toEqual([0, 0, 5, 5]);
      expect(source.returns()).toBe(1);
    }));
  });

  describe('the end of the run: return() exactly once, no read after it', () => {
    it('the source ends: return() once, and the output completes after the results', marbles((m) => {
      const source = recorded(['a'], () => m.scheduler.now());
      m.expect(orderedWaitFrom(source.iterable, (v) => m.cold('--x|', { x: v }))).toBeObservable('---(a|)');
      m.flush();
      expect(source.reads).toEqual([0, 0]);
      expect(source.returns()).toBe(1);
    }));

    it('an empty source completes at once', marbles((m) => {
      const source = recorded<string>([], () => m.scheduler.now());
      m.expect(unorderedWaitFrom(source.iterable, (v) => [v])).toBeObservable('|');
      m.flush();
      expect(source.returns()).toBe(1);
    }));

    it("the source's next() throws: the output errors with that error after the results before it", marbles((m) => {
      const source = recorded(['a', 'b', 'c', 'd'], () => m.scheduler.now(), 2);
      const errors: unknown[] = [];
      const out = orderedWaitFrom(source.iterable, (v) => [v.toUpperCase()], { capacity: 1 });
      m.expect(out.pipe(tap({ error: (e: unknown) => void errors.push(e) }))).toBeObservable('(AB#)', undefined, new Error('read 2 failed'));
      m.flush();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(Error);
      expect(source.reads).toEqual([0, 0, 0]);
      expect(source.returns()).toBe(1);
    }));

    it('a call fails: the output errors, the calls are torn down, return() once, nothing read after', marbles((m) => {
      const source = recorded(['a', 'b', 'c'], () => m.scheduler.now());
      const a = m.cold('-----A|');
      const out = unorderedWaitFrom(source.iterable, (v) => (v === 'a' ? a : m.cold('--#')), { capacity: 2 });
      m.expect(out).toBeObservable('--#');
      m.expect(a).toHaveSubscriptions('^-!');
      m.flush();
      expect(source.reads).toEqual([0, 0]);
      expect(source.returns()).toBe(1);
    }));

    it('downstream unsubscribes (take): return() once, nothing read after', marbles((m) => {
      const source = recorded(['a', 'b', 'c', 'd'], () => m.scheduler.now());
      const out = orderedWaitFrom(source.iterable, (v) => m.cold('-x|', { x: v }), { capacity: 2 }).pipe(take(1));
      m.expect(out).toBeObservable('--(a|)');
      m.flush();
      expect(source.reads).toEqual([0, 0]);
      expect(source.returns()).toBe(1);
    }));

    it('each subscription reads the iterable anew (an array twice; a one-shot iterator once)', marbles((m) => {
      const twice = orderedWaitFrom(['a', 'b'], (v) => [v]);
      m.expect(twice).toBeObservable('(ab|)');
      m.expect(twice).toBeObservable('(ab|)');
      const oneShot = recorded(['a', 'b'], () => m.scheduler.now());
      const once = orderedWaitFrom(oneShot.iterable, (v) => [v]);
      m.expect(once).toBeObservable('(ab|)');
      m.expect(once).toBeObservable('|');
    }));
  });
});
