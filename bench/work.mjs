// The per-element calls the scenarios make, each in every calling style the peers need (see the
// `work` description in peers.mjs). Output value = input value = source index, so the checks in
// check.mjs can verify count and order from the values alone.
import { rxjs } from './deps.mjs';

const { of } = rxjs;

/** Synchronous work: `of(x)` for rxjs-based peers, `[x]` for our array form, `x` for the rest. */
export const syncWork = {
  kind: 'sync',
  fn: (x) => x,
  rx: (x) => of(x),
  array: (x) => [x],
};

/** An already-resolved Promise: pure per-element overhead of the Promise path. */
export const promiseWork = {
  kind: 'promise',
  fn: async (x) => x,
  rx: async (x) => x,
};

/**
 * A call that takes `latencies[x]` milliseconds (setTimeout), resolving to x. It also records the
 * most calls ever in flight at once (`stats.maxInFlight`), to catch a peer that exceeds its
 * concurrency limit: it would otherwise look more efficient than the ideal. With the harness's
 * count of emitted results it also records the most calls started but not yet emitted
 * (`stats.maxHeld`): how far finished results may run ahead of a slow one in ordered mode.
 */
export function latencyWork(latencies) {
  // `emitted` is counted by the harness; started − emitted = entries held (in flight or waiting).
  const stats = { inFlight: 0, maxInFlight: 0, started: 0, emitted: 0, maxHeld: 0 };
  const fn = (x) => {
    if (++stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
    if (++stats.started - stats.emitted > stats.maxHeld) stats.maxHeld = stats.started - stats.emitted;
    return new Promise((resolve) =>
      setTimeout(() => {
        stats.inFlight--;
        resolve(x);
      }, latencies[x]),
    );
  };
  return { kind: 'latency', fn, rx: fn, stats };
}

/**
 * mulberry32: a small seeded PRNG, so that every peer sees the same "random" latencies and a
 * rerun sees them too.
 */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n integer latencies from `min` to `max` ms inclusive, from the seeded PRNG. */
export function randomLatencies(n, min, max, seed) {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => min + Math.floor(random() * (max - min + 1)));
}

export function indexes(n) {
  return Array.from({ length: n }, (_, i) => i);
}
