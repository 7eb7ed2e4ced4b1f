import { asyncScheduler, type ObservableInput, type SchedulerLike } from 'rxjs';
import { adaptiveSpec } from '../adaptiveLimit.js';
import type { AsyncFunction, AsyncRetryConfig, AsyncWaitBarrierConfig, AsyncWaitConfig } from '../types.js';
import { delayFloor } from './delayFloor.js';
import { argumentError, delayError, isIntegerOrInfinity } from './describe.js';
import type { Overflow } from './inputBuffer.js';
import { DEFAULT_INITIAL_LIMIT, type ResolvedLimit } from './limits.js';
import { monitorEndpoint, type MonitorEndpoint } from './monitorProtocol.js';

/** The operator's arguments, checked and with defaults filled in. */
export interface AsyncWaitOptions<T, R> {
  /** The public operator's name, for error messages raised while it runs. */
  readonly operator: string;
  readonly fn: AsyncFunction<T, R>;
  readonly timeout: number;
  readonly capacity: number;
  readonly onTimeout: ((value: T, index: number) => ObservableInput<R>) | null;
  readonly onError: ((error: unknown, value: T, index: number) => ObservableInput<R>) | null;
  readonly retry: RetryOptions<T, R> | null;
  readonly scheduler: SchedulerLike;
  readonly key: ((value: T) => unknown) | null;
  readonly isBarrier: ((value: T) => boolean) | null;
  /** The monitor's endpoint (from any copy of the package), or null. */
  readonly monitor: MonitorEndpoint | null;
  /** Most values waiting for a slot; Infinity: unbounded. */
  readonly bufferSize: number;
  /** What a full input buffer does with one more value. */
  readonly overflow: Overflow;
  /** maxInFlight, rateLimit and cooldown; null when none is set, so that nothing gates the calls. */
  readonly flow: FlowOptions | null;
}

/** The flow control's options (gate.ts). */
export interface FlowOptions {
  /** Most calls in flight, when fixed (Infinity: none but capacity). */
  readonly maxInFlight: number;
  /** An adaptive limit instead of the fixed one, or null. */
  readonly adaptive: ResolvedLimit | null;
  readonly rateLimit: RateLimitOptions | null;
  readonly cooldown: ((error: unknown) => unknown) | null;
}

export interface RateLimitOptions {
  readonly limit: number;
  readonly interval: number;
  readonly burst: number;
  readonly strict: boolean;
}

export interface RetryBudgetOptions {
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly window: number;
}

export interface RetryOptions<T, R> {
  readonly count: number;
  /** Delay before retry `n`; a function's answer is checked where it is used. */
  readonly delay: number | ((retry: number, index: number) => number);
  readonly ifError: ((error: unknown, value: T) => boolean) | null;
  readonly ifResult: ((result: readonly R[], value: T) => boolean) | null;
  readonly budget: RetryBudgetOptions | null;
}

/** Flink's default queue capacity. */
export const DEFAULT_CAPACITY = 100;

const CONFIG_KEYS = [
  'timeout',
  'capacity',
  'onTimeout',
  'onError',
  'retry',
  'scheduler',
  'key',
  'isBarrier',
  'monitor',
  'bufferSize',
  'overflow',
  'maxInFlight',
  'rateLimit',
  'cooldown',
];
const OVERFLOWS: readonly Overflow[] = ['error', 'dropOldest', 'dropNewest'];
const RETRY_KEYS = ['count', 'delay', 'ifError', 'ifResult', 'budget'];
const RATE_KEYS = ['limit', 'interval', 'burst', 'strict'];
const BUDGET_KEYS = ['ratio', 'minPerSecond', 'window'];

/**
 * Checks the arguments of either overload and fills in defaults. The positional form
 * `(fn, timeout, capacity)` is read as the config `{ timeout, capacity }` and goes through the
 * same checks; only the argument names in messages differ. Every bad input throws here, at
 * operator creation, naming the operator, the argument and the value received, so that a mistake
 * surfaces where it is written rather than at the first element.
 */
