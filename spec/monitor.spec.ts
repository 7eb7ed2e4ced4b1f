import {
  EMPTY,
  NEVER,
  Observable,
  Subject,
  VirtualTimeScheduler,
  concatMap,
  map,
  of,
  take,
  throwError,
  timer,
} from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, orderedWait, unorderedWait, type AsyncWaitFigures } from '../lib';
import { documentedFigure, documentedTable, runFigure } from './support/figures';

type Inners = Record<string, Observable<string>>;
const operators = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const;
/** Bucket precision of the latency quantiles. */
const STEP = 1 + 1 / 16;

// The figure of docs/semantics.md, section 15 (monitoring); run below and compared with the page,
// together with the table of figures that follows it there.
const figures = {
  'monitor-figures': `
unorderedWait(fn, { capacity: 2, timeout: 4, onTimeout, monitor })
source:  -abc---|
fn(a):    --A|
fn(b):     ------B|
subs:    --^---!
fn(c):       --C|
result:  ----A-T(C|)`,
};

/**
 * Schedules a read of the monitor at the end of each frame: half a frame later, so that it comes
 * after every event of the frame, whenever that event was scheduled.
 */
function readAtEndOf(
  scheduler: { schedule: VirtualTimeScheduler['schedule'] },
  frames: number[],
  read: () => AsyncWaitFigures,
) {
  const reads = new Map<number, AsyncWaitFigures>();
  for (const frame of frames) scheduler.schedule(() => void reads.set(frame, read()), frame + 0.5);
  return reads;
}

