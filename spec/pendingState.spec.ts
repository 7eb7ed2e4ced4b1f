import fc from 'fast-check';
import {
  concatMap,
  EMPTY,
  from,
  map,
  NEVER,
  Observable,
  of,
  Subject,
  take,
  tap,
  throwError,
  timer,
  VirtualTimeScheduler,
  type ObservableInput,
  type OperatorFunction,
} from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, orderedWait, unorderedWait, type PendingInput } from '../lib';
import { documentedFigure, runFigure } from './support/figures';

type Inners = Record<string, Observable<string>>;
const operators = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const;

const pendingOf = (...pairs: [number, string][]): PendingInput<string>[] =>
  pairs.map(([index, value]) => ({ index, value }));

// The figure of docs/semantics.md, section 12 (pending inputs); run below and compared with the page.
const figures = {
  'pending-restart': `
orderedWait(fn, { capacity: 2, monitor })
source:  -abcd-----
fn(a):    ---A|
fn(b):     -B|
fn(c):        -----C|
subs:    -----^---!
fn(d):        -D|
unsub:   ---------!
result:  -----(AB)-`,
};

// prettier-ignore
describe('pending inputs and commit index (AsyncWaitMonitor.pending, .commitIndex)', () => {
  describe('the figure of docs/semantics.md', () => {
    it('pending-restart is on the page as tested here', () => {
      expect(documentedFigure('pending-restart')).toBe(figures['pending-restart'].trim());
    });

    it('pending-restart: after unsubscription, c (in flight) and d (completed, not emitted) are pending; commit index 2', () => {
      const monitor = new AsyncWaitMonitor<string>();
      runFigure(figures['pending-restart'], (fn) => orderedWait(fn, { capacity: 2, monitor }));
      expect(monitor.pending()).toEqual(pendingOf([2, 'c'], [3, 'd']));
      expect(monitor.commitIndex).toBe(2);
      expect(monitor.figures.status).toBe('unsubscribed');
    });
  });

  describe('what is pending, at given frames', () => {
    it('held (in flight, completed behind an earlier one) and buffered values, in source order with indices', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('  -abcd-------|');
      const a = m.cold('        -----A|      ');
      const b = m.cold('         -B|         ');
      const c = m.cold('        ---C|        ');
      const d = m.cold('        ----D|       ');
      const inners: Inners = { a, b, c, d };
      m.expect(source.pipe(orderedWait((v: string) => inners[v], { capacity: 2, monitor }))).toBeObservable('-------(AB)C(D|)');
      const reads: Record<number, [PendingInput<string>[], number]> = {};
      // Read at frames where nothing else happens (a read scheduled for frame f runs before f's own events).
      for (const frame of [0, 2, 5, 10, 12, 13]) m.scheduler.schedule(() => (reads[frame] = [monitor.pending(), monitor.commitIndex]), frame);
      m.flush();
      expect(reads).toEqual({
        0: [[], 0],
        2: [pendingOf([0, 'a']), 0],
        5: [pendingOf([0, 'a'], [1, 'b'], [2, 'c'], [3, 'd']), 0], // b completed, c and d buffered
        10: [pendingOf([2, 'c'], [3, 'd']), 2],
        12: [pendingOf([3, 'd']), 3],
        13: [[], 4],
      });
    }));

    it('unorderedWait: results already out are not pending; the commit index stays at the oldest one that is', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('  -abc--------|');
      const a = m.cold('        ------A|     ');
      const b = m.cold('         -B|         ');
      const c = m.cold('          --C|       ');
      const inners: Inners = { a, b, c };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], { monitor }))).toBeObservable('----B-C-A---|');
      const reads: Record<number, [PendingInput<string>[], number]> = {};
      for (const frame of [5, 7, 9]) m.scheduler.schedule(() => (reads[frame] = [monitor.pending(), monitor.commitIndex]), frame);
      m.flush();
      expect(reads).toEqual({
        5: [pendingOf([0, 'a'], [2, 'c']), 0],
        7: [pendingOf([0, 'a']), 0],
        9: [[], 3],
      });
    }));

    it('entries waiting for a retry, running a fallback, and barriers waiting are pending too', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('  -abW|');
      const a1 = m.cold('       -#');
      const a2 = m.cold('       -A|');
      const b = m.cold('        --#');
      const fallback = m.cold(' ----E|');
      const result = source.pipe(
        unorderedWait((v: string, _i, { attempt }) => (v === 'a' ? [a1, a2][attempt - 1] : b), {
          monitor,
          retry: { count: 1, delay: 4, ifError: (_e, v) => v === 'a' },
          onError: () => fallback,
          isBarrier: (v: string): v is 'W' => v === 'W',
        }),
      );
      m.expect(result).toBeObservable('--------A(EW|)');
      const reads: Record<number, PendingInput<string>[]> = {};
      // 4: a waits for its retry (due at 6), b's call runs; 5: b's fallback runs; W waits behind both.
      for (const frame of [4, 5]) m.scheduler.schedule(() => (reads[frame] = monitor.pending()), frame);
      m.flush();
      expect(reads).toEqual({
        4: pendingOf([0, 'a'], [1, 'b'], [2, 'W']),
        5: pendingOf([0, 'a'], [1, 'b'], [2, 'W']),
      });
    }));

    it('returns a new array on every call', () => {
      const monitor = new AsyncWaitMonitor<number>();
      const subscription = of(1, 2).pipe(orderedWait(() => NEVER, { monitor })).subscribe();
      const first = monitor.pending();
      first.pop();
      expect(monitor.pending()).toEqual([{ index: 0, value: 1 }, { index: 1, value: 2 }]);
      expect(monitor.pending()).not.toBe(monitor.pending());
      subscription.unsubscribe();
      const after = monitor.pending();
      after.length = 0;
      expect(monitor.pending()).toHaveLength(2);
    });

    it('reads nothing before any subscription', () => {
      const monitor = new AsyncWaitMonitor<number>();
      expect(monitor.pending()).toEqual([]);
      expect(monitor.commitIndex).toBe(0);
    });

    it('can be read from inside fn and from a subscriber, synchronously', () => {
      const monitor = new AsyncWaitMonitor<string>();
      const insideFn: number[][] = [];
      const insideNext: number[][] = [];
      from(['a', 'b', 'c'])
        .pipe(
          orderedWait(
            (v: string) => {
              insideFn.push(monitor.pending().map((p) => p.index));
              return [v];
            },
            { monitor, capacity: 1 },
          ),
        )
        .subscribe(() => insideNext.push(monitor.pending().map((p) => p.index)));
      // Inside fn the element being started is pending; in next, the one being emitted no longer is.
      expect(insideFn).toEqual([[0], [1], [2]]);
      expect(insideNext).toEqual([[], [], []]);
    });
  });

  describe('after the subscription ended: what was pending at that moment', () => {
    it.each(operators)('%s: completed: nothing; the commit index is the number of values', (_name, operator) => {
      const monitor = new AsyncWaitMonitor<number>();
      of(1, 2, 3).pipe(operator((v: number) => [v], { monitor })).subscribe();
      expect(monitor.pending()).toEqual([]);
      expect(monitor.commitIndex).toBe(3);
      expect(monitor.figures.status).toBe('completed');
    });

    it.each(operators)('%s: source error: held and buffered values', (_name, operator) => marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('  -abc-#');
      const a = m.cold('        --A|  ');
      const b = m.cold('         -------B|');
      const inners: Inners = { a, b, c: NEVER as Observable<string> };
      m.expect(source.pipe(operator((v: string) => inners[v], { monitor, capacity: 2 }))).toBeObservable('----A#');
      m.flush();
      expect(monitor.pending()).toEqual(pendingOf([1, 'b'], [2, 'c']));
      expect(monitor.commitIndex).toBe(1);
      expect(monitor.figures.status).toBe('errored');
    })());

    it.each(operators)('%s: an element that failed the output stays pending', (_name, operator) => marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('  -ab--');
      const a = m.cold('        -A|  ');
      const b = m.cold('         --# ');
      const inners: Inners = { a, b };
      m.expect(source.pipe(operator((v: string) => inners[v], { monitor }))).toBeObservable('---A#');
      m.flush();
      expect(monitor.pending()).toEqual(pendingOf([1, 'b']));
      expect(monitor.commitIndex).toBe(1);
    })());

    it.each(operators)('%s: an element that timed out without onTimeout stays pending', (_name, operator) => marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('-ab--');
      const result = source.pipe(operator(() => NEVER, { monitor, timeout: 3 }));
      m.expect(result).toBeObservable('----#', undefined, expect.anything());
      m.flush();
      expect(monitor.pending()).toEqual(pendingOf([0, 'a'], [1, 'b']));
    })());

    it.each(operators)('%s: an element whose onError or onTimeout threw stays pending', (_name, operator) => {
      const monitor = new AsyncWaitMonitor<string>();
      const thrown = new Error('handler broke');
      const errors: unknown[] = [];
      of('a', 'b')
        .pipe(
          operator((v: string) => (v === 'b' ? throwError(() => new Error('call failed')) : NEVER), {
            monitor,
            onError: () => {
              throw thrown;
            },
          }),
        )
        .subscribe({ error: (e) => errors.push(e) });
      expect(errors).toEqual([thrown]);
      expect(monitor.pending()).toEqual(pendingOf([0, 'a'], [1, 'b']));

      const timeoutMonitor = new AsyncWaitMonitor<string>();
      const scheduler = new VirtualTimeScheduler();
      of('a')
        .pipe(
          operator(() => NEVER, {
            monitor: timeoutMonitor,
            scheduler,
            timeout: 5,
            onTimeout: () => {
              throw thrown;
            },
          }),
        )
        .subscribe({ error: () => undefined });
      scheduler.flush();
      expect(timeoutMonitor.figures.status).toBe('errored');
      expect(timeoutMonitor.pending()).toEqual(pendingOf([0, 'a']));
    });

    it.each(operators)('%s: a value whose key or isBarrier threw stays pending, and the commit index does not pass it', (_name, operator) => {
      const thrown = new Error('bad value');
      const keyMonitor = new AsyncWaitMonitor<string>();
      of('a', 'b', 'c')
        .pipe(operator((v: string) => (v === 'a' ? [v] : NEVER), { monitor: keyMonitor, key: (v) => { if (v === 'b') throw thrown; return v; } }))
        .subscribe({ error: () => undefined });
      expect(keyMonitor.pending()).toEqual(pendingOf([1, 'b']));
      expect(keyMonitor.commitIndex).toBe(1);

      const barrierMonitor = new AsyncWaitMonitor<string>();
      of('a')
        .pipe(operator((v: string) => [v], { monitor: barrierMonitor, isBarrier: (v: string): v is 'W' => { if (v === 'a') throw thrown; return false; } }))
        .subscribe({ error: () => undefined });
      expect(barrierMonitor.pending()).toEqual(pendingOf([0, 'a']));
      expect(barrierMonitor.commitIndex).toBe(0);
    });

    it('an element whose results were being emitted when downstream unsubscribed is not pending (its first result is out)', () => {
      const monitor = new AsyncWaitMonitor<string>();
      const out: string[] = [];
      of('a', 'b').pipe(orderedWait((v: string) => [v + 1, v + 2], { monitor }), take(3)).subscribe((v) => out.push(v));
      expect(out).toEqual(['a1', 'a2', 'b1']);
      expect(monitor.pending()).toEqual([]);
      expect(monitor.commitIndex).toBe(2);
    });

    it('a monitor follows the latest subscription; the earlier one no longer shows', () => {
      const monitor = new AsyncWaitMonitor<number>();
      const first = new Subject<number>();
      const second = new Subject<number>();
      const op = orderedWait((v: number) => (v < 0 ? [v] : NEVER), { monitor });
      first.pipe(op).subscribe();
      first.next(1);
      expect(monitor.pending()).toEqual([{ index: 0, value: 1 }]);
      second.pipe(op).subscribe();
      expect(monitor.pending()).toEqual([]);
      second.next(-1);
      second.next(2);
      first.next(3);
      expect(monitor.pending()).toEqual([{ index: 1, value: 2 }]);
      expect(monitor.commitIndex).toBe(1);
    });
  });

  describe('resume after a teardown at a random point (random runs)', () => {
    type Item = { id: number; barrier: boolean; key: number };
    interface Plan {
      mode: 'ordered' | 'unordered';
      keyed: boolean;
      capacity: number;
      items: Item[];
      gaps: number[];
      latencies: number[];
      /** How the first run ends early: unsubscribe at a frame, take(k) results, or a failing element. */
      stop: { kind: 'at'; frame: number } | { kind: 'take'; count: number } | { kind: 'fail'; id: number };
    }

    const plans: fc.Arbitrary<Plan> = fc
      .record({
        mode: fc.constantFrom('ordered' as const, 'unordered' as const),
        keyed: fc.boolean(),
        withBarriers: fc.boolean(),
        capacity: fc.integer({ min: 1, max: 6 }),
        n: fc.integer({ min: 0, max: 25 }),
        seeds: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 9 })), {
          minLength: 25,
          maxLength: 25,
        }),
        stopKind: fc.constantFrom('at' as const, 'take' as const, 'fail' as const),
        stopValue: fc.integer({ min: 0, max: 60 }),
      })
      .map(({ mode, keyed, withBarriers, capacity, n, seeds, stopKind, stopValue }) => {
        const items = seeds.slice(0, n).map(([, , k], id) => ({ id, barrier: withBarriers && k >= 8, key: k % 3 }));
        const stop: Plan['stop'] =
          stopKind === 'at' ? { kind: 'at', frame: stopValue } : stopKind === 'take' ? { kind: 'take', count: stopValue % (n + 1) } : { kind: 'fail', id: stopValue % Math.max(n, 1) };
        return { mode, keyed, capacity, items, gaps: seeds.map((s) => s[0]), latencies: seeds.map((s) => s[1]), stop };
      });

    const resultOf = (item: Item) => (item.barrier ? `W${item.id}` : `r${item.id}`);

    /** Runs `items` through the operator on a fresh virtual clock; returns the results and what reached the operator. */
    function runOnce(plan: Plan, items: Item[], monitor: AsyncWaitMonitor<Item>, first: boolean): { results: string[]; delivered: number } {
      const scheduler = new VirtualTimeScheduler();
      const operator = plan.mode === 'ordered' ? orderedWait : unorderedWait;
      const fn = (item: Item): ObservableInput<string> => {
        if (first && plan.stop.kind === 'fail' && plan.stop.id === item.id) {
          return timer(plan.latencies[item.id], scheduler).pipe(concatMap(() => throwError(() => new Error('crash'))));
        }
        const latency = plan.latencies[item.id];
        return latency === 0 ? [`r${item.id}`] : timer(latency, scheduler).pipe(map(() => `r${item.id}`));
      };
      const results: string[] = [];
      let delivered = 0;
      const asyncIo = operator(fn, {
        capacity: plan.capacity,
        scheduler,
        monitor,
        isBarrier: (item: Item): item is Item => item.barrier,
        ...(plan.keyed ? { key: (item: Item) => item.key } : {}),
      }) as OperatorFunction<Item, string | Item>;
      let output = from(items).pipe(
        concatMap((item) => (plan.gaps[item.id] === 0 ? of(item) : timer(plan.gaps[item.id], scheduler).pipe(map(() => item)))),
        tap(() => delivered++),
        asyncIo,
        map((r) => (typeof r === 'string' ? r : resultOf(r))),
      );
      if (first && plan.stop.kind === 'take') output = output.pipe(take(plan.stop.count));
      const subscription = output.subscribe({ next: (r) => results.push(r), error: () => undefined });
      if (first && plan.stop.kind === 'at') scheduler.schedule(() => subscription.unsubscribe(), plan.stop.frame);
      scheduler.flush();
      return { results, delivered };
    }

    const stats = { runs: 0, resumedWithPending: 0 };

    function check(plan: Plan): void {
      stats.runs++;
      const monitor = new AsyncWaitMonitor<Item>();
      const run1 = runOnce(plan, plan.items, monitor, true);
      const pending = monitor.pending();
      const commitIndex = monitor.commitIndex;
      const all = plan.items.map(resultOf);

      // The snapshot: in source order, real indices, and exactly the delivered values not emitted.
      const indices = pending.map((p) => p.index);
      expect(indices).toEqual([...indices].sort((a, b) => a - b));
      pending.forEach((p) => expect(p.value).toBe(plan.items[p.index]));
      expect(indices.every((i) => i < run1.delivered)).toBe(true);
      const emitted = new Set(run1.results);
      expect(emitted.size).toBe(run1.results.length);
      const delivered = plan.items.slice(0, run1.delivered);
      expect(delivered.filter((item) => !emitted.has(resultOf(item)))).toEqual(pending.map((p) => p.value));
      expect(commitIndex).toBe(pending.length > 0 ? pending[0].index : run1.delivered);

      // Resume with the saved inputs prepended to what the source had not delivered: each result exactly once.
      const rest = plan.items.slice(run1.delivered);
      if (pending.length > 0) stats.resumedWithPending++;
      const run2 = runOnce(plan, [...pending.map((p) => p.value), ...rest], monitor, false);
      expect([...run1.results, ...run2.results].sort()).toEqual([...all].sort());
      if (plan.mode === 'ordered' && !plan.keyed) expect([...run1.results, ...run2.results]).toEqual(all);
      expect(monitor.pending()).toEqual([]);
      expect(monitor.commitIndex).toBe(pending.length + rest.length);

      // Offset-based resume (Kafka-style): replay from the commit index. Nothing is lost; only
      // results at or after the commit index can come twice, and never with plain orderedWait.
      const replay = runOnce(plan, plan.items.slice(commitIndex), new AsyncWaitMonitor<Item>(), false);
      const seen = [...run1.results, ...replay.results];
      expect(new Set(seen)).toEqual(new Set(all));
      const twice = seen.filter((r, i) => seen.indexOf(r) !== i);
      twice.forEach((r) => expect(Number(r.slice(1))).toBeGreaterThanOrEqual(commitIndex));
      if (plan.mode === 'ordered' && !plan.keyed) expect(twice).toEqual([]);
    }

    it('gives every element its result exactly once across the two runs (ordered, unordered, keyed, barriers; 400 runs)', () => {
      fc.assert(fc.property(plans, check), { seed: 20260501, numRuns: 400 });
      // Most runs must really stop mid-stream with something pending, or the property proves little.
      expect(stats.resumedWithPending).toBeGreaterThan(stats.runs / 3);
    });
  });

  it('leaves an empty snapshot when nothing was ever pending', () => {
    const monitor = new AsyncWaitMonitor<number>();
    EMPTY.pipe(unorderedWait((v: number) => [v], { monitor })).subscribe();
    expect(monitor.pending()).toEqual([]);
    expect(monitor.commitIndex).toBe(0);
    expect(monitor.figures.status).toBe('completed');
  });
});