export function parseOptions<T, R>(
  operator: string,
  fn: AsyncFunction<T, R>,
  timeoutOrConfig: number | AsyncWaitConfig<T, R> | AsyncWaitBarrierConfig<T, R, T, never> | undefined,
  capacity: number | undefined,
  /** Config keys a front adds and checks itself (the batch fronts'), accepted as known here. */
  extraKeys: readonly string[] = [],
): AsyncWaitOptions<T, R> {
  const check = new ArgumentChecker(operator);
  check.fn('fn', fn);
  let config: Partial<AsyncWaitBarrierConfig<T, R, T, never>>;
  let prefix: string;
  if (timeoutOrConfig === null || typeof timeoutOrConfig !== 'object') {
    if (timeoutOrConfig !== undefined && typeof timeoutOrConfig !== 'number') {
      throw check.error(TypeError, 'timeout', 'a number of milliseconds or a config object', timeoutOrConfig);
    }
    config = { timeout: timeoutOrConfig, capacity };
    prefix = '';
  } else {
    if (capacity !== undefined) {
      throw check.error(TypeError, 'capacity', 'omitted when a config object is given', capacity);
    }
    config = timeoutOrConfig;
    prefix = 'config.';
    check.knownKeys('config', config, extraKeys.length === 0 ? CONFIG_KEYS : [...CONFIG_KEYS, ...extraKeys]);
  }
  const timeout = check.timeout(`${prefix}timeout`, config.timeout);
  const retry = config.retry === undefined ? null : parseRetry(check, config.retry);
  if (retry !== null && retry.count === Infinity && timeout === Infinity && delayFloor(retry.delay) === 0) {
    // Nothing would ever end an element that keeps failing at once: it would spin for ever.
    throw check.error(
      RangeError,
      'config.retry.count',
      'finite unless a `timeout` or a `delay` > 0 bounds the retries',
      retry.count,
    );
  }
  const capacityValue = check.capacity(`${prefix}capacity`, config.capacity);
  return {
    operator,
    fn,
    timeout,
    capacity: capacityValue,
    onTimeout: check.optionalFn('config.onTimeout', config.onTimeout),
    onError: check.optionalFn('config.onError', config.onError),
    retry,
    scheduler: check.scheduler('config.scheduler', config.scheduler),
    key: check.optionalFn('config.key', config.key),
    isBarrier: check.optionalFn('config.isBarrier', config.isBarrier),
    monitor: check.monitor('config.monitor', config.monitor),
    ...parseBuffer(check, config.bufferSize, config.overflow),
    flow: parseFlow(check, config, capacityValue),
  };
}

/**
 * maxInFlight, rateLimit and cooldown. Null when none would change anything (a fixed maxInFlight
 * equal to capacity, alone, is today's behaviour), so that an operator without them pays nothing.
 */
function parseFlow(
  check: ArgumentChecker,
  config: Pick<AsyncWaitConfig<unknown, unknown>, 'maxInFlight' | 'rateLimit' | 'cooldown'>,
  capacity: number,
): FlowOptions | null {
  const { maxInFlight: given, rateLimit, cooldown } = config;
  let maxInFlight = capacity;
  let adaptive: ResolvedLimit | null = null;
  if (typeof given === 'number') {
    if (!(given >= 1 && given <= capacity) || !isIntegerOrInfinity(given)) {
      throw check.error(
        RangeError,
        'config.maxInFlight',
        `an integer from 1 to \`capacity\` (${capacity})${capacity === Infinity ? ' or `Infinity`' : ''}`,
        given,
      );
    }
    maxInFlight = given;
  } else if (given !== undefined) {
    const spec = adaptiveSpec(given);
    if (spec === null) throw check.error(TypeError, 'config.maxInFlight', 'a number or an adaptiveLimit(...)', given);
    const max = spec.max ?? capacity;
    if (max > capacity) {
      throw check.error(RangeError, 'config.maxInFlight.max', `at most \`capacity\` (${capacity})`, max);
    }
    const initial = spec.initial ?? Math.max(spec.min, Math.min(DEFAULT_INITIAL_LIMIT, max));
    if (initial > max || spec.min > max) {
      throw check.error(
        RangeError,
        spec.min > max ? 'config.maxInFlight.min' : 'config.maxInFlight.initial',
        `at most max (${max}), which is \`capacity\` unless given`,
        spec.min > max ? spec.min : initial,
      );
    }
    adaptive = { ...spec, initial, max };
  }
  const rate = rateLimit === undefined ? null : parseRateLimit(check, rateLimit);
  const onFailure = check.optionalFn('config.cooldown', cooldown);
  if (adaptive === null && rate === null && onFailure === null && maxInFlight >= capacity) return null;
  return { maxInFlight, adaptive, rateLimit: rate, cooldown: onFailure };
}

