import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { of } from 'rxjs';
import { orderedWaitFrom, orderedWaitIterable, unorderedWaitFrom, unorderedWaitIterable } from '../lib';

/**
 * The invariants of the pull front (issue 12, part 1), under fast-check, on real async generators:
 * random sources (async or synchronous, failing or not), calls settled in a random order, failing
 * or falling back, a consumer that takes results at random moments, unsubscribes or breaks. At
 * every step:
 *
 * - values read minus results consumed is at most `capacity` (prefetch 0), where for the
 *   AsyncIterable a result handed to a `next()` the consumer is waiting in counts as consumed
 *   (it reaches the consumer's `await` one job later);
 * - no two `next()` calls on the source overlap, and no `next()` comes after the end (`done`, a
 *   throw, or `return()`); no call of `fn` after the output ended;
 *
 * and at the end: `return()` was called exactly once (if the source was opened), an error thrown
 * by the source is the output's error, and a completed run emitted every result exactly once
 * (in order, for the ordered forms).
 *
 * Promises settle in an order fixed by the steps, and each step waits for every pending job
 * (setImmediate), so the runs do not depend on the machine's speed.
 *
 * Reproduce a failure: FC_SEED=<seed> FC_PATH=<path> npx jest spec/pullInvariants.spec.ts
 */
const seed = process.env.FC_SEED === undefined ? 20260513 : Number(process.env.FC_SEED);
const numRuns = process.env.FC_RUNS === undefined ? 300 : Number(process.env.FC_RUNS);
const path = process.env.FC_PATH;

type Step =
  | { kind: 'settle'; pick: number }
  | { kind: 'fail'; pick: number }
  | { kind: 'sync-call' }
  | { kind: 'take' }
  | { kind: 'stop' };

interface Plan {
  shape: 'observable' | 'iterable';
  mode: 'ordered' | 'unordered';
  capacity: number;
  n: number;
  sourceKind: 'async' | 'sync';
  /** The source throws instead of giving this value (null: never). */
  throwAt: number | null;
  /** A failed call falls back to a value (otherwise it errors the output). */
  onError: boolean;
  steps: Step[];
}

const plans: fc.Arbitrary<Plan> = fc.record({
  shape: fc.constantFrom('observable' as const, 'iterable' as const),
  mode: fc.constantFrom('ordered' as const, 'unordered' as const),
  capacity: fc.integer({ min: 1, max: 6 }),
  n: fc.integer({ min: 0, max: 25 }),
  sourceKind: fc.constantFrom('async' as const, 'sync' as const),
  throwAt: fc.option(fc.integer({ min: 0, max: 25 }), { freq: 4 }),
  onError: fc.boolean(),
  steps: fc.array(
    fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('settle' as const), pick: fc.nat() }), weight: 8 },
      { arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() }), weight: 1 },
      { arbitrary: fc.constant({ kind: 'sync-call' as const }), weight: 1 },
      { arbitrary: fc.constant({ kind: 'take' as const }), weight: 6 },
      { arbitrary: fc.constant({ kind: 'stop' as const }), weight: 1 },
    ),
    { maxLength: 80 },
  ),
});

const settled = () => new Promise((resolve) => setImmediate(resolve));

interface Call {
  x: number;
  resolve(value: string): void;
  reject(error: Error): void;
}

