import type { AsyncContext } from '../types.js';

/** What a context reads its signal from: the element's, made on first read. */
export interface SignalSource {
  readonly signal: AbortSignal;
}

/** The proxies' target: shared and always empty. What a context holds lives in its handler. */
const EMPTY = {};

const KEYS = ['signal', 'attempt'];

/**
 * One call's context, as the handler of a Proxy. Why a Proxy: `signal` must be created lazily (an
 * AbortController costs microseconds per element where most calls never read it), yet be an own
 * enumerable property, so that `{ ...context }` and `JSON.stringify(context)` keep it. A plain
 * object can only do that with an own getter, which V8 builds on a slow path (~0.6 µs per call,
 * measured 2026-11-30); a class instance with a prototype getter is fast but loses `signal` when
 * spread. This handler plus its proxy cost two small allocations. The handler is unreachable from
 * the proxy, so the context leads to no other element; what the user writes to it is kept here,
 * apart from `signal` and `attempt`, which stay what the engine made them.
 */
class CallContext implements ProxyHandler<object> {
  /** Properties the user added, made on first write. */
  private extra: Record<PropertyKey, unknown> | null = null;

  constructor(
    private readonly source: SignalSource,
    private readonly attempt: number,
  ) {}

  get(_target: object, key: PropertyKey): unknown {
    if (key === 'signal') return this.source.signal;
    if (key === 'attempt') return this.attempt;
    return this.extra !== null && Object.prototype.hasOwnProperty.call(this.extra, key)
      ? this.extra[key as string]
      : (Object.prototype as Record<PropertyKey, unknown>)[key as string];
  }

  set(_target: object, key: PropertyKey, value: unknown): boolean {
    // `signal` and `attempt` are read-only (a strict-mode write throws a TypeError).
    if (key === 'signal' || key === 'attempt') return false;
    (this.extra ??= {})[key as string] = value;
    return true;
  }

  has(_target: object, key: PropertyKey): boolean {
    return (
      key === 'signal' ||
      key === 'attempt' ||
      (this.extra !== null && Object.prototype.hasOwnProperty.call(this.extra, key)) ||
      key in Object.prototype
    );
  }

  deleteProperty(_target: object, key: PropertyKey): boolean {
    if (key === 'signal' || key === 'attempt') return false;
    if (this.extra !== null) delete this.extra[key as string];
    return true;
  }

  ownKeys(): (string | symbol)[] {
    return this.extra === null ? KEYS.slice() : [...KEYS, ...Reflect.ownKeys(this.extra)];
  }

  getOwnPropertyDescriptor(_target: object, key: PropertyKey): PropertyDescriptor | undefined {
    if (key === 'signal' || key === 'attempt') {
      return { value: this.get(EMPTY, key), writable: false, enumerable: true, configurable: true };
    }
    return this.extra === null ? undefined : Reflect.getOwnPropertyDescriptor(this.extra, key);
  }

  defineProperty(_target: object, key: PropertyKey, descriptor: PropertyDescriptor): boolean {
    if (key === 'signal' || key === 'attempt') return false;
    return Reflect.defineProperty((this.extra ??= {}), key, descriptor);
  }
}

/**
 * The `context` given to one call of `fn`: `{ signal, attempt }`, an object of its own, never the
 * engine's entry. `signal` is made on first read; spreading or serialising the context reads it.
 */
export function callContext(source: SignalSource, attempt: number): AsyncContext {
  return new Proxy(EMPTY, new CallContext(source, attempt)) as AsyncContext;
}