function parseRateLimit(check: ArgumentChecker, rate: unknown): RateLimitOptions {
  if (rate === null || typeof rate !== 'object') {
    throw check.error(TypeError, 'config.rateLimit', 'an object like { limit, interval }', rate);
  }
  check.knownKeys('config.rateLimit', rate, RATE_KEYS);
  const { limit, interval, burst, strict = false } = rate as Record<string, unknown>;
  const count = (argument: string, value: unknown): number => {
    if (typeof value !== 'number') throw check.error(TypeError, argument, 'a number', value);
    if (!(value >= 1) || !Number.isSafeInteger(value)) {
      throw check.error(RangeError, argument, 'an integer from 1 and up', value);
    }
    return value;
  };
  if (typeof strict !== 'boolean') throw check.error(TypeError, 'config.rateLimit.strict', 'a boolean', strict);
  if (strict && burst !== undefined) {
    throw check.error(
      TypeError,
      'config.rateLimit.burst',
      'absent with `strict: true` (the window allows `limit` at once)',
      burst,
    );
  }
  const parsed = {
    limit: count('config.rateLimit.limit', limit),
    interval: count('config.rateLimit.interval', interval),
    burst: 0,
    strict,
  };
  parsed.burst = burst === undefined ? parsed.limit : count('config.rateLimit.burst', burst);
  return parsed;
}

function parseBudget(check: ArgumentChecker, budget: unknown): RetryBudgetOptions {
  if (budget === null || typeof budget !== 'object') {
    throw check.error(TypeError, 'config.retry.budget', 'an object like { ratio, minPerSecond }', budget);
  }
  check.knownKeys('config.retry.budget', budget, BUDGET_KEYS);
  const { ratio, minPerSecond = 10, window = 10_000 } = budget as Record<string, unknown>;
  const rate = (argument: string, value: unknown): number => {
    if (typeof value !== 'number') throw check.error(TypeError, argument, 'a number', value);
    if (!(value >= 0) || value === Infinity) throw check.error(RangeError, argument, 'a finite number >= 0', value);
    return value;
  };
  if (typeof window !== 'number') throw check.error(TypeError, 'config.retry.budget.window', 'a number', window);
  if (!(window >= 10) || !Number.isSafeInteger(window)) {
    throw check.error(RangeError, 'config.retry.budget.window', 'an integer number of milliseconds >= 10', window);
  }
  return {
    ratio: rate('config.retry.budget.ratio', ratio),
    minPerSecond: rate('config.retry.budget.minPerSecond', minPerSecond),
    window,
  };
}

