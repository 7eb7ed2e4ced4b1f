import type { ObservableInput, SchedulerLike } from 'rxjs';
import type { AsyncFunction, AsyncWaitBarrierConfig, AsyncWaitConfig } from '../types.js';
import { ArgumentChecker } from './argumentChecker.js';
import { delayFloor } from './delayFloor.js';
import { isIntegerOrInfinity } from './describe.js';
import { parseFlow, type FlowOptions } from './flowOptions.js';
import type { Overflow } from './inputBuffer.js';
import type { MonitorEndpoint } from './monitorProtocol.js';
import { parseRetry, type RetryOptions } from './retryOptions.js';

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

/** bufferSize and overflow: the input buffer's (inputBuffer.ts) bound and what a full one does. */
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
