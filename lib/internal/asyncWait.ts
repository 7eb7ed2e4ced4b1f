import { Observable, type OperatorFunction } from 'rxjs';
import { AsyncWaitCore } from './asyncWaitCore.js';
import type { Entry } from './entry.js';
import type { EntryQueue } from './entryQueue.js';
import type { AsyncWaitOptions } from './options.js';
import { OrderedQueue } from './orderedQueue.js';
import { UnorderedQueue } from './unorderedQueue.js';

/** The one difference between the two operators: the order in which the queue releases results. */
export type OutputMode = 'ordered' | 'unordered';

/** The operator both public fronts return: a fresh core and queue for every subscription. */
export function asyncWait<T, R>(options: AsyncWaitOptions<T, R>, mode: OutputMode): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((out) => {
      const queue: EntryQueue<Entry<T, R>> = mode === 'ordered' ? new OrderedQueue() : new UnorderedQueue();
      AsyncWaitCore.subscribe(source, out, options, queue);
    });
}
