// STAND-IN for the pull front of issue 12, until rxjs-async-io exports it. Replace this whole file
// by
//     export { orderedWaitIterable } from 'rxjs-async-io';
// (or import it from 'rxjs-async-io' in worker.mjs and delete this file). Nothing else in the
// example depends on how this works.
//
// The signature is the real one: orderedWaitIterable(source, fn, config) takes an AsyncIterable,
// the call and orderedWait's config (timeout, capacity, retry, onError, onTimeout, monitor, ...),
// and returns an AsyncIterable of the results in source order; `config.monitor.commitIndex` is the
// lowest source index whose result has not been emitted.
//
// What this stand-in does NOT do is the point of the real one: it has NO BACKPRESSURE. It is
// `from(source).pipe(orderedWait(fn, config))` turned into an async iterable with a queue, and
// `from()` reads the source as fast as the source yields: a worker reads every entry it can get
// from Redis at once, holds them all in memory, and its results pile up in `results` below when
// the consumer is slower than the calls. The real pull front reads the source only when a slot is
// free (at most capacity + a small prefetch read and not yet emitted), which is what bounds a
// worker's memory and leaves unread entries in the stream for the other workers.
import { from } from 'rxjs';
import { orderedWait } from 'rxjs-async-io';

/**
 * Stand-in with the signature of rxjs-async-io's `orderedWaitIterable` (see the file comment):
 * no backpressure.
 *
 * @template T, R
 * @param {AsyncIterable<T>} source
 * @param {import('rxjs-async-io').AsyncFunction<T, R>} fn
 * @param {import('rxjs-async-io').AsyncWaitConfig<T, R>} config
 * @returns {AsyncIterable<R>}
 */
export function orderedWaitIterable(source, fn, config) {
  return {
    [Symbol.asyncIterator]() {
      // Results emitted and not yet taken by next(), from `head` on (no shift(): O(1) per take).
      let results = [];
      let head = 0;
      // The next() call waiting for a result, when `results` was empty.
      let waiting = null;
      let completed = false;
      let failure = null;
      const settle = () => {
        if (waiting === null) return;
        const { resolve, reject } = waiting;
        if (head < results.length) {
          waiting = null;
          resolve(take());
        } else if (failure !== null) {
          waiting = null;
          reject(failure.error);
          failure.reported = true;
        } else if (completed) {
          waiting = null;
          resolve({ value: undefined, done: true });
        }
      };
      const take = () => {
        const value = results[head];
        results[head++] = undefined;
        if (head === results.length) {
          results = [];
          head = 0;
        }
        return { value, done: false };
      };
      const subscription = from(source)
        .pipe(orderedWait(fn, config))
        .subscribe({
          next: (result) => {
            results.push(result);
            settle();
          },
          error: (error) => {
            failure = { error, reported: false };
            settle();
          },
          complete: () => {
            completed = true;
            settle();
          },
        });
      return {
        next() {
          if (head < results.length) return Promise.resolve(take());
          if (failure !== null && !failure.reported) {
            failure.reported = true;
            return Promise.reject(failure.error);
          }
          if (completed || failure !== null) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve, reject) => {
            waiting = { resolve, reject };
          });
        },
        return() {
          subscription.unsubscribe();
          completed = true;
          results = [];
          head = 0;
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
}
