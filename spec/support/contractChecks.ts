import { AsyncTimeoutError } from '../../lib';
import { sourceValue, SOURCE_ERROR_MESSAGE, type Scenario } from './scenario';
import type { Frame } from './trace';
import type { LogEntry, VirtualRun } from './virtualRun';

/**
 * The invariants of issue 4, checked on what a run actually did, without the reference model:
 * replaying the log event by event, it works out from the contract alone which elements are held,
 * when each result may leave and what it must be, and reports every place where the run broke a
 * rule. An empty list means the run kept the contract at every frame.
 */
export function contractViolations(s: Scenario, run: VirtualRun): string[] {
  const violations = [...run.anomalies];
  const fail = (message: string) => violations.push(message);
  const count = s.retry?.count ?? 0;
  const consultsIfResult = s.retry?.ifResult != null;

  interface Element {
    calls: number;
    firstCall: Frame;
    handler: 'onTimeout' | 'onError' | null;
    lastEnd: (LogEntry & { t: 'attemptEnd' }) | null;
    result: { values: string[]; normal: boolean } | null;
    released: boolean;
  }
  const elements = new Map<number, Element>();
  /** Element indices in the order fn was first called for them. */
  const started: number[] = [];
  let orderedHead = 0;
  let held = 0;
  let arrived = 0;
  let sourceEnded = false;
  /** [frame, value]: what downstream must receive, as results become free to leave. */
  const expected: Array<[Frame, string]> = [];
  let received = 0;
  let end: (LogEntry & { t: 'end' }) | null = null;

  const release = (i: number, frame: Frame) => {
    const el = elements.get(i)!;
    el.released = true;
    held--;
    for (const value of el.result!.values) expected.push([frame, value]);
  };
  const resolve = (i: number, values: string[], normal: boolean, frame: Frame) => {
    const el = elements.get(i)!;
    if (el.result !== null) return fail(`element ${i} got a second result`);
    el.result = { values, normal };
    if (s.mode === 'unordered') return release(i, frame);
    while (orderedHead < started.length && elements.get(started[orderedHead])!.result !== null) {
      release(started[orderedHead++], frame);
    }
  };

  for (const e of run.log) {
    if (end !== null && (e.t === 'call' || e.t === 'handler' || e.t === 'out')) {
      fail(`${e.t} ${JSON.stringify(e)} after the output ended at ${end.f}`);
      continue;
    }
    switch (e.t) {
      case 'arrive':
        arrived++;
        break;
      case 'sourceEnd':
        sourceEnded = true;
        break;
      case 'call': {
        if (e.a === 1) {
          if (e.i !== started.length)
            fail(`element ${e.i} started before element ${started.length} (FIFO, source order)`);
          if (e.i >= arrived) fail(`element ${e.i} started before it arrived`);
          if (held >= s.capacity)
            fail(`fn called for ${e.i} at ${e.f} while ${held} elements were held (capacity ${s.capacity})`);
          held++;
          started.push(e.i);
          elements.set(e.i, { calls: 0, firstCall: e.f, handler: null, lastEnd: null, result: null, released: false });
        }
        const el = elements.get(e.i);
        if (el === undefined) {
          fail(`retry of element ${e.i} that never started`);
          break;
        }
        if (e.a !== el.calls + 1) fail(`element ${e.i}: call ${e.a} after ${el.calls} calls`);
        el.calls = e.a;
        if (e.a > count + 1) fail(`element ${e.i}: ${e.a} calls with retry.count ${count}`);
        if (el.handler !== null) fail(`element ${e.i}: fn called at ${e.f} after its ${el.handler} fallback`);
        if (el.result !== null) fail(`element ${e.i}: fn called at ${e.f} after its result was final`);
        break;
      }
      case 'attemptEnd': {
        const el = elements.get(e.i)!;
        el.lastEnd = e;
        if (e.values !== null && (!consultsIfResult || e.a > count)) resolve(e.i, e.values, true, e.f);
        break;
      }
      case 'ifResult': {
        const el = elements.get(e.i)!;
        if (el.lastEnd === null || el.lastEnd.values === null || el.lastEnd.a !== e.a) {
          fail(`ifResult for ${e.i} without a completed attempt ${e.a}`);
        } else if (e.a > count) fail(`ifResult asked for ${e.i} after its last retry`);
        else if (!e.retry) resolve(e.i, el.lastEnd.values, true, el.lastEnd.f);
        break;
      }
      case 'handler': {
        const el = elements.get(e.i);
        if (el === undefined) fail(`${e.which} for ${e.i}, never started`);
        else if (el.handler !== null) fail(`element ${e.i}: ${e.which} after ${el.handler}`);
        else if (el.result !== null) fail(`element ${e.i}: ${e.which} after its result was final`);
        else el.handler = e.which;
        break;
      }
      case 'fallbackEnd':
        if (e.values !== null) resolve(e.i, e.values, false, e.f);
        break;
      case 'out': {
        const want = expected[received++];
        if (want === undefined) fail(`output ${e.v} at ${e.f}: no result was free to leave`);
        else if (want[1] !== e.v || want[0] !== e.f) {
          fail(`output ${e.v} at ${e.f}, expected ${want[1]} at ${want[0]} (order, exactly-once, emitted when free)`);
        }
        break;
      }
      case 'end':
        end = e;
        break;
    }
  }

  // The end: what each element yielded, and why the stream stopped.
  const cutInNext =
    end?.kind === 'unsubscribed' && s.unsubscribe?.kind === 'afterValues' && received === s.unsubscribe.count;
  if (!cutInNext && received !== expected.length) {
    fail(`${expected.length - received} result values free to leave were never emitted before the end`);
  }
  if (end?.kind === 'complete') {
    if (!sourceEnded || s.end.kind !== 'complete') fail('completed before the source did');
    if (started.length !== arrived) fail(`completed with ${arrived - started.length} elements never started`);
    for (const i of started) if (!elements.get(i)!.released) fail(`completed without a result for element ${i}`);
  }
  if (end?.kind === 'error') checkErrorOrigin(s, end.error, run.log, elements, fail);

  // Rule 9 / decision 2: aborted exactly when the element did not complete normally.
  for (const [i, aborted] of run.trace.signals) {
    const normal = elements.get(i)?.result?.normal === true;
    if (aborted === normal)
      fail(
        `element ${i}: signal ${aborted ? 'aborted' : 'not aborted'} though it ${normal ? 'completed normally' : 'did not complete normally'}`,
      );
  }
  if (run.trace.signals.length !== started.length) fail('a started element has no signal record');

  const left = run.leftAtEnd;
  if (left === null) fail('the output was never torn down');
  else {
    if (left.actions !== 0) fail(`${left.actions} scheduled actions left after the end`);
    if (left.inners !== 0) fail(`${left.inners} inners still subscribed after the end`);
  }
  return violations;

  function checkErrorOrigin(
    s: Scenario,
    error: unknown,
    log: readonly LogEntry[],
    els: Map<number, Element>,
    fail: (m: string) => void,
  ): void {
    if (error instanceof AsyncTimeoutError) {
      const el = els.get(error.index);
      if (el === undefined) return fail(`timeout error for ${error.index}, never started`);
      if (s.withOnTimeout) fail(`timeout error for ${error.index} despite onTimeout`);
      if (error.value !== sourceValue(error.index) || error.timeout !== s.timeout)
        fail(`timeout error with wrong fields`);
      if (el.result !== null || el.handler !== null) fail(`timeout error for ${error.index}, already settled`);
      if (end!.f !== (el.firstCall as number) + s.timeout)
        fail(`timeout error for ${error.index} at ${end!.f}, started ${el.firstCall}`);
      return;
    }
    if (error instanceof Error && error.message === SOURCE_ERROR_MESSAGE) {
      if (s.end.kind !== 'error' || !sourceEnded) fail('a source error the source did not send');
      return;
    }
    const origin = log.find(
      (e): e is LogEntry & { t: 'attemptEnd' | 'fallbackEnd' } =>
        (e.t === 'attemptEnd' || e.t === 'fallbackEnd') && e.error === error,
    );
    if (origin === undefined) return fail(`output error ${String(error)} that no call produced`);
    if (origin.t === 'fallbackEnd') return;
    if (s.withOnError) return fail(`element ${origin.i}'s error ended the stream despite onError`);
    const retriable = origin.a <= count && !(s.retry?.ifError && (error as Error).message.endsWith('!'));
    if (retriable) fail(`element ${origin.i}'s error ended the stream with a retry left`);
  }
}
