import type { Observable } from 'rxjs';

/** An observer that records what an output does: its values, its error and whether it completed. */
export function record<R>() {
  const log: { values: R[]; error: unknown; completed: boolean } = { values: [], error: undefined, completed: false };
  const observer = {
    next: (v: R) => void log.values.push(v),
    error: (e: unknown) => void (log.error = e),
    complete: () => void (log.completed = true),
  };
  return { log, observer };
}

/** The values of an output that completes; rejects with its error. */
export function collect<R>(observable: Observable<R>): Promise<R[]> {
  return new Promise((resolve, reject) => {
    const values: R[] = [];
    observable.subscribe({ next: (v) => values.push(v), error: reject, complete: () => resolve(values) });
  });
}
