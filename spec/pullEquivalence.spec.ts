import fc from 'fast-check';
import { contractViolations } from './support/contractChecks';
import { scenarios, type Scenario } from './support/scenario';
import { runVirtual, type RunFront } from './support/virtualRun';

/**
 * The pull front has the whole behaviour of the operators (issue 12, part 1): over a synchronous
 * iterable, in virtual time, `orderedWaitFrom(values, fn, config)` must do exactly what
 * `from(values).pipe(orderedWait(fn, config))` does — the same calls of `fn` at the same frames,
 * the same fallbacks, retries, timeouts, inner subscriptions, signals, outputs and end — while
 * reading each value only when a slot is free, where `from` pushes them all at once into the
 * input buffer. Random scenarios of issue 4 (faults, retries, timeouts, fallbacks, downstream
 * leaving), with a source that has every value at subscription.
 *
 * Reproduce a failure: FC_SEED=<seed> FC_PATH=<path> npx jest spec/pullEquivalence.spec.ts
 */
const seed = process.env.FC_SEED === undefined ? 20260512 : Number(process.env.FC_SEED);
const numRuns = process.env.FC_RUNS === undefined ? 500 : Number(process.env.FC_RUNS);
const path = process.env.FC_PATH;

/** The scenario with its source made pullable: every value at subscription, then completion. */
const pullable = (s: Scenario): Scenario => ({
  ...s,
  syncCount: s.elements.length,
  end: { kind: 'complete', gap: 0, sync: true },
});

describe.each(['ordered', 'unordered'] as const)('%sWaitFrom over a synchronous iterable', (mode) => {
  it(`behaves as from(values).pipe(${mode}Wait(...)) and reads only while a slot is free (${numRuns} runs, seed ${seed})`, () => {
    let reads = 0;
    let fullReads = 0;
    fc.assert(
      fc.property(scenarios(mode).map(pullable), (s) => {
        const push = runVirtual(s);
        const front: RunFront = { kind: 'pull', reads: [] };
        const pull = runVirtual(s, front);
        expect(pull.trace).toEqual(push.trace);
        expect(contractViolations(s, pull)).toEqual([]);
        // Prefetch 0: a read happens only while fewer than `capacity` entries are held.
        expect(front.reads.filter((r) => r.held >= s.capacity)).toEqual([]);
        reads += front.reads.length;
        fullReads += front.reads.filter((r) => r.held === s.capacity - 1).length;
        // Never a read past the end, and no read once the output has ended.
        expect(front.reads.length).toBeLessThanOrEqual(s.elements.length + 1);
      }),
      { seed, numRuns, path, endOnFailure: path === undefined ? false : true },
    );
    // The runs did reach the bound: many reads filled the last free slot.
    expect(fullReads).toBeGreaterThan(reads / 20);
  });
});
