/**
 * What a run of the operator looks like from outside, in a form the reference model can predict
 * exactly and a real run can record: every emission, the end, every call of `fn` and of the
 * fallback handlers, every inner subscription's life and every element's signal.
 */
export interface Trace {
  /** [frame, value] for every value downstream received, in order. */
  outputs: Array<[Frame, string]>;
  end: End;
  /** [frame, element index, attempt] for every call of `fn`, in order. */
  calls: Array<[Frame, number, number]>;
  /** [frame, element index, handler, error message for onError] for every fallback call, in order. */
  handlers: Array<[Frame, number, 'onTimeout' | 'onError', string | null]>;
  /** "key subscribed-ended how" for every Observable inner, sorted; key is "i.attempt" or "i.onTimeout"/"i.onError". */
  inners: string[];
  /** [element index, aborted at the end, frame of the abort event if fn listened] for every started element. */
  signals: Array<[number, boolean, Frame | null]>;
}

/** A virtual frame, or 'final' for the unsubscription after the scheduler ran dry. */
export type Frame = number | 'final';

export type End =
  | { kind: 'complete' | 'unsubscribed'; frame: Frame }
  | { kind: 'error'; frame: Frame; error: string }
  /** Still running when the scheduler ran dry (a hang); the harness then unsubscribes at 'final'. */
  | { kind: 'open' };

export function innerLine(
  key: string,
  subscribed: Frame,
  ended: Frame,
  how: 'complete' | 'error' | 'unsubscribed',
): string {
  return `${key} ${subscribed}-${ended} ${how}`;
}

/** How an output error is named in a trace: AsyncTimeoutErrors by their fields, others by message. */
export function describeError(error: unknown): string {
  if (error instanceof Error && error.name === 'AsyncTimeoutError') {
    const e = error as Error & { index: number; value: unknown; timeout: number };
    return `AsyncTimeoutError(${e.index}, ${String(e.value)}, ${e.timeout})`;
  }
  if (error instanceof Error) return error.message;
  return `non-Error ${String(error)}`;
}
