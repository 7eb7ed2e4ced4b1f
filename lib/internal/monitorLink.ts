import type { AsyncWaitFigures, PendingInput } from '../types.js';

/** What a monitor reads from the core of the subscription it watches. */
export interface MonitoredCore<T> {
  figures(): AsyncWaitFigures;
  pending(): PendingInput<T>[];
  commitIndex(): number;
}

/** Which core each monitor watches; kept out of the public class so users cannot attach one. */
export const watchedCores = new WeakMap<object, MonitoredCore<unknown>>();
