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
}

/**
 * A retry delay that grows geometrically up to a cap (Flink's exponential-delay retry strategy):
 * before retry `n` it waits `min(initial * multiplier^(n-1), max)`. Computed from the retry number
 * alone, so each element's back-off is its own, whatever other elements did (unlike FLINK-33698).
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
 * ```
 *
 * @param config `initial`, `multiplier` (default 2) and `max` (default no cap), in milliseconds.
 * @return The delay as a function of the retry number, for `retry.delay`.
 * @throws `TypeError` or `RangeError` if an option is missing, of the wrong type or out of range.
 */
export function exponentialDelay(config: ExponentialDelayConfig): (retry: number) => number {
  if (config === null || typeof config !== 'object') {
    throw argumentError(TypeError, 'exponentialDelay', 'config', 'an object like { initial, multiplier, max }', config);
  }
  for (const key of Object.keys(config)) {
    if (key !== 'initial' && key !== 'multiplier' && key !== 'max') {
      throw argumentError(
        TypeError,
        'exponentialDelay',
        `config.${key}`,
        'absent (known options: initial, multiplier, max)',
        key,
      );
    }
  }
  const { initial, multiplier = 2, max = Infinity } = config;
  const initialError = delayError(initial, 'exponentialDelay', 'initial');
  if (initialError !== null) throw initialError;
  if (typeof multiplier !== 'number') {
    throw argumentError(TypeError, 'exponentialDelay', 'multiplier', 'a number', multiplier);
  }
  if (!(multiplier >= 1) || multiplier === Infinity) {
    throw argumentError(RangeError, 'exponentialDelay', 'multiplier', 'a finite number >= 1', multiplier);
  }
  if (typeof max !== 'number') throw argumentError(TypeError, 'exponentialDelay', 'max', 'a number', max);
  if (!(max >= initial)) {
    throw argumentError(RangeError, 'exponentialDelay', 'max', `a number >= initial (${initial}) or Infinity`, max);
  }
  return withFloor((retry) => Math.min(initial * Math.pow(multiplier, retry - 1), max), initial);
}
