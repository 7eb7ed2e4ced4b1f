// Timing: every case of a scenario runs once per round, round-robin, starting one case later each
// round so that no peer always runs right after the same neighbour; the first round only warms up
// the JIT (on a tenth of the input) and is discarded. The machine is shared and noisy, so only medians and same-run ratios
// of medians are reported.
import { sinkFor } from './check.mjs';

/** Longest a single run may take before the benchmark gives up on it (a hung peer or operator). */
const RUN_LIMIT_MS = 180_000;

/**
 * Measures each case `rounds` times (after `warmup` discarded rounds), interleaved.
 * A case is { key, label, peer, work, input, capacity }; n is input.length.
 * Returns a Map from case key to its samples in milliseconds.
 */
export async function measureInterleaved(cases, { rounds, warmup = 1, log = () => {} }) {
  const samples = new Map(cases.map((c) => [c.key, []]));
  // Warm-up runs a tenth of the input: enough for the JIT, and it spares the minutes that the
  // peers which are O(n²) on a long input (mergeMap's Array#shift) would spend on a discarded round.
  const shortInputs = new Map();
  const short = (input) => {
    if (!shortInputs.has(input)) shortInputs.set(input, input.slice(0, Math.ceil(input.length / 10)));
    return shortInputs.get(input);
  };
  for (let round = 0; round < warmup + rounds; round++) {
    const started = performance.now();
    for (let j = 0; j < cases.length; j++) {
      const c = cases[(j + round) % cases.length];
      const ms = await timeOnce(round < warmup ? { ...c, input: short(c.input) } : c);
      if (round >= warmup) samples.get(c.key).push(ms);
    }
    const what = round < warmup ? 'warm-up' : `round ${round - warmup + 1}/${rounds}`;
    log(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return samples;
}

/** One checked, timed run of a case, after a full GC so that no run pays for another's garbage. */
export async function timeOnce(c) {
  const n = c.input.length;
  const checked = sinkFor(c.peer, n);
  const stats = c.work.stats;
  // Latency work keeps statistics that need the count of results so far (see work.mjs).
  const sink = stats
    ? {
        next: (v) => {
          stats.emitted++;
          checked.next(v);
        },
      }
    : checked;
  if (stats) stats.started = stats.emitted = 0;
  globalThis.gc();
  const started = performance.now();
  await withLimit(c.peer.run(c.work, c.input, c.capacity, sink), c.label);
  const ms = performance.now() - started;
  checked.verify(c.label, n);
  return ms;
}

function withLimit(promise, label) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no result after ${RUN_LIMIT_MS / 1000} s`)), RUN_LIMIT_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Summary of one case's samples. */
export function summarize(samples) {
  return { samples, median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}
