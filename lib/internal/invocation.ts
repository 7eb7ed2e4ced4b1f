import type { Entry } from './entry.js';
import type { FlowReadings } from './monitorProtocol.js';

/**
 * How admitted entries become calls: the replaceable part between admission and the call of
 * `fn`. Today's is one call per element (attempt.ts). Batching (one call for several elements) or
 * a gate in front of calls (a calls-in-flight limit, a rate limit, an adaptive limit) implement
 * this same interface and report through the same AttemptSink, so the core's state machine does
 * not change; docs/architecture.md shows where each plugs in.
 */
export interface Invocation<T, R> {
  /** An admitted entry is ready for its first call. */
  submit(entry: Entry<T, R>): void;
  /** A retry of the entry is due now (its delay, if any, has passed). */
  retry(entry: Entry<T, R>): void;
  /**
   * Calls not started yet should start now: the source completed, or a barrier arrives (a batch
   * never straddles one). A no-op for one call per element.
   */
  flush(reason: FlushCause): void;
  /** The subscription ended: forget every entry still waiting for a call. */
  teardown(): void;
  /**
   * The entry's result is final (its call, retries and fallback are over): a gate that counts
   * what runs releases its permit here. Not called for entries torn down (see `teardown`).
   */
  settled?(entry: Entry<T, R>): void;
  /** Visits entries admitted but waiting for their call, for the pending inputs (none here by default). */
  forEachWaiting?(visit: (entry: Entry<T, R>) => void): void;
  /** The flow control's state, for a monitor: a gate (gate.ts) has one. */
  flowReadings?(): FlowReadings;
}

/** Why the core asks for a flush: the source completed, or a barrier is about to be admitted. */
export type FlushCause = 'complete' | 'barrier';

/** What an invocation reports to: the operator core. */
export interface AttemptSink<T, R> {
  /** The output has ended (a call may end it re-entrantly): start nothing more. */
  readonly closed: boolean;
  /** The entry's first call is starting now: its timeout clock starts. */
  callStarting(entry: Entry<T, R>): void;
  /** The attempt completed; its values are in the entry. */
  attemptCompleted(entry: Entry<T, R>): void;
  /** The attempt failed with `error` (thrown by the call or by its inner). */
  attemptFailed(entry: Entry<T, R>, error: unknown): void;
  /** The call returned something that is no ObservableInput: the output must error. */
  invalidInput(error: unknown): void;
}