function parseBuffer(
  check: ArgumentChecker,
  bufferSize: unknown,
  overflow: unknown,
): Pick<AsyncWaitOptions<unknown, unknown>, 'bufferSize' | 'overflow'> {
  if (bufferSize === undefined) {
    if (overflow !== undefined) {
      throw check.error(
        TypeError,
        'config.overflow',
        'given only with a finite `bufferSize` (the buffer is unbounded without one)',
        overflow,
      );
    }
    return { bufferSize: Infinity, overflow: 'error' };
  }
  if (typeof bufferSize !== 'number') throw check.error(TypeError, 'config.bufferSize', 'a number', bufferSize);
  if (!(bufferSize >= 0) || !isIntegerOrInfinity(bufferSize)) {
    throw check.error(RangeError, 'config.bufferSize', 'an integer from 0 and up or `Infinity`', bufferSize);
  }
  if (overflow !== undefined && !OVERFLOWS.includes(overflow as Overflow)) {
    throw check.error(TypeError, 'config.overflow', "one of 'error', 'dropOldest', 'dropNewest'", overflow);
  }
  return { bufferSize, overflow: (overflow as Overflow | undefined) ?? 'error' };
}

function parseRetry<T, R>(check: ArgumentChecker, retry: AsyncRetryConfig<T, R>): RetryOptions<T, R> {
  if (retry === null || typeof retry !== 'object') {
    throw check.error(TypeError, 'config.retry', 'an object like { count, delay }', retry);
  }
  check.knownKeys('config.retry', retry, RETRY_KEYS);
  const { count, delay = 0 } = retry;
  if (typeof count !== 'number') throw check.error(TypeError, 'config.retry.count', 'a number', count);
  if (!(count >= 0) || !isIntegerOrInfinity(count)) {
    throw check.error(RangeError, 'config.retry.count', 'an integer from 0 and up or `Infinity`', count);
  }
  if (typeof delay !== 'function') {
    const error = delayError(delay, check.operator, 'config.retry.delay');
    if (error) throw error;
  }
  return {
    count,
    delay,
    ifError: check.optionalFn('config.retry.ifError', retry.ifError),
    ifResult: check.optionalFn('config.retry.ifResult', retry.ifResult),
    budget: retry.budget === undefined ? null : parseBudget(check, retry.budget),
  };
}

export class ArgumentChecker {
  constructor(readonly operator: string) {}

  error(Err: typeof TypeError, argument: string, expected: string, got: unknown): Error {
    return argumentError(Err, this.operator, argument, expected, got);
  }

  fn(argument: string, value: unknown): void {
    if (typeof value !== 'function') throw this.error(TypeError, argument, 'a function', value);
  }

  optionalFn<F>(argument: string, value: F | undefined): F | null {
    if (value === undefined) return null;
    this.fn(argument, value);
    return value;
  }

  timeout(argument: string, value: unknown): number {
    if (value === undefined) return Infinity;
    if (typeof value !== 'number') throw this.error(TypeError, argument, 'a number of milliseconds', value);
    if (!(value > 0)) throw this.error(RangeError, argument, 'a number > 0 or `Infinity`', value);
    return value;
  }

  capacity(argument: string, value: unknown): number {
    if (value === undefined) return DEFAULT_CAPACITY;
    if (typeof value !== 'number') throw this.error(TypeError, argument, 'a number', value);
    if (!(value >= 1) || !isIntegerOrInfinity(value)) {
      throw this.error(RangeError, argument, 'an integer from 1 and up or `Infinity`', value);
    }
    return value;
  }

  scheduler(argument: string, value: SchedulerLike | undefined): SchedulerLike {
    if (value === undefined) return asyncScheduler;
    if (
      value === null ||
      typeof value !== 'object' ||
      typeof value.schedule !== 'function' ||
      typeof value.now !== 'function'
    ) {
      throw this.error(TypeError, argument, 'a SchedulerLike (with schedule and now)', value);
    }
    return value;
  }

  monitor(argument: string, value: unknown): MonitorEndpoint | null {
    if (value === undefined) return null;
    const endpoint = monitorEndpoint(value);
    if (endpoint === null) throw this.error(TypeError, argument, 'an AsyncWaitMonitor', value);
    return endpoint;
  }

  knownKeys(argument: string, value: object, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        throw this.error(TypeError, `${argument}.${key}`, `absent (known options: ${known.join(', ')})`, key);
      }
    }
  }
}
