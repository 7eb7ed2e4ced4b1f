import { withFloor } from './internal/delayFloor.js';
import { argumentError, delayError } from './internal/describe.js';

/**
 * A retry delay that is the same before every retry (Flink's fixed-delay retry strategy).
 * Equivalent to passing the number itself as `retry.delay`; use it where a function is expected.
 *
 * ```text
 * retry:    { count: 2, delay: fixedDelay(3) }
 * source:   a-------|
 * fn(a)#1:  -#                   (fails)
 * fn(a)#2:      -#               (3 frames after the failure)
 * fn(a)#3:          -A|          (3 frames after the failure)
 * result:   ----------(A|)
 * ```
 *
 * @example
 * ```ts
 * orderedWait(lookup, { timeout: 1000, retry: { count: 3, delay: fixedDelay(100) } });
 * // Retries after 100 ms, 100 ms and 100 ms.
 * ```
 *
 * @param ms Milliseconds before each retry: a finite number >= 0.
 * @return The delay as a function of the retry number, for `retry.delay`.
 * @throws `TypeError` or `RangeError` if `ms` is not a finite number >= 0.
 */
export function fixedDelay(ms: number): (retry: number) => number {
  const error = delayError(ms, 'fixedDelay', 'ms');
  if (error !== null) throw error;
  return withFloor(() => ms, ms);
}

/** Options of {@link exponentialDelay}. */
export interface ExponentialDelayConfig {
  /** Milliseconds before the first retry: a finite number >= 0. */
  initial: number;
  /** The factor from one delay to the next: a finite number >= 1. Default 2. */
  multiplier?: number | undefined;
  /** The largest delay, in milliseconds: a number >= `initial`. Default `Infinity` (no cap). */
  max?: number | undefined;
  /**
   * Randomness taken off each delay `d`, so that elements that failed together do not retry
   * together: the delay is drawn uniformly from `[(1 - j) * d, d]` and rounded down to whole
   * milliseconds. `'full'` is j = 1 (anywhere from 0 to `d`), `'equal'` is j = 0.5 (from `d / 2` to
   * `d`), a number from 0 to 1 is j itself. Default: none (j = 0).
   */
  jitter?: 'full' | 'equal' | number | undefined;
  /**
   * Makes the jitter reproducible: the delay before retry `n` of the element at index `i` is a
   * function of (`seed`, `i`, `n`) alone, the same in every run and every subscription, whatever
   * other elements do. An integer. Not with `random`.
   */
  seed?: number | undefined;
  /**
   * The jitter's source of numbers from 0 (inclusive) to 1 (exclusive), called once per delay
   * (default `Math.random`). Not with `seed`.
   */
  random?: (() => number) | undefined;
}

const EXPONENTIAL_KEYS = ['initial', 'multiplier', 'max', 'jitter', 'seed', 'random'];

/**
 * A number from 0 (inclusive) to 1 (exclusive) that depends on its three arguments alone: they
 * are mixed with the finalizer of MurmurHash3 (fmix32), one after the other.
 */
