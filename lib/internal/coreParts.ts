import type { Admission } from './admission.js';
import type { Clock } from './clock.js';
import type { Deadlines } from './deadlines.js';
import type { Entry } from './entry.js';
import type { Fallbacks } from './fallbacks.js';
import type { InputBuffer } from './inputBuffer.js';
import type { Invocation } from './invocation.js';
import type { MonitorProbe } from './monitorProtocol.js';
import type { EntryQueue } from './queues/entryQueue.js';
import type { Retry } from './retry.js';

/** The parts a core is built from; `assemble` makes them for one subscription. */
export interface CoreParts<T, R> {
  readonly queue: EntryQueue<Entry<T, R>>;
  readonly admission: Admission;
  readonly invocation: Invocation<T, R>;
  readonly deadlines: Deadlines<T, R>;
  readonly retry: Retry<T, R> | null;
  readonly fallbacks: Fallbacks<T, R>;
  readonly clock: Clock;
  readonly probe: MonitorProbe | null;
  /** Values received and not started yet. */
  readonly input: InputBuffer<T>;
  /** A pull source's reader, told how many more values there is room for; null for a push source. */
  readonly demand: Demand | null;
}

/** Reads a pull source on demand (see docs/architecture.md). */
export interface Demand {
  /** There is room for `count` more values (beyond those already requested and not yet received). */
  request(count: number): void;
}

/** How many more source values a pull source may be asked for: the admission's room, less what is buffered. */
export function roomToRead<T, R>(parts: CoreParts<T, R>): number {
  return parts.admission.room(parts.queue.size) - parts.input.length;
}
