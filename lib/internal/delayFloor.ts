/**
 * The least delay a delay function made by this package can answer (fixedDelay, exponentialDelay),
 * so that options can refuse at creation what only a 0 delay makes endless. A function made
 * elsewhere is unknown here, and checked by retry when it answers.
 */
const floors = new WeakMap<object, number>();

/** Records the least answer of a delay function; returns it. */
export function withFloor<F extends (retry: number, index?: number) => number>(fn: F, floor: number): F {
  floors.set(fn, floor);
  return fn;
}

/** The least answer of a delay (a number is its own), or undefined when unknown. */
export function delayFloor(delay: number | ((retry: number, index: number) => number)): number | undefined {
  return typeof delay === 'number' ? delay : floors.get(delay);
}
