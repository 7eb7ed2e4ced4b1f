import { argumentError, isIntegerOrInfinity } from './internal/describe.js';
import type { AdaptiveSpec } from './internal/limits.js';

/**
 * Options of {@link adaptiveLimit}. A *drop* is a sign that the service is overloaded: a call that
 * timed out (the operator's `timeout`), a failed call that `isDrop` classifies as one (a 503 or a
 * 429, say), or, with `latency` (AIMD), a call slower than that.
 */
export interface AdaptiveLimitConfig {
  /**
   * `'aimd'`: additive increase, multiplicative decrease, driven by drops (and `latency`).
   * `'gradient'`: driven by the ratio of long-term to short-term call latency, and by drops.
   */
  algorithm: 'aimd' | 'gradient';
  /** The limit when a subscription starts: an integer from `min` to `max`. Default 20, or `max` if smaller. */
  initial?: number;
  /** The lowest the limit goes: an integer >= 1. Default 1. */
  min?: number;
  /**
   * The highest the limit goes: an integer >= `min` (and >= `initial`), at most the operator's
   * `capacity`. Default: the operator's `capacity`.
   */
  max?: number;
  /** Whether a failed call's error is a drop. Default: none is (only timeouts are drops). */
  isDrop?: (error: unknown) => boolean;
  /**
   * The factor the limit is multiplied by on a drop: from 0.5 up to, not including, 1. Default 0.9
   * for AIMD, 0.5 for gradient.
   */
  backoffRatio?: number;
  /** AIMD only: milliseconds; a call that took longer counts as a drop. Default `Infinity` (none). */
  latency?: number;
  /**
   * Gradient only: how many times the long-term latency the short-term latency may reach before
   * the limit shrinks: a number >= 1. Default 1.5.
   */
  tolerance?: number;
  /** Gradient only: how much of each step the limit takes, from 0 (exclusive) to 1. Default 0.2. */
  smoothing?: number;
  /** Gradient only: calls the limit grows by per window (before smoothing) while latency stays in tolerance: >= 0. Default 4. */
  queueSize?: number;
  /**
   * Gradient only: the time constant of the long-term latency average, in milliseconds: how slowly
   * the latency the service has when not queueing is re-learnt. A number > 0. Default 60,000.
   */
  longTerm?: number;
}

/**
 * An adaptive limit on calls in flight, made by {@link adaptiveLimit} and given as `maxInFlight`.
 * It holds only the options: every subscription starts its own limit from them.
 */
export interface AdaptiveLimit {
  /** The algorithm, as given. */
  readonly algorithm: 'aimd' | 'gradient';
}

/** Where an AdaptiveLimit keeps its checked options; registered, so that any copy of the package reads it. */
const SPEC: unique symbol = Symbol.for('rxjs-async-io/adaptiveLimit') as never;

const COMMON_KEYS = ['algorithm', 'initial', 'min', 'max', 'isDrop', 'backoffRatio'];
const KEYS = {
  aimd: [...COMMON_KEYS, 'latency'],
  gradient: [...COMMON_KEYS, 'tolerance', 'smoothing', 'queueSize', 'longTerm'],
};

/**
 * An adaptive limit on calls in flight, for `maxInFlight`: it finds how many calls the service
 * takes before it slows down or sheds load, and follows it as that changes (as Netflix's
 * concurrency-limits and Envoy's adaptive concurrency filter do for servers).
 *
 * ```text
 * config:   { maxInFlight: adaptiveLimit({ algorithm: 'aimd', initial: 2, isDrop }), onError }
 * source:   -abc-------|
 * fn(a):     -#                (a 503 at 2, a drop: the limit falls from 2 to 1)
 * fn(b):      ---B|            (b started at 2, just before)
 * fn(c):          -C|          (c waits from 3 for b's permit)
 * result:   --E---B-C--|       E = onError's value
 * ```
 *
 * `'aimd'` grows the limit by one for every window of successful calls (as many as the limit)
 * while at least half of it is taken, and multiplies it by `backoffRatio` on a drop, once per
 * burst of drops (drops of calls that started before the last cut do not cut again). `'gradient'`
 * compares the mean latency of each window of about two round trips with a long-term average: it
 * grows by `queueSize` per window while the two stay within `tolerance`, shrinks in proportion
 * when queueing raises the short-term latency beyond it, and multiplies by `backoffRatio` on a
 * drop, so it settles where queueing adds about `tolerance - 1` of the service's own latency. A
 * limit lowered below the calls running stops no call: new calls wait until enough have ended.
 * Each subscription has its own limit; the monitor's `limit` shows it. docs/flow-control.md has
 * the rules and a benchmark against a simulated service.
 *
 * @example
 * ```ts
 * import { of } from 'rxjs';
 * import { adaptiveLimit, unorderedWait } from 'rxjs-async-io';
 *
 * requests$.pipe(
 *   unorderedWait((req, _i, { signal }) => fetch(req.url, { signal }).then(checkStatus), {
 *     capacity: 500,
 *     timeout: 2000,
 *     maxInFlight: adaptiveLimit({
 *       algorithm: 'aimd',
 *       max: 200,
 *       latency: 250,
 *       isDrop: (e) => e instanceof HttpError && e.status === 503,
 *     }),
 *     onError: () => of(null),
 *   }),
 * );
 * ```
 *
 * @param config The algorithm and its options; see {@link AdaptiveLimitConfig}.
 * @returns The limit's description, for `maxInFlight` of any number of operators.
 * @throws `TypeError` or `RangeError` if an option is unknown, of the wrong type or out of range,
 *   naming it and the value; the operator checks `max` (and the default `initial`) against its
 *   `capacity` when it is created.
 */
