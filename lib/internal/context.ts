import type { AsyncContext } from '../types.js';

/** What a context reads its signal from: the element's, made on first read. */
export interface SignalSource {
  readonly signal: AbortSignal;
}

/**
 * The `context` given to one call of `fn`: a plain object of its own, never the engine's entry.
 * `signal` is an own enumerable getter, so `{ ...context }` and `JSON.stringify(context)` keep it
 * (spreading reads it) while a call that never reads it makes no AbortController. Writing to the
 * object changes nothing the engine reads, and it reaches no other element.
 */
export function callContext(source: SignalSource, attempt: number): AsyncContext {
  return {
    get signal() {
      return source.signal;
    },
    attempt,
  };
}