function unitHash(seed: number, index: number, retry: number): number {
  let h = seed >>> 0;
  for (const k of [index, retry]) {
    h = Math.imul(h ^ (k >>> 0), 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 4294967296;
}

/**
 * A retry delay that grows geometrically up to a cap (Flink's exponential-delay retry strategy):
 * before retry `n` it waits `min(initial * multiplier^(n-1), max)`, less a random share of it with
 * `jitter`. Computed from the retry number alone (and, with jitter, a draw that with `seed` is a
 * function of the element's index and the retry number), so each element's back-off is its own,
 * whatever other elements did (unlike FLINK-33698).
 *
 * ```text
 * retry:    { count: 3, delay: exponentialDelay({ initial: 1, multiplier: 2 }) }
 * source:   a---|
 * fn(a)#1:  -#                   (fails; retry 1 after 1 frame)
 * fn(a)#2:    -#                 (retry 2 after 2 frames)
 * fn(a)#3:       -#              (retry 3 after 4 frames)
 * fn(a)#4:            -A|
 * result:   ------------(A|)
 * ```
 *
 * @example
 * ```ts
 * orderedWait(lookup, {
 *   timeout: 5000,
 *   retry: { count: 5, delay: exponentialDelay({ initial: 100, multiplier: 2, max: 1000 }) },
 * });
 * // Retries after 100, 200, 400, 800 and 1000 ms.
 *
 * orderedWait(lookup, { retry: { count: 5, delay: exponentialDelay({ initial: 100, jitter: 'full' }) } });
 * // Retry n after a random 0 to 100 * 2^(n-1) ms ("full jitter"): retries of elements that
 * // failed together spread out instead of arriving together.
 * ```
 *
 * @param config `initial`, `multiplier` (default 2) and `max` (default no cap), in milliseconds;
 *   `jitter` (default none) and its source, `seed` or `random`.
 * @return The delay as a function of the retry number (and the element's index), for `retry.delay`.
 * @throws `TypeError` or `RangeError` if an option is unknown, missing, of the wrong type or out of
 *   range; the delay function throws a `RangeError` if `random` answers outside [0, 1).
 */
export function exponentialDelay(config: ExponentialDelayConfig): (retry: number, index?: number) => number {
  const where = 'exponentialDelay';
  if (config === null || typeof config !== 'object') {
    throw argumentError(TypeError, where, 'config', 'an object like { initial, multiplier, max }', config);
  }
  for (const key of Object.keys(config)) {
    if (!EXPONENTIAL_KEYS.includes(key)) {
      throw argumentError(
        TypeError,
        where,
        `config.${key}`,
        `absent (known options: ${EXPONENTIAL_KEYS.join(', ')})`,
        key,
      );
    }
  }
  const { initial, multiplier = 2, max = Infinity, jitter, seed, random } = config;
  const initialError = delayError(initial, where, 'initial');
  if (initialError !== null) throw initialError;
  if (typeof multiplier !== 'number') {
    throw argumentError(TypeError, where, 'multiplier', 'a number', multiplier);
  }
  if (!(multiplier >= 1) || multiplier === Infinity) {
    throw argumentError(RangeError, where, 'multiplier', 'a finite number >= 1', multiplier);
  }
  if (typeof max !== 'number') throw argumentError(TypeError, where, 'max', 'a number', max);
  if (!(max >= initial)) {
    throw argumentError(RangeError, where, 'max', `a number >= initial (${initial}) or Infinity`, max);
  }
  const base = (retry: number) => Math.min(initial * Math.pow(multiplier, retry - 1), max);
  const share = jitterShare(jitter);
  if (jitter === undefined && (seed !== undefined || random !== undefined)) {
    const name = seed !== undefined ? 'seed' : 'random';
    throw argumentError(TypeError, where, name, 'given only with `jitter`', seed ?? random);
  }
  if (share === 0) return withFloor(base, initial);
  if (seed !== undefined && random !== undefined) {
    throw argumentError(TypeError, where, 'random', 'absent when `seed` is given (one source of jitter)', random);
  }
  if (seed !== undefined) {
    if (typeof seed !== 'number') throw argumentError(TypeError, where, 'seed', 'a number', seed);
    if (!Number.isSafeInteger(seed)) throw argumentError(RangeError, where, 'seed', 'an integer', seed);
    return withFloor(
      (retry: number, index = 0) => Math.floor(base(retry) * (1 - share * unitHash(seed, index, retry))),
      Math.floor(initial * (1 - share)),
    );
  }
  if (random !== undefined && typeof random !== 'function') {
    throw argumentError(TypeError, where, 'random', 'a function returning numbers in [0, 1)', random);
  }
  const draw = random ?? Math.random;
  return withFloor(
    (retry: number) => {
      const r = draw();
      if (!(r >= 0 && r < 1)) {
        throw argumentError(RangeError, where, 'random()', 'a number from 0 up to 1 (exclusive)', r);
      }
      return Math.floor(base(retry) * (1 - share * r));
    },
    Math.floor(initial * (1 - share)),
  );
}

/** The share of a delay that jitter may take off: 0 (none) to 1 (all of it). */
function jitterShare(jitter: unknown): number {
  if (jitter === undefined) return 0;
  if (jitter === 'full') return 1;
  if (jitter === 'equal') return 0.5;
  if (typeof jitter !== 'number') {
    throw argumentError(TypeError, 'exponentialDelay', 'jitter', "'full', 'equal' or a number from 0 to 1", jitter);
  }
  if (!(jitter >= 0 && jitter <= 1)) {
    throw argumentError(RangeError, 'exponentialDelay', 'jitter', 'a number from 0 to 1', jitter);
  }
  return jitter;
}
