import { Observable } from 'rxjs';
import { argumentError } from './internal/describe.js';
import type { AsyncContext, AsyncFunction } from './types.js';

/**
 * How a callback-style call reports its outcome (Flink's `ResultFuture`, FLIP-12's
 * `AsyncCollector`). The first call of either method settles the element; later calls are ignored.
 */
export interface ResultFuture<R> {
  /** Completes the element with these results (empty: no output for it). */
  complete(results: Iterable<R>): void;
  /** Fails the element with this error; retry and `onError` apply as to any failed call. */
  completeExceptionally(error: unknown): void;
}

/**
 * A callback-style async function, as Flink's `asyncInvoke(input, resultFuture)`.
 * It must call `resultFuture.complete` or `resultFuture.completeExceptionally` once.
 */
export type CallbackAsyncFunction<T, R> = (
  value: T,
  resultFuture: ResultFuture<R>,
  index: number,
  context: AsyncContext,
) => void;

/**
 * Adapts a callback-style async function, written against a {@link ResultFuture} as in Flink, to
 * the {@link AsyncFunction} that {@link orderedWait} and {@link unorderedWait} take.
 *
 * <span class="informal">For client libraries that report through callbacks, not Promises.</span>
 *
 * ```text
 * fn(a):   resultFuture.complete([A1, A2]) at frame 3
 * inner:   ---(A1 A2|)
 * ```
 *
 * The first `complete` or `completeExceptionally` settles the element and later ones are ignored,
 * as are calls after the element was timed out or unsubscribed. A throw from `fn` before it
 * settles counts as `completeExceptionally`.
 *
 * @example
 * ```ts
 * import { orderedWait, withResultFuture } from 'rxjs-async-io';
 *
 * const lookup = withResultFuture<number, User>((id, resultFuture, _index, { signal }) => {
 *   legacyClient.get(id, { signal }, (err, user) =>
 *     err ? resultFuture.completeExceptionally(err) : resultFuture.complete([user]),
 *   );
 * });
 * ids$.pipe(orderedWait(lookup, 1000, 20));
 * ```
 *
 * @typeParam T The type of the source values.
 * @typeParam R The type of the results.
 * @param fn `(value, resultFuture, index, context) => void`, settling `resultFuture` once.
 * @return The same call as an {@link AsyncFunction}.
 * @throws `TypeError` if `fn` is not a function.
 */
export function withResultFuture<T, R>(fn: CallbackAsyncFunction<T, R>): AsyncFunction<T, R> {
  if (typeof fn !== 'function') throw argumentError(TypeError, 'withResultFuture', 'fn', 'a function', fn);
  return (value, index, context) =>
    new Observable<R>((subscriber) => {
      let settled = false;
      const resultFuture: ResultFuture<R> = {
        complete(results) {
          if (settled) return;
          settled = true;
          // Array.from alone would also take array-likes and turn a number or a plain object into [],
          // silently dropping a result passed without its array; only an iterable is a result list.
          let values: R[] | undefined;
          if (results != null && typeof (results as Iterable<R>)[Symbol.iterator] === 'function') {
            try {
              values = Array.from(results);
            } catch {
              // An iterator that throws is reported like a value that is not iterable.
            }
          }
          if (values === undefined) {
            subscriber.error(
              argumentError(TypeError, 'ResultFuture.complete', 'results', 'an iterable of results', results),
            );
            return;
          }
          for (const result of values) subscriber.next(result);
          subscriber.complete();
        },
        completeExceptionally(error) {
          if (settled) return;
          settled = true;
          subscriber.error(error);
        },
      };
      try {
        fn(value, resultFuture, index, context);
      } catch (error) {
        resultFuture.completeExceptionally(error);
      }
      // After teardown the element is over: whatever the callback says later is ignored.
      return () => {
        settled = true;
      };
    });
}