// prettier-ignore
describe('AsyncWaitMonitor: live figures', () => {
  describe('the figure of docs/semantics.md', () => {
    it('monitor-figures is on the page as tested here', () => {
      expect(documentedFigure('monitor-figures')).toBe(figures['monitor-figures'].trim());
    });

    it('monitor-figures: the figures at the end of each frame are those of the table on the page', () => {
      const monitor = new AsyncWaitMonitor<string>();
      const table = documentedTable('monitor-figures');
      const frames = table.map((row) => Number(row['end of frame']));
      const { inspected } = runFigure(
        figures['monitor-figures'],
        (fn) => unorderedWait(fn, { capacity: 2, timeout: 4, onTimeout: () => of('T'), monitor }),
        (scheduler) => readAtEndOf(scheduler, frames, () => monitor.figures),
      );
      expect(table.length).toBeGreaterThan(4);
      for (const row of table) {
        const f = inspected!.get(Number(row['end of frame']))!;
        const actual = {
          'end of frame': row['end of frame'],
          status: f.status,
          inFlight: String(f.inFlight),
          held: String(f.held),
          buffered: String(f.buffered),
          started: String(f.started),
          emitted: String(f.emitted),
          timedOut: String(f.timedOut),
          fallbacks: String(f.fallbacks),
          'latency count': String(f.latency.count),
          'latency mean': String(Math.round(f.latency.mean * 100) / 100),
          'latency max': String(f.latency.max),
        };
        expect(actual).toEqual(row);
      }
      // The prose under the table: p50 is the bucket bound just above 3, p99 is 4 (the max).
      const end = monitor.figures.latency;
      expect(end.p50).toBeGreaterThanOrEqual(3);
      expect(end.p50).toBeLessThanOrEqual(3 * STEP);
      expect(end.p50.toFixed(2)).toBe('3.00');
      expect(end.p99).toBe(4);
    });
  });

  describe('counts', () => {
    it('retried, failed and fallbacks: retries started, values failed for good, values replaced', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('-ab|');
      // a fails twice and succeeds on its third call; b fails all three and falls back.
      const result = source.pipe(
        orderedWait(
          (v: string, _i, { attempt }) => (v === 'a' && attempt === 3 ? m.cold('-A|') : m.cold('-#')),
          { monitor, retry: { count: 2, delay: 1 }, onError: () => of('E') },
        ),
      );
      m.expect(result).toBeObservable('-------(AE|)');
      m.flush();
      expect(monitor.figures).toMatchObject({ started: 2, emitted: 2, retried: 4, failed: 1, fallbacks: 1, timedOut: 0, inFlight: 0, held: 0 });
      // Every failed attempt took 1 frame; a's third took 2 (`-A|`).
      expect(monitor.figures.latency).toMatchObject({ count: 6, mean: 7 / 6, max: 2 });
    }));

    it('a failure without onError is counted, and the status is errored', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('-ab--');
      const inners: Inners = { a: m.cold('---A|'), b: m.cold('-#') };
      m.expect(source.pipe(unorderedWait((v: string) => inners[v], { monitor }))).toBeObservable('---#');
      m.flush();
      expect(monitor.figures).toMatchObject({ status: 'errored', failed: 1, fallbacks: 0, started: 2, emitted: 0 });
      // Teardown stopped a's call: it is no longer in flight, and its latency was never recorded.
      expect(monitor.figures).toMatchObject({ inFlight: 0, held: 0, buffered: 0 });
      expect(monitor.figures.latency.count).toBe(1);
    }));

    it('a timeout without onTimeout is counted, with the call\'s latency up to the timeout', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('-a---');
      m.expect(source.pipe(orderedWait(() => NEVER, { monitor, timeout: 3 }))).toBeObservable('----#', undefined, expect.anything());
      m.flush();
      expect(monitor.figures).toMatchObject({ status: 'errored', timedOut: 1, failed: 0, fallbacks: 0 });
      expect(monitor.figures.latency).toMatchObject({ count: 1, mean: 3, max: 3 });
    }));

    it('an empty result counts as emitted; a value dropped by an EMPTY fallback too', () => {
      const monitor = new AsyncWaitMonitor<number>();
      of(1, 2, 3).pipe(unorderedWait((v: number) => (v === 3 ? throwError(() => new Error('x')) : v === 1 ? EMPTY : of(v)), { monitor, onError: () => EMPTY })).subscribe();
      expect(monitor.figures).toMatchObject({ started: 3, emitted: 3, failed: 1, fallbacks: 1, status: 'completed' });
    });

    it('buffered counts values waiting for a slot; held never exceeds capacity', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('-(abcde)-----|');
      m.expect(source.pipe(orderedWait((v: string) => m.cold('---x|', { x: v }), { monitor, capacity: 2 }))).toBeObservable('-----(ab)(cd)(e|)');
      const reads = readAtEndOf(m.scheduler, [1, 5, 9], () => monitor.figures);
      m.flush();
      expect([1, 5, 9].map((f) => [reads.get(f)!.held, reads.get(f)!.buffered, reads.get(f)!.started, reads.get(f)!.emitted])).toEqual([
        [2, 3, 2, 0],
        [2, 1, 4, 2],
        [1, 0, 5, 4],
      ]);
    }));
  });

  describe('latency, in the scheduler\'s time', () => {
    /** Runs values through unorderedWait on a virtual clock; fn(value) gets the scheduler. */
    function runVirtual<T>(values: T[], fn: (v: T, scheduler: VirtualTimeScheduler, attempt: number) => Observable<unknown>, config: object = {}) {
      const scheduler = new VirtualTimeScheduler();
      const monitor = new AsyncWaitMonitor<T>();
      unorderedWait((v: T, _i, { attempt }) => fn(v, scheduler, attempt), { monitor, scheduler, capacity: Infinity, ...config })(
        of(...values),
      ).subscribe({ error: () => undefined });
      scheduler.flush();
      return monitor;
    }

    it('count, mean and max are exact; p50 and p99 are within bucket precision', () => {
      const latencies = [2, 3, 5, 10, 7, 1, 20, 6];
      const monitor = runVirtual(latencies, (ms, scheduler) => timer(ms, scheduler));
      const latency = monitor.figures.latency;
      expect(latency).toMatchObject({ count: 8, mean: 54 / 8, max: 20 });
      // Exact by nearest rank: p50 is the 4th of [1, 2, 3, 5, 6, 7, 10, 20], p99 the 8th.
      expect(latency.p50).toBeGreaterThanOrEqual(5);
      expect(latency.p50).toBeLessThanOrEqual(5 * STEP);
      expect(latency.p99).toBe(20);
    });

    it('measures every attempt from its own call, also after a retry delay, and not the delay itself', () => {
      // a: attempt 1 fails after 2, retry after 3, attempt 2 takes 5. b: one call of 12.
      const monitor = runVirtual(
        ['a', 'b'],
        (v, scheduler, attempt) =>
          v === 'b' ? timer(12, scheduler) : attempt === 1 ? timer(2, scheduler).pipe(concatMap(() => throwError(() => new Error('x')))) : timer(5, scheduler),
        { retry: { count: 1, delay: 3 } },
      );
      expect(monitor.figures.latency).toMatchObject({ count: 3, mean: 19 / 3, max: 12 });
      expect(monitor.figures.retried).toBe(1);
    });

    it('measures a retry after a rejected result (no delay), and a call ending after another\'s fallback started', () => {
      // a: attempt 1 completes empty after 2 and is retried at once; attempt 2 takes 4. b: one call of 10.
      const retried = runVirtual(
        ['a', 'b'],
        (v, scheduler, attempt) => (v === 'b' ? timer(10, scheduler) : attempt === 1 ? timer(2, scheduler).pipe(concatMap(() => EMPTY)) : timer(4, scheduler)),
        { retry: { count: 1, ifResult: (result: readonly unknown[]) => result.length === 0 } },
      );
      expect(retried.figures.latency).toMatchObject({ count: 3, mean: 16 / 3, max: 10 });
      // a fails after 2 and its fallback runs for 3 more; b still takes 10.
      const fellBack = runVirtual(
        ['a', 'b'],
        (v, scheduler) => (v === 'b' ? timer(10, scheduler) : timer(2, scheduler).pipe(concatMap(() => throwError(() => new Error('x'))))),
        { onError: () => timer(3) },
      );
      expect(fellBack.figures.latency).toMatchObject({ count: 2, mean: 6, max: 10 });
    });

    it('a fallback\'s time is not a call\'s latency', () => {
      const monitor = runVirtual(['a'], (_v, scheduler) => timer(10, scheduler), {
        timeout: 4,
        onTimeout: () => timer(50),
      });
      expect(monitor.figures.latency).toMatchObject({ count: 1, mean: 4, max: 4 });
    });

    it('a synchronous call counts as 0 ms', () => {
      const monitor = new AsyncWaitMonitor<number>();
      of(1, 2, 3).pipe(orderedWait((v: number) => [v], { monitor })).subscribe();
      expect(monitor.figures.latency).toEqual({ count: 3, mean: 0, max: 0, p50: 0, p99: 0 });
    });

    it('is measured for Promises too, in real time', async () => {
      const monitor = new AsyncWaitMonitor<number>();
      // On asyncScheduler the monitor reads the monotonic clock, performance.now().
      const started = performance.now();
      const done = new Promise<void>((resolve) =>
        of(30, 30, 30)
          .pipe(unorderedWait((ms: number) => new Promise<number>((r) => setTimeout(() => r(ms), ms)), { monitor }))
          .subscribe({ complete: resolve }),
      );
      await done;
      const elapsed = performance.now() - started;
      const latency = monitor.figures.latency;
      expect(latency.count).toBe(3);
      // Timers may fire a little early, so the lower bound is loose; a busy host only makes calls
      // longer, and no call outlasts the whole run, which bounds them from above. A call's start is
      // kept in whole ms rounded down (so a latency is never short), hence up to 1 ms more.
      expect(latency.max).toBeGreaterThanOrEqual(20);
      expect(latency.mean).toBeGreaterThanOrEqual(20);
      expect(latency.max).toBeLessThanOrEqual(elapsed + 1);
    });
  });

  describe('status', () => {
    it('idle before a subscription, then active, then completed', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      expect(monitor.figures).toEqual({
        status: 'idle', inFlight: 0, fallbacksRunning: 0, oldestPendingAge: 0, held: 0, buffered: 0, started: 0, emitted: 0, barriers: 0,
        timedOut: 0, retried: 0, failed: 0, fallbacks: 0, dropped: 0, limit: 0, waitingForToken: 0, cooldownUntil: 0,
        retriesRefused: 0, latency: { count: 0, mean: 0, max: 0, p50: 0, p99: 0 },
      });
      const source = m.cold('-a-|');
      m.expect(source.pipe(orderedWait(() => m.cold('-A|'), { monitor }))).toBeObservable('---(A|)');
      const reads = readAtEndOf(m.scheduler, [0, 2, 3], () => monitor.figures);
      m.flush();
      expect([0, 2, 3].map((f) => reads.get(f)!.status)).toEqual(['active', 'active', 'completed']);
    }));

    it.each(operators)('%s: unsubscribed, errored by the source, errored by a call', (_name, operator) => {
      const monitor = new AsyncWaitMonitor<number>();
      const subject = new Subject<number>();
      const subscription = subject.pipe(operator(() => NEVER, { monitor })).subscribe();
      subject.next(1);
      subscription.unsubscribe();
      expect(monitor.figures.status).toBe('unsubscribed');

      throwError(() => new Error('source')).pipe(operator(() => NEVER, { monitor })).subscribe({ error: () => undefined });
      expect(monitor.figures.status).toBe('errored');

      of(1).pipe(operator(() => throwError(() => new Error('call')), { monitor })).subscribe({ error: () => undefined });
      expect(monitor.figures).toMatchObject({ status: 'errored', failed: 1 });
    });

    it('a downstream take() ending the output reads as unsubscribed', () => {
      const monitor = new AsyncWaitMonitor<number>();
      of(1, 2, 3).pipe(orderedWait((v: number) => [v], { monitor }), take(1)).subscribe();
      expect(monitor.figures).toMatchObject({ status: 'unsubscribed', emitted: 1 });
    });

    it('follows the latest subscription: a second one starts from zero', () => {
      const monitor = new AsyncWaitMonitor<number>();
      const op = unorderedWait((v: number) => [v], { monitor });
      of(1, 2, 3).pipe(op).subscribe();
      expect(monitor.figures).toMatchObject({ status: 'completed', emitted: 3 });
      const subject = new Subject<number>();
      subject.pipe(op).subscribe();
      expect(monitor.figures).toMatchObject({ status: 'active', emitted: 0, started: 0 });
      subject.next(4);
      expect(monitor.figures).toMatchObject({ emitted: 1, started: 1 });
    });

    it('gives a snapshot: a figures object does not change afterwards', () => {
      const monitor = new AsyncWaitMonitor<number>();
      const subject = new Subject<number>();
      subject.pipe(orderedWait((v: number) => [v], { monitor })).subscribe();
      const before = monitor.figures;
      subject.next(1);
      expect(before.emitted).toBe(0);
      expect(monitor.figures.emitted).toBe(1);
    });

    it('two operators with their own monitors do not mix', () => {
      const [first, second] = [new AsyncWaitMonitor<number>(), new AsyncWaitMonitor<number>()];
      of(1, 2).pipe(orderedWait((v: number) => [v], { monitor: first }), unorderedWait((v: number) => [v, v], { monitor: second })).subscribe();
      expect([first.figures.emitted, second.figures.emitted]).toEqual([2, 2]);
      expect([first.figures.started, second.figures.started]).toEqual([2, 2]);
    });
  });

  describe('sample(period, scheduler?)', () => {
    it('emits the figures every period, on the given scheduler', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      const source = m.cold('-abc------|');
      m.expect(source.pipe(orderedWait((v: string) => m.cold('----x|', { x: v }), { monitor, capacity: 2 }))).toBeObservable('------ab---(c|)');
      // held, buffered, emitted
      // Every 2 frames, then the final figures and completion when the subscription completes (frame 11).
      const held = monitor.sample(2, m.scheduler).pipe(map((f) => `${f.held}${f.buffered}${f.emitted}`));
      m.expect(held).toBeObservable('--a-b-c-d-e(f|)', { a: '200', b: '210', c: '201', d: '102', e: '102', f: '003' });
    }));

    it('runs on asyncScheduler by default (virtual inside TestScheduler.run)', marbles((m) => {
      const monitor = new AsyncWaitMonitor<string>();
      m.cold('-a------|').pipe(orderedWait((v: string) => [v], { monitor })).subscribe();
      // Every 3 frames, then a last sample and completion when the watched subscription ends.
      m.expect(monitor.sample(3).pipe(map((f) => f.status))).toBeObservable('---a--a-(b|)', { a: 'active', b: 'completed' });
    }));

    it.each([
      [0, RangeError, 'a finite number > 0', '`0` (number)'],
      [-5, RangeError, 'a finite number > 0', '`-5` (number)'],
      [NaN, RangeError, 'a finite number > 0', '`NaN` (number)'],
      [Infinity, RangeError, 'a finite number > 0', '`Infinity` (number)'],
      ['10', TypeError, 'a number', '`"10"` (string)'],
    ] as const)('a period of %p throws %p', (period, Err, expected, got) => {
      const monitor = new AsyncWaitMonitor();
      expect(() => monitor.sample(period as number)).toThrow(new Err(`AsyncWaitMonitor.sample: expected \`period\` to be ${expected}, got ${got}`));
    });
  });

  describe('bad input', () => {
    it.each(operators)('%s: a monitor that is not an AsyncWaitMonitor throws a TypeError at creation', (name, operator) => {
      const fake = { figures: {}, pending: () => [], commitIndex: 0 };
      expect(() => operator(() => EMPTY, { monitor: fake as never })).toThrow(TypeError);
      expect(() => operator(() => EMPTY, { monitor: fake as never })).toThrow(new RegExp(`^${name}: expected \`config.monitor\` to be an AsyncWaitMonitor, got `));
      expect(() => operator(() => EMPTY, { monitor: null as never })).toThrow(TypeError);
    });
  });
});

describe('oldestPendingAge in real time, without a timeout (start times from a shared reading)', () => {
  it('is never short: at least the time since the element started', async () => {
    const monitor = new AsyncWaitMonitor<number>();
    const source = new Subject<number>();
    const subscription = source.pipe(orderedWait(() => new Promise<never>(() => {}), { monitor })).subscribe();
    const started = performance.now();
    source.next(1);
    // Many starts in the same job share readings; the age must still cover each one.
    for (let i = 2; i < 40; i++) source.next(i);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const elapsed = performance.now() - started;
    const age = monitor.figures.oldestPendingAge;
    subscription.unsubscribe();
    // Within the clock's whole-millisecond stamps (this test's own reading is on another epoch).
    expect(age).toBeGreaterThanOrEqual(elapsed - 1);
  });
});
