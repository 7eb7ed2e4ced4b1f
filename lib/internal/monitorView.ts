import type { PendingInput } from '../figures.js';
import type { Entry } from './entry.js';
import type { MonitorProbe, WatchedSubscription } from './monitorProtocol.js';
import type { CoreParts } from './coreParts.js';
import { pendingInputs } from './pending.js';

/**
 * What a monitor reads of one subscription, live, from its parts (Flink's metrics and its
 * checkpointed in-flight inputs). Read through `parts` at each call: the monitor is given the view
 * before the parts are made.
 */
export function monitorView<T, R>(parts: CoreParts<T, R>): WatchedSubscription<T> {
  const pending = (): PendingInput<T>[] => {
    return pendingInputs({
      timed: parts.deadlines.list,
      fallbacks: parts.fallbacks.list,
      queue: parts.queue,
      waitingForCall: (visit) => parts.invocation.forEachWaiting?.(visit),
      input: parts.input,
    });
  };
  const commitIndex = (): number => {
    const list = pending();
    return list.length > 0 ? list[0].index : parts.input.received;
  };
  return {
    inFlight: () => parts.deadlines.size + parts.fallbacks.size,
    fallbacksRunning: () => parts.fallbacks.size,
    held: () => parts.queue.size,
    buffered: () => parts.input.length,
    oldestAge: () => oldestAge(parts.deadlines.list.head, parts.fallbacks.list.head, parts.clock.now()),
    pending,
    commitIndex,
    // Without a gate, calls in flight are bounded by admission alone: capacity, by default.
    flow: () =>
      parts.invocation.flowReadings?.() ?? { limit: parts.admission.room(0), waitingForToken: 0, cooldownUntil: 0 },
  };
}

/** Tells the probe the subscription ended, with what was pending at that moment. */
export function reportEnd(
  probe: MonitorProbe,
  view: WatchedSubscription<unknown>,
  status: 'completed' | 'errored' | 'unsubscribed',
): void {
  probe.ended(status, view.pending(), view.commitIndex());
}

/**
 * Milliseconds since the oldest held element's first call: the head of the timed list (which is
 * in start order) or any running fallback (in the order they began, not by start).
 */
function oldestAge<T, R>(timed: Entry<T, R> | null, fallback: Entry<T, R> | null, now: number): number {
  let oldest = Infinity;
  if (timed !== null && timed.startedAt >= 0) oldest = timed.startedAt;
  for (let e = fallback; e !== null; e = e.next) if (e.startedAt >= 0 && e.startedAt < oldest) oldest = e.startedAt;
  return oldest === Infinity ? 0 : Math.max(0, now - oldest);
}
