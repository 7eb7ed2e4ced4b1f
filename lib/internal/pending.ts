import type { PendingInput } from '../figures.js';
import type { Entry } from './entry.js';
import type { EntryList } from './entryList.js';
import type { EntryQueue } from './queues/entryQueue.js';
import type { InputBuffer } from './inputBuffer.js';

/** Where the inputs not yet emitted are: held entries in their lists and queue, then the buffer. */
export interface PendingPlaces<T, R> {
  readonly timed: EntryList<Entry<T, R>>;
  readonly fallbacks: EntryList<Entry<T, R>>;
  readonly queue: EntryQueue<Entry<T, R>>;
  /** Entries admitted but waiting for their call (a gate or a batch), if the invocation keeps any. */
  readonly waitingForCall: (visit: (entry: Entry<T, R>) => void) => void;
  readonly input: InputBuffer<T>;
}

/**
 * The inputs whose results have not been emitted, in source order with their indices (Flink's
 * checkpointed in-flight inputs): held entries wherever they are, then the buffered values
 * (a value dropped by an overflow policy is in neither).
 */
export function pendingInputs<T, R>(places: PendingPlaces<T, R>): PendingInput<T>[] {
  const held: Entry<T, R>[] = [];
  const collect = (entry: Entry<T, R>) => void held.push(entry);
  places.timed.forEach(collect);
  places.fallbacks.forEach(collect);
  places.waitingForCall(collect);
  places.queue.forEachReady(collect);
  held.sort((a, b) => a.index - b.index);
  const pending: PendingInput<T>[] = held.map(({ index, value }) => ({ index, value }));
  places.input.forEach((value, index) => void pending.push({ index, value }));
  return pending;
}
