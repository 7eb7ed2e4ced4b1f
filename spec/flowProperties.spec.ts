import fc from 'fast-check';
import { Observable, VirtualTimeScheduler, type ObservableInput } from 'rxjs';
import { AsyncWaitMonitor, adaptiveLimit, orderedWait, unorderedWait, type AsyncWaitConfig } from '../lib';

/**
 * Properties of flow control (issue 13) under fast-check, in virtual time: random arrivals, call
 * durations, failures, retries, timeouts, fallbacks, rate limits and cooldowns.
 *
 * - Never more than maxInFlight elements at once between their first call and their final result
 *   (the p-map bug, where a second bound let the first be exceeded, must not happen here).
 * - Lossless: every element gets exactly one result; first calls start in source order.
 * - Every start time keeps the rate limit; no call starts during a cooldown.
 *
 * Reproduce a failure with the seed (and path) fast-check prints:
 *   FC_SEED=<seed> FC_PATH=<path> npx jest spec/flowProperties.spec.ts
 */
const seed = process.env.FC_SEED === undefined ? 20260513 : Number(process.env.FC_SEED);
const numRuns = process.env.FC_RUNS === undefined ? 300 : Number(process.env.FC_RUNS);
const path = process.env.FC_PATH;

interface Attempt {
  /** Milliseconds until it ends (0: synchronously). */
  ms: number;
  fails: boolean;
  /** The cooldown its failure asks for (0: none). */
  cool: number;
}

interface Scenario {
  ordered: boolean;
  capacity: number;
  maxInFlight: number;
  adaptive: boolean;
  arrivals: number[];
  attempts: Attempt[][];
  timeout: number | null;
  retry: { count: number; delay: number } | null;
  fallbackMs: number;
  rate: { limit: number; interval: number; strict: boolean; burst?: number } | null;
  cooldown: boolean;
}

const attempt = fc.record({
  ms: fc.integer({ min: 0, max: 6 }),
  fails: fc.boolean(),
  cool: fc.integer({ min: 0, max: 5 }),
});

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    ordered: fc.boolean(),
    capacity: fc.integer({ min: 1, max: 8 }),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
    adaptive: fc.boolean(),
    gaps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 20 }),
    attempts: fc.array(fc.array(attempt, { minLength: 1, maxLength: 3 }), { minLength: 20, maxLength: 20 }),
    timeout: fc.option(fc.integer({ min: 2, max: 14 }), { nil: null }),
    retry: fc.option(fc.record({ count: fc.integer({ min: 0, max: 2 }), delay: fc.integer({ min: 0, max: 3 }) }), {
      nil: null,
    }),
    fallbackMs: fc.integer({ min: 0, max: 4 }),
    rate: fc.option(
      fc.record({
        limit: fc.integer({ min: 1, max: 3 }),
        interval: fc.integer({ min: 1, max: 6 }),
        strict: fc.boolean(),
        burst: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      }),
      { nil: null },
    ),
    cooldown: fc.boolean(),
  })
  .map(({ gaps, share, capacity, rate, ...rest }) => {
    let t = 1;
    const arrivals = gaps.map((gap) => (t += gap));
    const maxInFlight = 1 + Math.floor(share * (capacity - 1));
    const fixedRate = rate === null ? null : rate.strict ? { ...rate, burst: undefined } : rate;
    return { ...rest, capacity, maxInFlight, arrivals, rate: fixedRate };
  });

class Failure extends Error {
  constructor(readonly cool: number) {
    super(`failed, cooldown ${cool}`);
  }
}

type Event =
  | { kind: 'call'; element: number; attempt: number; frame: number; seq: number; inFlight: number; limit: number }
  | { kind: 'end'; element: number; frame: number; seq: number }
  | { kind: 'fail'; element: number; frame: number; seq: number; cool: number };

interface Run {
  events: Event[];
  results: string[];
  ended: 'complete' | 'error' | null;
  error?: unknown;
}

