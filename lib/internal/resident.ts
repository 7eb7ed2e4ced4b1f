import { NEVER, Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { OutputMode } from './assemble.js';
import { parseOptions, type AsyncWaitOptions } from './options.js';

/** The operator factory (asyncWait), passed in so that this file does not import it back. */
export type OperatorFactory = (
  options: AsyncWaitOptions<unknown, unknown>,
  mode: OutputMode,
) => OperatorFunction<unknown, unknown>;

/**
 * One inert subscription per output mode, kept for the life of the module, each with one element
 * whose call never ends: it keeps the hidden classes of the engine's objects alive.
 *
 * Why: V8's optimized code depends on the hidden classes (maps) of the objects it handles, and a
 * class's maps are held only by its live instances. When a full garbage collection finds no
 * subscription alive (between short-lived subscriptions, such as one per HTTP request, or while
 * a stream is idle), it drops the maps of the entry, the queues, the parts and the subscribers,
 * and with them the optimized code of the whole per-element path. The next elements then run
 * unoptimized while some 30 functions are recompiled. Measured with 12 subscriptions of 200,000
 * `of(x)` inners through orderedWait and a full GC between them (2026-11-30): about 30
 * recompilations per subscription without this, none with it.
 *
 * It is a real pipeline (a source, the operator, an observer), so that rxjs's subscriber
 * classes on both sides stay too. Made on the first subscription, not on import, so that
 * importing the package does nothing. Each holds a few objects (about 2 KB) and no timer,
 * listener or resource: its element's inner is NEVER and its deadline is infinite.
 */
let residents: Subscription[] | null = null;

/** How many resident subscriptions there are (0 before the first subscription, then 2): for tests. */
export function residentCount(): number {
  return residents === null ? 0 : residents.filter((subscription) => !subscription.closed).length;
}

/** Makes the resident subscriptions once; later calls do nothing. */
export function keepEngineShapes(operate: OperatorFactory): void {
  if (residents !== null) return;
  residents = [];
  for (const mode of ['ordered', 'unordered'] as OutputMode[]) {
    const operator = mode === 'ordered' ? 'orderedWait' : 'unorderedWait';
    // A source that sends one value and never ends: its element's call (NEVER) holds the entry.
    const source = new Observable<unknown>((subscriber) => subscriber.next(undefined));
    residents.push(
      source
        .pipe(
          operate(
            parseOptions<unknown, unknown>(operator, () => NEVER, undefined, undefined),
            mode,
          ),
        )
        .subscribe({
          next() {},
        }),
    );
  }
}
