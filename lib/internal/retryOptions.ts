import type { AsyncRetryConfig } from '../types.js';
import type { ArgumentChecker } from './argumentChecker.js';
import { delayError, isIntegerOrInfinity } from './describe.js';

/** The retry budget's options (retryBudget.ts), checked and with defaults filled in. */
export interface RetryBudgetOptions {
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly window: number;
}

/** The retry options (retry.ts), checked and with defaults filled in. */
export interface RetryOptions<T, R> {
  readonly count: number;
  /** Delay before retry `n`; a function's answer is checked where it is used. */
  readonly delay: number | ((retry: number, index: number) => number);
  readonly ifError: ((error: unknown, value: T) => boolean) | null;
  readonly ifResult: ((result: readonly R[], value: T) => boolean) | null;
  readonly budget: RetryBudgetOptions | null;
}

const RETRY_KEYS = ['count', 'delay', 'ifError', 'ifResult', 'budget'];
const BUDGET_KEYS = ['ratio', 'minPerSecond', 'window'];

/** Checks `config.retry` and fills in defaults; throws, naming the option, on a bad one. */
export function parseRetry<T, R>(check: ArgumentChecker, retry: AsyncRetryConfig<T, R>): RetryOptions<T, R> {
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
