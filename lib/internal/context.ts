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
 * the proxy, so the context leads to no other element. It behaves as a plain object: what the
 * user writes is read back (`signal` and `attempt` included), and the engine never reads it.
 */
class CallContext implements ProxyHandler<object> {
  /** What the user wrote to the context, made on first write; read back before the defaults. */
  private written: Record<PropertyKey, unknown> | null = null;

  constructor(
    private readonly source: SignalSource,
    private readonly attempt: number,
  ) {}

  get(_target: object, key: PropertyKey): unknown {
    if (this.written !== null && hasOwn(this.written, key)) return this.written[key as string];
    if (key === 'signal') return this.source.signal;
    if (key === 'attempt') return this.attempt;
    return (Object.prototype as Record<PropertyKey, unknown>)[key as string];
  }

  set(_target: object, key: PropertyKey, value: unknown): boolean {
    (this.written ??= {})[key as string] = value;
    return true;
  }

  has(_target: object, key: PropertyKey): boolean {
    return (
      key === 'signal' ||
      key === 'attempt' ||
      (this.written !== null && hasOwn(this.written, key)) ||
      key in Object.prototype
    );
  }

  deleteProperty(_target: object, key: PropertyKey): boolean {
    if (this.written !== null) delete this.written[key as string];
    return true;
  }

  ownKeys(): (string | symbol)[] {
    if (this.written === null) return KEYS.slice();
    return [...KEYS, ...Reflect.ownKeys(this.written).filter((key) => key !== 'signal' && key !== 'attempt')];
  }

  getOwnPropertyDescriptor(_target: object, key: PropertyKey): PropertyDescriptor | undefined {
    if (key === 'signal' || key === 'attempt' || (this.written !== null && hasOwn(this.written, key))) {
      return { value: this.get(EMPTY, key), writable: true, enumerable: true, configurable: true };
    }
    return undefined;
  }

  // The target is shared by every context: freezing one or changing its prototype would reach
  // them all, so both are refused (a strict-mode caller gets a TypeError).
  preventExtensions(): boolean {
    return false;
  }

  setPrototypeOf(): boolean {
    return false;
  }

  defineProperty(_target: object, key: PropertyKey, descriptor: PropertyDescriptor): boolean {
    // Stored as a plain value: the shared target never gets a property of its own.
    (this.written ??= {})[key as string] = descriptor.value;
    return descriptor.configurable !== false;
  }
}

function hasOwn(object: object, key: PropertyKey): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * The `context` given to one call of `fn`: `{ signal, attempt }`, an object of its own, never the
 * engine's entry. `signal` is made on first read; spreading or serialising the context reads it.
 */
export function callContext(source: SignalSource, attempt: number): AsyncContext {
  return new Proxy(EMPTY, new CallContext(source, attempt)) as AsyncContext;
}

/** Passed in the context's place to a function that cannot read it (see readsContext). */
export const NO_CONTEXT = undefined as unknown as AsyncContext;

/**
 * Whether `fn` can reach its third argument (the context). Making a context costs about 20 ns a
 * call, as much as a third of an element's whole cost for a synchronous inner, and most `fn`s
 * declare one parameter. So a context is made only for a function that may read it: one whose
 * source shows three or more parameters, or anything this cannot rule out (rest or default
 * parameters, destructuring, `arguments`, native or bound functions, whose source is hidden).
 * Only a plain list of fewer than three names, with no `arguments` anywhere in the source, rules
 * it out; such a function cannot observe that no context was passed.
 */
export function readsContext(fn: (...args: never[]) => unknown): boolean {
  if (fn.length >= 3) return true;
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return true;
  }
  if (/\barguments\b|\[native code\]/.test(source)) return true;
  const params = parameterList(source);
  if (params === null) return true;
  const names = params.trim() === '' ? [] : params.split(',').map((name) => name.trim());
  return names.length >= 3 || !names.every((name) => /^[A-Za-z_$][\w$]*$/.test(name));
}

/** The text of a function's parameter list, or null when its shape is not a plain one. */
function parameterList(source: string): string | null {
  // An arrow function with one bare parameter: `x => ...` (also `async x => ...`).
  const bare = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (bare !== null) return bare[1];
  const open = source.indexOf('(');
  const close = source.indexOf(')', open + 1);
  if (open < 0 || close < 0) return null;
  const params = source.slice(open + 1, close);
  // Anything but names and commas (defaults, destructuring, rest, comments, nested parentheses)
  // is left to the safe answer.
  return /^[\w$\s,]*$/.test(params) ? params : null;
}