export function adaptiveLimit(config: AdaptiveLimitConfig): AdaptiveLimit {
  const where = 'adaptiveLimit';
  if (config === null || typeof config !== 'object') {
    throw argumentError(TypeError, where, 'config', "an object like { algorithm: 'aimd' }", config);
  }
  const { algorithm } = config;
  if (algorithm !== 'aimd' && algorithm !== 'gradient') {
    throw argumentError(TypeError, where, 'config.algorithm', "'aimd' or 'gradient'", algorithm);
  }
  const known = KEYS[algorithm];
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) {
      throw argumentError(
        TypeError,
        where,
        `config.${key}`,
        `absent with algorithm '${algorithm}' (known options: ${known.join(', ')})`,
        key,
      );
    }
  }
  const count = (name: keyof AdaptiveLimitConfig, value: unknown, low: number, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number') throw argumentError(TypeError, where, `config.${name}`, 'a number', value);
    if (!(value >= low) || !Number.isInteger(value)) {
      throw argumentError(RangeError, where, `config.${name}`, `an integer from ${low} and up`, value);
    }
    return value;
  };
  const real = (
    name: keyof AdaptiveLimitConfig,
    value: unknown,
    ok: (v: number) => boolean,
    range: string,
    fallback: number,
  ): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number') throw argumentError(TypeError, where, `config.${name}`, 'a number', value);
    if (!ok(value)) throw argumentError(RangeError, where, `config.${name}`, range, value);
    return value;
  };
  const min = count('min', config.min, 1, 1);
  let max: number | null = null;
  if (config.max !== undefined) {
    if (typeof config.max !== 'number') throw argumentError(TypeError, where, 'config.max', 'a number', config.max);
    if (!(config.max >= min) || !isIntegerOrInfinity(config.max)) {
      throw argumentError(RangeError, where, 'config.max', `an integer >= min (${min}) or \`Infinity\``, config.max);
    }
    max = config.max;
  }
  let initial: number | null = null;
  if (config.initial !== undefined) {
    initial = count('initial', config.initial, min, min);
    if (max !== null && initial > max) {
      throw argumentError(RangeError, where, 'config.initial', `an integer from min (${min}) to max (${max})`, initial);
    }
  }
  if (config.isDrop !== undefined && typeof config.isDrop !== 'function') {
    throw argumentError(TypeError, where, 'config.isDrop', 'a function', config.isDrop);
  }
  const spec: AdaptiveSpec = {
    algorithm,
    initial,
    min,
    max,
    isDrop: config.isDrop ?? null,
    // Netflix's AIMDLimit backs off by 0.9 and its GradientLimit halves: a gradient limit also
    // shrinks with latency, so a drop (the service shedding load) is the stronger signal.
    backoffRatio: real(
      'backoffRatio',
      config.backoffRatio,
      (v) => v >= 0.5 && v < 1,
      'from 0.5 up to 1 (exclusive)',
      algorithm === 'aimd' ? 0.9 : 0.5,
    ),
    latency: real('latency', config.latency, (v) => v > 0, 'a number of milliseconds > 0 or `Infinity`', Infinity),
    tolerance: real('tolerance', config.tolerance, (v) => v >= 1 && v < Infinity, 'a finite number >= 1', 1.5),
    smoothing: real('smoothing', config.smoothing, (v) => v > 0 && v <= 1, 'a number above 0 and up to 1', 0.2),
    queueSize: real('queueSize', config.queueSize, (v) => v >= 0 && v < Infinity, 'a finite number >= 0', 4),
    longTerm: real(
      'longTerm',
      config.longTerm,
      (v) => v > 0 && v < Infinity,
      'a finite number of milliseconds > 0',
      60_000,
    ),
  };
  const limit = { algorithm };
  Object.defineProperty(limit, SPEC, { value: Object.freeze(spec) });
  return Object.freeze(limit);
}

/** The checked options of a value made by {@link adaptiveLimit} (by any copy of the package), or null. */
export function adaptiveSpec(value: unknown): AdaptiveSpec | null {
  if (value === null || typeof value !== 'object') return null;
  return (value as { [SPEC]?: AdaptiveSpec })[SPEC] ?? null;
}