function run(s: Scenario): Run {
  const scheduler = new VirtualTimeScheduler();
  const monitor = new AsyncWaitMonitor<number>();
  const events: Event[] = [];
  let seq = 0;
  const n = s.arrivals.length;

  /** An inner that ends after `ms` (at once for 0), recording its end just before it signals it. */
  const inner = (element: number, ms: number, outcome: () => { value: string } | { error: Failure }) =>
    new Observable<string>((subscriber) => {
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        events.push({ kind: 'end', element, frame: scheduler.now(), seq: ++seq });
      };
      const finish = () => {
        const result = outcome();
        end();
        if ('error' in result) {
          if (result.error.cool > 0) {
            events.push({ kind: 'fail', element, frame: scheduler.now(), seq: ++seq, cool: result.error.cool });
          }
          subscriber.error(result.error);
        } else {
          subscriber.next(result.value);
          subscriber.complete();
        }
      };
      if (ms === 0) {
        finish();
        return end;
      }
      const timer = scheduler.schedule(finish, ms);
      return () => {
        timer.unsubscribe();
        end();
      };
    });

  const fn = (element: number, _index: number, { attempt }: { attempt: number }): ObservableInput<string> => {
    const figures = monitor.figures;
    events.push({
      kind: 'call',
      element,
      attempt,
      frame: scheduler.now(),
      seq: ++seq,
      inFlight: figures.inFlight,
      limit: figures.limit,
    });
    const plan = s.attempts[element];
    const a = plan[Math.min(attempt - 1, plan.length - 1)];
    return inner(element, a.ms, () =>
      a.fails ? { error: new Failure(s.cooldown ? a.cool : 0) } : { value: `r${element}` },
    );
  };

  const config: AsyncWaitConfig<number, string> = {
    capacity: s.capacity,
    maxInFlight: s.adaptive
      ? adaptiveLimit({
          algorithm: 'aimd',
          initial: s.maxInFlight,
          max: s.capacity,
          isDrop: (e) => e instanceof Failure,
        })
      : s.maxInFlight,
    scheduler,
    monitor,
    onTimeout: (element) => inner(element, s.fallbackMs, () => ({ value: `t${element}` })),
    onError: (_error, element) => inner(element, s.fallbackMs, () => ({ value: `e${element}` })),
  };
  if (s.timeout !== null) config.timeout = s.timeout;
  if (s.retry !== null) config.retry = s.retry;
  if (s.rate !== null) config.rateLimit = s.rate;
  if (s.cooldown) config.cooldown = (error) => (error instanceof Failure && error.cool > 0 ? error.cool : undefined);

  const source = new Observable<number>((subscriber) => {
    for (let i = 0; i < n; i++) scheduler.schedule(() => subscriber.next(i), s.arrivals[i]);
    scheduler.schedule(() => subscriber.complete(), s.arrivals[n - 1] + 1);
  });
  const result: Run = { events, results: [], ended: null };
  (s.ordered ? orderedWait : unorderedWait)(
    fn,
    config,
  )(source).subscribe({
    next: (v) => result.results.push(v),
    error: (e) => ((result.ended = 'error'), (result.error = e)),
    complete: () => (result.ended = 'complete'),
  });
  scheduler.flush();
  return result;
}

