import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { argumentError, isIntegerOrInfinity } from './describe.js';
import { monitorEndpoint, type MonitorEndpoint } from './monitorProtocol.js';

/** Flink's default queue capacity. */
export const DEFAULT_CAPACITY = 100;

/**
 * The checks that option parsers share, bound to one operator's name so that every message names
 * it (see `argumentError` for the shape). Each check returns the value, with its default when it is
 * undefined, or throws a TypeError or RangeError naming the argument and the value received.
 */
export class ArgumentChecker {
  constructor(readonly operator: string) {}

  /** The error for a bad `argument` (it is thrown by the caller, so that control flow stays visible). */
  error(Err: typeof TypeError, argument: string, expected: string, got: unknown): Error {
    return argumentError(Err, this.operator, argument, expected, got);
  }

  /** Throws unless `value` is a function. */
  fn(argument: string, value: unknown): void {
    if (typeof value !== 'function') throw this.error(TypeError, argument, 'a function', value);
  }

  /** A function or undefined; undefined gives null. */
  optionalFn<F>(argument: string, value: F | undefined): F | null {
    if (value === undefined) return null;
    this.fn(argument, value);
    return value;
  }

  /** A timeout in milliseconds, > 0; undefined gives Infinity (none). */
  timeout(argument: string, value: unknown): number {
    if (value === undefined) return Infinity;
    if (typeof value !== 'number') throw this.error(TypeError, argument, 'a number of milliseconds', value);
    if (!(value > 0)) throw this.error(RangeError, argument, 'a number > 0 or `Infinity`', value);
    return value;
  }

  /** An integer from 1 and up, or Infinity; undefined gives DEFAULT_CAPACITY. */
  capacity(argument: string, value: unknown): number {
    if (value === undefined) return DEFAULT_CAPACITY;
    if (typeof value !== 'number') throw this.error(TypeError, argument, 'a number', value);
    if (!(value >= 1) || !isIntegerOrInfinity(value)) {
      throw this.error(RangeError, argument, 'an integer from 1 and up or `Infinity`', value);
    }
    return value;
  }

  /** A SchedulerLike (with schedule and now); undefined gives `asyncScheduler`. */
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

  /** An AsyncWaitMonitor (from any copy of the package), as its endpoint; undefined gives null. */
  monitor(argument: string, value: unknown): MonitorEndpoint | null {
    if (value === undefined) return null;
    const endpoint = monitorEndpoint(value);
    if (endpoint === null) throw this.error(TypeError, argument, 'an AsyncWaitMonitor', value);
    return endpoint;
  }

  /** Throws on the first own key of `value` that is not in `known` (a misspelt option would do nothing). */
  knownKeys(argument: string, value: object, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        throw this.error(TypeError, `${argument}.${key}`, `absent (known options: ${known.join(', ')})`, key);
      }
    }
  }
}
