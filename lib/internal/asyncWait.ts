import { Observable, type OperatorFunction } from 'rxjs';
import { assemble, type EngineExtensions, type OutputMode } from './assemble.js';
import type { AsyncWaitOptions } from './options.js';
import { keepEngineShapes } from './resident.js';
import { SourceSubscriber } from './subscribers.js';

export type { OutputMode } from './assemble.js';

/** The operator both public fronts return: a fresh core and parts for every subscription. */
export function asyncWait<T, R>(
  options: AsyncWaitOptions<T, R>,
  mode: OutputMode,
  extensions?: EngineExtensions<T, R>,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((out) => {
      keepEngineShapes(asyncWait);
      const core = assemble(out, options, mode, extensions);
      const subscriber = new SourceSubscriber<T>(core);
      // Added before subscribing, so that a source that errors synchronously still finds the teardown.
      out.add(subscriber);
      out.add(() => core.teardown());
      source.subscribe(subscriber);
    });
}