/** Every way `s` breaks a flow-control rule in `r`, as text. */
function violations(s: Scenario, r: Run): string[] {
  const found: string[] = [];
  const n = s.arrivals.length;
  if (r.ended !== 'complete') found.push(`output ended with ${r.ended}: ${String(r.error)}`);
  // Lossless: one result per element, nothing else.
  const got = r.results.map((v) => Number(v.slice(1))).sort((a, b) => a - b);
  if (got.join() !== Array.from({ length: n }, (_, i) => i).join()) found.push(`results for ${got.join()}`);
  // First calls in source order.
  const firsts = r.events.filter((e) => e.kind === 'call' && e.attempt === 1).map((e) => e.element);
  if (firsts.join() !== Array.from({ length: n }, (_, i) => i).join()) found.push(`first calls in order ${firsts}`);
  // At most maxInFlight elements between their first call and their last end.
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  for (const e of r.events) {
    if (e.kind === 'call' && !first.has(e.element)) first.set(e.element, e.seq);
    if (e.kind === 'end') last.set(e.element, e.seq);
  }
  const bound = s.adaptive ? s.capacity : s.maxInFlight;
  let active = 0;
  for (const e of r.events) {
    if (first.get(e.element) === e.seq) active++;
    if (last.get(e.element) === e.seq) active--;
    if (active > bound) found.push(`${active} elements in flight at seq ${e.seq} (bound ${bound})`);
    if (e.kind === 'call') {
      // The monitor counts the starting element already (its deadline is tracked before fn runs).
      if (e.inFlight > bound) found.push(`monitor: ${e.inFlight} in flight at seq ${e.seq}`);
      if (s.adaptive && e.attempt === 1 && e.inFlight > e.limit) {
        found.push(`element ${e.element} started with ${e.inFlight} in flight, limit ${e.limit}`);
      }
    }
  }
  // The rate limit, at every start (first calls and retries alike).
  const starts = r.events.filter((e) => e.kind === 'call').map((e) => e.frame);
  if (s.rate !== null) {
    const { limit, interval, strict } = s.rate;
    for (let i = 0; i + limit < starts.length; i++) {
      if (strict && starts[i + limit] - starts[i] < interval) {
        found.push(`strict: starts ${starts.slice(i, i + limit + 1)} within ${interval} ms`);
      }
    }
    if (!strict) {
      const burst = s.rate.burst ?? limit;
      for (let i = 0; i < starts.length; i++) {
        for (let j = i; j < starts.length; j++) {
          const allowed = burst + Math.floor(((starts[j] - starts[i]) * limit) / interval);
          if (j - i + 1 > allowed) found.push(`bucket: ${j - i + 1} starts from ${starts[i]} to ${starts[j]}`);
        }
      }
    }
  }
  // No start during a cooldown, once the failure that asked for it was seen.
  if (s.cooldown) {
    for (const fail of r.events) {
      if (fail.kind !== 'fail') continue;
      for (const call of r.events) {
        if (call.kind === 'call' && call.seq > fail.seq && call.frame < fail.frame + fail.cool) {
          found.push(`call of ${call.element} at ${call.frame} during the cooldown from ${fail.frame} (+${fail.cool})`);
        }
      }
    }
  }
  return found;
}

describe('flow control properties', () => {
  it(`keeps maxInFlight, the rate limit and the cooldown, and loses nothing (${numRuns} runs, seed ${seed})`, () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const found = violations(s, run(s));
        if (found.length > 0) throw new Error(found.slice(0, 10).join('\n'));
      }),
      { seed, numRuns, path, endOnFailure: path !== undefined },
    );
  });

  it('the checks catch what they look for', () => {
    // One scenario that keeps every rule, checked against runs doctored to break each one.
    const s: Scenario = {
      ordered: false,
      capacity: 4,
      maxInFlight: 1,
      adaptive: false,
      arrivals: [1, 1],
      attempts: [[{ ms: 2, fails: false, cool: 0 }], [{ ms: 2, fails: false, cool: 0 }]],
      timeout: null,
      retry: null,
      fallbackMs: 0,
      rate: { limit: 1, interval: 5, strict: true },
      cooldown: false,
    };
    const r = run(s);
    expect(violations(s, r)).toEqual([]);
    const calls = r.events.filter((e) => e.kind === 'call');
    expect(calls.map((e) => e.frame)).toEqual([1, 6]);
    // Both at once, and too close for the rate limit:
    const doctored: Run = {
      ...r,
      events: [
        { ...calls[0], seq: 1 },
        { ...calls[1], seq: 2, frame: 2 },
        { kind: 'end', element: 0, frame: 3, seq: 3 },
        { kind: 'end', element: 1, frame: 4, seq: 4 },
      ],
    };
    expect(violations(s, doctored)).toEqual([
      '2 elements in flight at seq 2 (bound 1)',
      'strict: starts 1,2 within 5 ms',
    ]);
  });
});
