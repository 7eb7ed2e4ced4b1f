import { adaptiveSpec } from '../adaptiveLimit.js';
import type { AsyncWaitConfig } from '../types.js';
import type { ArgumentChecker } from './argumentChecker.js';
import { isIntegerOrInfinity } from './describe.js';
import { DEFAULT_INITIAL_LIMIT, type ResolvedLimit } from './limits.js';

/** The flow control's options (gate.ts). */
export interface FlowOptions {
  /** Most calls in flight, when fixed (Infinity: none but capacity). */
  readonly maxInFlight: number;
  /** An adaptive limit instead of the fixed one, or null. */
  readonly adaptive: ResolvedLimit | null;
  readonly rateLimit: RateLimitOptions | null;
  readonly cooldown: ((error: unknown) => unknown) | null;
}

/** `config.rateLimit`, checked: `limit` starts per `interval` ms, `burst` tokens at most, or a strict window. */
export interface RateLimitOptions {
  readonly limit: number;
  readonly interval: number;
  readonly burst: number;
  readonly strict: boolean;
}

const RATE_KEYS = ['limit', 'interval', 'burst', 'strict'];

/**
 * maxInFlight, rateLimit and cooldown. Null when none would change anything (a fixed maxInFlight
 * equal to capacity, alone, is today's behaviour), so that an operator without them pays nothing.
 */
export function parseFlow(
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