async function run(plan: Plan): Promise<{ violations: string[]; outcome: 'completed' | 'errored' | 'stopped' }> {
  const violations: string[] = [];
  const sourceError = new Error('the source failed');
  let opened = 0;
  let nextCalls = 0;
  let outstanding = false;
  let ended = false;
  let returns = 0;
  let sourceThrew = false;

  // Consumer state: results consumed, whether the iterable consumer waits in next().
  const consumed: string[] = [];
  let waiting = false;
  let outputError: unknown = undefined;
  let completed = false;
  let stopped = false;
  let consumerDone = false;

  const checkBound = () => {
    const slack = plan.shape === 'iterable' && waiting ? 1 : 0;
    if (nextCalls - consumed.length > plan.capacity + slack) {
      violations.push(`read ${nextCalls}, consumed ${consumed.length}, capacity ${plan.capacity} (+${slack})`);
    }
  };
  const onNext = () => {
    if (outstanding) violations.push('overlapping next()');
    if (ended) violations.push(`next() after the end (call ${nextCalls + 1})`);
    nextCalls++;
    checkBound();
  };

  async function* asyncValues() {
    for (let i = 0; i < plan.n; i++) {
      if (i === plan.throwAt) throw sourceError;
      yield i;
    }
  }
  function* syncValues() {
    for (let i = 0; i < plan.n; i++) {
      if (i === plan.throwAt) throw sourceError;
      yield i;
    }
  }
  const track = <R extends IteratorResult<number>>(result: R): R => {
    if (result.done) ended = true;
    return result;
  };
  const failed = (error: unknown): never => {
    ended = true;
    sourceThrew = true;
    throw error;
  };
  const source: AsyncIterable<number> | Iterable<number> =
    plan.sourceKind === 'async'
      ? {
          [Symbol.asyncIterator]() {
            opened++;
            const inner = asyncValues();
            return {
              next: () => {
                onNext();
                outstanding = true;
                return inner.next().then(
                  (r) => ((outstanding = false), track(r)),
                  (e: unknown) => ((outstanding = false), failed(e)),
                );
              },
              return: () => {
                returns++;
                ended = true;
                return inner.return(undefined);
              },
            };
          },
        }
      : {
          [Symbol.iterator]() {
            opened++;
            const inner = syncValues();
            return {
              next: () => {
                onNext();
                try {
                  return track(inner.next());
                } catch (e) {
                  return failed(e);
                }
              },
              return: () => {
                returns++;
                ended = true;
                return inner.return(undefined);
              },
            };
          },
        };

  // The end as the consumer knows it (which may come after the run's end, never before).
  const ended_ = () => stopped || completed || outputError !== undefined;
  const calls: Call[] = [];
  let syncNext = false;
  const fn = (x: number) => {
    if (ended_()) violations.push(`fn(${x}) called after the end`);
    if (syncNext) {
      syncNext = false;
      return of(`r${x}`);
    }
    return new Promise<string>((resolve, reject) => calls.push({ x, resolve, reject }));
  };
  const config = plan.onError
    ? { capacity: plan.capacity, onError: (_e: unknown, x: number) => [`f${x}`] }
    : { capacity: plan.capacity };

  let subscription: Subscription | null = null;
  let iterator: AsyncIterator<string> | null = null;
  let returning: Promise<unknown> | null = null;
  if (plan.shape === 'observable') {
    subscription = (plan.mode === 'ordered' ? orderedWaitFrom : unorderedWaitFrom)(source, fn, config).subscribe({
      next: (v) => void consumed.push(v),
      error: (e: unknown) => (outputError = e),
      complete: () => (completed = true),
    });
  } else {
    iterator = (plan.mode === 'ordered' ? orderedWaitIterable : unorderedWaitIterable)(source, fn, config)[
      Symbol.asyncIterator
    ]();
  }
  const take = () => {
    if (iterator === null || waiting || consumerDone || stopped) return;
    waiting = true;
    iterator.next().then(
      (r) => {
        waiting = false;
        if (r.done) {
          consumerDone = true;
          completed = true;
        } else consumed.push(r.value);
      },
      (e: unknown) => {
        waiting = false;
        consumerDone = true;
        outputError = e;
      },
    );
  };

  for (const step of plan.steps) {
    if (ended_()) break;
    switch (step.kind) {
      case 'settle':
      case 'fail': {
        if (calls.length === 0) break;
        const [call] = calls.splice(step.pick % calls.length, 1);
        if (step.kind === 'settle') call.resolve(`r${call.x}`);
        else call.reject(new Error(`call ${call.x} failed`));
        break;
      }
      case 'sync-call':
        syncNext = true;
        break;
      case 'take':
        take();
        break;
      case 'stop':
        stopped = true;
        if (subscription !== null) subscription.unsubscribe();
        else returning = iterator!.return!();
        break;
    }
    await settled();
    checkBound();
  }
  // Then run to the end: take everything, settle every call, oldest first.
  for (let guard = 0; !ended_() && guard < 10 * plan.n + 100; guard++) {
    take();
    const call = calls.shift();
    if (call !== undefined) call.resolve(`r${call.x}`);
    await settled();
    checkBound();
  }
  if (returning !== null) await returning;
  await settled();

  if (!ended_()) violations.push('the run did not end');
  if (returns !== (opened > 0 ? 1 : 0)) violations.push(`return() called ${returns} times (opened ${opened})`);
  if (opened > 1) violations.push(`the source was opened ${opened} times`);
  if (
    sourceThrew &&
    !stopped &&
    outputError !== sourceError &&
    !(outputError instanceof Error && /call \d+ failed/.test(outputError.message))
  ) {
    violations.push(`the source threw, the output ended with ${String(outputError)}`);
  }
  if (completed && !stopped) {
    const expected = Array.from({ length: plan.n }, (_, i) => i);
    const indices = consumed.map((v) => Number(v.slice(1)));
    const sorted = plan.mode === 'ordered' ? indices : [...indices].sort((a, b) => a - b);
    if (JSON.stringify(sorted) !== JSON.stringify(expected)) {
      violations.push(`completed with ${JSON.stringify(consumed)}`);
    }
  }
  return { violations, outcome: stopped ? 'stopped' : completed ? 'completed' : 'errored' };
}

describe('the pull front: invariants on real async generators', () => {
  it(`hold at every step (${numRuns} runs, seed ${seed})`, async () => {
    const tally = { completed: 0, errored: 0, stopped: 0 };
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        const { violations, outcome } = await run(plan);
        expect(violations).toEqual([]);
        tally[outcome]++;
      }),
      { seed, numRuns, path, endOnFailure: path === undefined ? false : true },
    );
    // Every way of ending was exercised, each in a fair share of the runs.
    expect(tally.completed).toBeGreaterThan(numRuns / 10);
    expect(tally.errored).toBeGreaterThan(numRuns / 10);
    expect(tally.stopped).toBeGreaterThan(numRuns / 10);
  });
});
