import type { AsyncBatchBarrierConfig, AsyncBatchConfig, AsyncBatchFunction } from '../../batchTypes.js';
import type { AsyncFunction } from '../../types.js';
import { ArgumentChecker } from '../argumentChecker.js';
import { isIntegerOrInfinity } from '../describe.js';
import { parseOptions, type AsyncWaitOptions } from '../options.js';

/** The batch fronts' own arguments, checked and with defaults filled in. */
export interface BatchOptions<T, R> {
  readonly fn: AsyncBatchFunction<T, R>;
  readonly maxBatchSize: number;
  /** Milliseconds after a batch's first element; 0: the scheduler's zero delay; Infinity: never. */
  readonly maxBatchDelay: number;
  readonly maxInFlightBatches: number;
  readonly match: { readonly key: (value: T) => unknown; readonly resultKey: (result: R) => unknown } | null;
}

const BATCH_KEYS = ['maxBatchSize', 'maxBatchDelay', 'maxInFlightBatches', 'match'];
const MATCH_KEYS = ['key', 'resultKey'];

/**
 * Checks the arguments of a batch front. The options it shares with the per-element operators go
 * through their one parser (`parseOptions`, which also accepts the batch keys as known); the
 * batch keys are checked here with the same checker, so messages have the same shape.
 */
export function parseBatchOptions<T, R>(
  operator: string,
  fn: AsyncBatchFunction<T, R>,
  config: AsyncBatchConfig<T, R> | AsyncBatchBarrierConfig<T, R, T>,
): { shared: AsyncWaitOptions<T, R>; batch: BatchOptions<T, R> } {
  const check = new ArgumentChecker(operator);
  check.fn('fn', fn);
  // Only the config form: without an object, `parseOptions` would read the argument as a timeout.
  if (config === null || typeof config !== 'object') {
    throw check.error(TypeError, 'config', 'a config object with `maxBatchSize`', config);
  }
  // The engine never calls `shared.fn`: the batch invocation replaces the per-element call.
  const shared = parseOptions<T, R>(operator, fn as unknown as AsyncFunction<T, R>, config, undefined, BATCH_KEYS);
  const { maxBatchSize, maxBatchDelay = 0, maxInFlightBatches, match } = config;
  if (maxBatchSize === undefined) {
    throw check.error(TypeError, 'config.maxBatchSize', 'an integer from 1 and up (it is required)', maxBatchSize);
  }
  if (typeof maxBatchSize !== 'number') throw check.error(TypeError, 'config.maxBatchSize', 'a number', maxBatchSize);
  if (!(maxBatchSize >= 1) || !Number.isInteger(maxBatchSize)) {
    throw check.error(RangeError, 'config.maxBatchSize', 'an integer from 1 and up', maxBatchSize);
  }
  if (typeof maxBatchDelay !== 'number') {
    throw check.error(TypeError, 'config.maxBatchDelay', 'a number of milliseconds', maxBatchDelay);
  }
  if (!(maxBatchDelay >= 0)) {
    throw check.error(RangeError, 'config.maxBatchDelay', 'a number >= 0 or `Infinity`', maxBatchDelay);
  }
  return {
    shared,
    batch: {
      fn,
      maxBatchSize,
      maxBatchDelay,
      maxInFlightBatches: parseInFlight(check, maxInFlightBatches, shared.capacity, maxBatchSize),
      match: parseMatch(check, match),
    },
  };
}

/** Default: as many full batches as capacity holds, at least one. */
function parseInFlight(check: ArgumentChecker, value: unknown, capacity: number, maxBatchSize: number): number {
  if (value === undefined) return Math.max(1, Math.floor(capacity / maxBatchSize));
  if (typeof value !== 'number') throw check.error(TypeError, 'config.maxInFlightBatches', 'a number', value);
  if (!(value >= 1) || !isIntegerOrInfinity(value)) {
    throw check.error(RangeError, 'config.maxInFlightBatches', 'an integer from 1 and up or `Infinity`', value);
  }
  return value;
}

function parseMatch<T, R>(check: ArgumentChecker, match: unknown): BatchOptions<T, R>['match'] {
  if (match === undefined) return null;
  if (match === null || typeof match !== 'object') {
    throw check.error(TypeError, 'config.match', 'an object like { key, resultKey }', match);
  }
  check.knownKeys('config.match', match, MATCH_KEYS);
  const { key, resultKey } = match as Record<string, unknown>;
  check.fn('config.match.key', key);
  check.fn('config.match.resultKey', resultKey);
  return { key: key as (value: T) => unknown, resultKey: resultKey as (result: R) => unknown };
}
