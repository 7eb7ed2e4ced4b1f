import { Observable, type OperatorFunction } from 'rxjs';
import { AsyncWaitCore } from './asyncWaitCore.js';
import type { Entry } from './entry.js';
import type { EntryQueue } from './entryQueue.js';
import type { AsyncWaitOptions } from './options.js';
import { OrderedQueue } from './orderedQueue.js';
import { UnorderedQueue } from './unorderedQueue.js';
import { KeyedQueue } from './keyedQueue.js';
import { BarrierQueue } from './barrierQueue.js';
import type { QueueNode } from './entryQueue.js';

/** The one difference between the two operators: the order in which the queue releases results. */
export type OutputMode = 'ordered' | 'unordered';

/** The operator both public fronts return: a fresh core and queue for every subscription. */
export function asyncWait<T, R>(options: AsyncWaitOptions<T, R>, mode: OutputMode): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((out) => {
      AsyncWaitCore.subscribe(source, out, options, createQueue<Entry<T, R>>(mode, options));
    });
}

/**
 * The queue for a mode and options: total order, per-key order, or completion order; the two that
 * reorder are wrapped in segments when there are barriers. The ordered queue keeps barriers in
 * place by itself.
 */
function createQueue<N extends QueueNode<N>>(
  mode: OutputMode,
  options: { readonly key: unknown; readonly isBarrier: unknown },
): EntryQueue<N> {
  if (options.key === null && mode === 'ordered') return new OrderedQueue();
  const create = options.key !== null ? () => new KeyedQueue<N>() : () => new UnorderedQueue<N>();
  return options.isBarrier === null ? create() : new BarrierQueue(create);
}
