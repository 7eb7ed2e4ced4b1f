import { Observable, Subscriber, type ObservableInput, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  AsyncWaitMonitor,
  exponentialDelay,
  fixedDelay,
  orderedWait,
  orderedWaitFrom,
  unorderedWait,
  unorderedWaitFrom,
  type AsyncContext,
  type AsyncRetryConfig,
  type AsyncWaitConfig,
} from '../../lib';
import {
  arrivalFrames,
  attemptErrorMessage,
  attemptOf,
  attemptValues,
  endFrame,
  fallbackErrorMessage,
  fallbackValues,
  isFatalError,
  isRejectedResult,
  retryDelayMs,
  SOURCE_ERROR_MESSAGE,
  sourceValue,
  type Attempt,
  type Fallback,
  type RetryScenario,
  type Scenario,
} from './scenario';
import { describeError, innerLine, type End, type Frame, type Trace } from './trace';

/** Everything observed, in the order it happened, for the contract checks. */
export type LogEntry =
  | { t: 'arrive'; i: number; f: Frame }
  | { t: 'sourceEnd'; f: Frame }
  | { t: 'call'; i: number; a: number; f: Frame }
  /** An attempt's outcome as fn's inner delivered it (values null when it erred). */
  | { t: 'attemptEnd'; i: number; a: number; f: Frame; values: string[] | null; error: unknown }
  | { t: 'ifResult'; i: number; a: number; retry: boolean }
  | { t: 'handler'; i: number; which: 'onTimeout' | 'onError'; f: Frame }
  | { t: 'fallbackEnd'; i: number; f: Frame; values: string[] | null; error: unknown }
  | { t: 'out'; v: string; f: Frame }
  | { t: 'end'; kind: 'complete' | 'error' | 'unsubscribed'; f: Frame; error?: unknown };

export interface VirtualRun {
  trace: Trace;
  log: LogEntry[];
  /** Things the harness saw go wrong on the spot (bad arguments to fn, a reused or pre-aborted signal...). */
  anomalies: string[];
  /** Taken right after the output's teardown: scheduled actions and subscribed inners left. */
  leftAtEnd: { actions: number; inners: number } | null;
}

interface ElementState {
  attempt: number;
  ctx: AsyncContext | null;
  signal: AbortSignal | null;
  abortFrame: Frame | null;
}

/**
 * How the run reads its source: 'push' subscribes the operator to the scenario's source Observable;
 * 'pull' gives the pull front (orderedWaitFrom / unorderedWaitFrom) a synchronous generator of the
 * same values, for scenarios whose source emits everything and completes at subscription. In
 * 'pull', `reads` gets the frame and the monitor's `held` figure at every read of the source.
 */
export type RunFront = { kind: 'push' } | { kind: 'pull'; reads: Array<{ frame: Frame; held: number }> };

/** Plays a scenario through the real operator on a TestScheduler, frame by frame, recording everything. */
export function runVirtual(s: Scenario, front: RunFront = { kind: 'push' }): VirtualRun {
  const scheduler = new TestScheduler(() => undefined);
  scheduler.maxFrames = Infinity;
  let final = false;
  const frame = (): Frame => (final ? 'final' : scheduler.now());

  const log: LogEntry[] = [];
  const anomalies: string[] = [];
  const outputs: Array<[Frame, string]> = [];
  const calls: Array<[Frame, number, number]> = [];
  const handlers: Trace['handlers'] = [];
  const inners = new Map<
    string,
    { subscribed: Frame; ended: Frame | null; how: 'complete' | 'error' | 'unsubscribed' | null }
  >();
  const states: ElementState[] = s.elements.map(() => ({ attempt: 0, ctx: null, signal: null, abortFrame: null }));
  const startOrder: number[] = [];
  let innersLive = 0;
  let end: End = { kind: 'open' };
  let leftAtEnd: VirtualRun['leftAtEnd'] = null;

  interface Plan {
    values: string[];
    error: Error | null;
    delay: number;
    hang: boolean;
    early: number | null;
    /** Reported when the inner ends by itself. */
    onEnd: (values: string[] | null, error: unknown) => void;
  }

  /** An inner on the virtual clock that counts its subscriptions and records its life. */
  const inner = (key: string, plan: Plan): Observable<string> =>
    new Observable<string>((subscriber) => {
      innersLive++;
      if (inners.has(key)) anomalies.push(`inner ${key} subscribed twice`);
      const record = {
        subscribed: frame(),
        ended: null as Frame | null,
        how: null as 'complete' | 'error' | 'unsubscribed' | null,
      };
      inners.set(key, record);
      const emitted: string[] = [];
      const next = (value: string) => {
        emitted.push(value);
        subscriber.next(value);
      };
      const finish = (from: number) => {
        plan.values.slice(from).forEach(next);
        // Counted as gone before it reports: a synchronous inner may end the whole output from here.
        innersLive--;
        record.ended = frame();
        if (plan.error !== null) {
          record.how = 'error';
          plan.onEnd(null, plan.error);
          subscriber.error(plan.error);
        } else {
          record.how = 'complete';
          plan.onEnd(emitted, null);
          subscriber.complete();
        }
      };
      if (plan.delay === 0 && !plan.hang) finish(0);
      else {
        const early = plan.early !== null && plan.values.length > 0;
        if (early) subscriber.add(scheduler.schedule(() => next(plan.values[0]), plan.early!));
        if (!plan.hang) subscriber.add(scheduler.schedule(() => finish(early ? 1 : 0), plan.delay));
      }
      return () => {
        if (record.ended === null) {
          innersLive--;
          record.ended = frame();
          record.how = 'unsubscribed';
        }
      };
    });

  const attemptInput = (i: number, a: number, attempt: Attempt): ObservableInput<string> => {
    const onEnd = (values: string[] | null, error: unknown) =>
      log.push({ t: 'attemptEnd', i, a, f: frame(), values, error });
    const key = `${i}.${a}`;
    // A value emitted before an error or a hang is never part of any result.
    const partial = [`p${i}.${a}`];
    switch (attempt.kind) {
      case 'hang':
        return inner(key, { values: partial, error: null, delay: 0, hang: true, early: attempt.early, onEnd });
      case 'values': {
        const values = attemptValues(i, a, attempt);
        if (attempt.delay === 0 && attempt.syncForm === 'array') {
          onEnd(values, null);
          return values;
        }
        return inner(key, { values, error: null, delay: attempt.delay, hang: false, early: attempt.early, onEnd });
      }
      case 'error': {
        const error = new Error(attemptErrorMessage(i, a, attempt));
        if (attempt.delay === 0 && attempt.syncForm === 'throw') {
          onEnd(null, error);
          throw error;
        }
        return inner(key, {
          values: attempt.early === null ? [] : partial,
          error,
          delay: attempt.delay,
          hang: false,
          early: attempt.early,
          onEnd,
        });
      }
    }
  };

  const fallbackInput = (i: number, which: 'onTimeout' | 'onError', fallback: Fallback): ObservableInput<string> => {
    const onEnd = (values: string[] | null, error: unknown) =>
      log.push({ t: 'fallbackEnd', i, f: frame(), values, error });
    const key = `${i}.${which}`;
    switch (fallback.kind) {
      case 'hang':
        return inner(key, { values: [], error: null, delay: 0, hang: true, early: null, onEnd });
      case 'values': {
        const values = fallbackValues(i, which, fallback);
        if (fallback.delay === 0 && fallback.syncForm === 'array') {
          onEnd(values, null);
          return values;
        }
        return inner(key, { values, error: null, delay: fallback.delay, hang: false, early: null, onEnd });
      }
      case 'error': {
        const error = new Error(fallbackErrorMessage(i, which));
        if (fallback.syncForm === 'throw') {
          onEnd(null, error);
          throw error;
        }
        return inner(key, { values: [], error, delay: fallback.delay, hang: false, early: null, onEnd });
      }
    }
  };

  const fn = (value: string, index: number, ctx: AsyncContext): ObservableInput<string> => {
    const state = states[index];
    if (state === undefined || value !== sourceValue(index))
      anomalies.push(`fn(${value}, ${index}): wrong value or index`);
    state.attempt++;
    if (ctx.attempt !== state.attempt)
      anomalies.push(`fn for ${index}: ctx.attempt ${ctx.attempt}, expected ${state.attempt}`);
    if (state.attempt === 1) startOrder.push(index);
    state.ctx ??= ctx;
    const f = frame();
    calls.push([f, index, state.attempt]);
    log.push({ t: 'call', i: index, a: state.attempt, f });
    const element = s.elements[index];
    if (element.readsSignal) {
      const signal = ctx.signal;
      if (signal.aborted) anomalies.push(`fn for ${index} called with an aborted signal`);
      if (state.signal === null) {
        state.signal = signal;
        signal.addEventListener('abort', () => {
          if (state.abortFrame !== null) anomalies.push(`signal of ${index} aborted twice`);
          state.abortFrame = frame();
        });
      } else if (state.signal !== signal) anomalies.push(`fn for ${index}: a new signal on attempt ${state.attempt}`);
    }
    return attemptInput(index, state.attempt, attemptOf(element, state.attempt));
  };

  const handler = (which: 'onTimeout' | 'onError', value: string, index: number, error?: unknown) => {
    if (value !== sourceValue(index)) anomalies.push(`${which}(${value}, ${index}): wrong value or index`);
    const f = frame();
    handlers.push([f, index, which, which === 'onError' ? describeError(error) : null]);
    log.push({ t: 'handler', i: index, which, f });
    return fallbackInput(index, which, s.elements[index][which]);
  };

  const config: AsyncWaitConfig<string, string> = { capacity: s.capacity, scheduler };
  if (s.timeout !== Infinity) config.timeout = s.timeout;
  if (s.withOnTimeout) config.onTimeout = (value, index) => handler('onTimeout', value, index);
  if (s.withOnError) config.onError = (error, value, index) => handler('onError', value, index, error);
  if (s.retry !== null) config.retry = retryConfig(s.retry, states, log);
  const monitor = new AsyncWaitMonitor<string>();
  const operator: OperatorFunction<string, string> =
    front.kind === 'push'
      ? (s.mode === 'ordered' ? orderedWait : unorderedWait)(fn, config)
      : () => (s.mode === 'ordered' ? orderedWaitFrom : unorderedWaitFrom)(pulled(), fn, { ...config, monitor });
  function* pulled(): Generator<string> {
    if (front.kind !== 'pull') return;
    if (s.syncCount !== s.elements.length || s.end.kind !== 'complete' || !s.end.sync) {
      throw new Error('a pull run needs a source that emits everything and completes at subscription');
    }
    for (let i = 0; i <= s.elements.length; i++) {
      front.reads.push({ frame: frame(), held: monitor.figures.held });
      if (i === s.elements.length) break;
      log.push({ t: 'arrive', i, f: frame() });
      yield sourceValue(i);
    }
    log.push({ t: 'sourceEnd', f: frame() });
  }

  const source = new Observable<string>((subscriber) => {
    const arrivals = arrivalFrames(s);
    const emit = (i: number) => {
      log.push({ t: 'arrive', i, f: frame() });
      subscriber.next(sourceValue(i));
    };
    const finish = () => {
      log.push({ t: 'sourceEnd', f: frame() });
      if (s.end.kind === 'error') subscriber.error(new Error(SOURCE_ERROR_MESSAGE));
      else subscriber.complete();
    };
    // The whole timeline is scheduled first (as a cold marble source does), then the synchronous part emitted.
    arrivals.forEach((f, i) => {
      if (f >= 0) subscriber.add(scheduler.schedule(() => emit(i), f));
    });
    const last = endFrame(s);
    if (last !== null && last >= 0) subscriber.add(scheduler.schedule(finish, last));
    for (let i = 0; i < arrivals.length && arrivals[i] < 0 && !subscriber.closed; i++) emit(i);
    if (last === -1 && !subscriber.closed) finish();
  });

  let delivered = 0;
  const ended = (e: Exclude<End, { kind: 'open' }>, error?: unknown) => {
    end = e;
    log.push({ t: 'end', kind: e.kind, f: e.frame, error });
  };
  class Consumer extends Subscriber<string> {
    // rxjs drops what reaches a stopped subscriber; here it is caught on the spot.
    override next(value: string): void {
      if (this.isStopped) anomalies.push(`next(${value}) after the output stopped`);
      super.next(value);
    }
    override error(error: unknown): void {
      if (this.isStopped) anomalies.push(`error(${describeError(error)}) after the output stopped`);
      super.error(error);
    }
    override complete(): void {
      if (this.isStopped) anomalies.push('complete() after the output stopped');
      super.complete();
    }
    protected override _next(value: string): void {
      const f = frame();
      outputs.push([f, value]);
      log.push({ t: 'out', v: value, f });
      delivered++;
      if (s.unsubscribe?.kind === 'afterValues' && delivered === s.unsubscribe.count) {
        ended({ kind: 'unsubscribed', frame: f });
        this.unsubscribe();
      }
    }
    protected override _error(error: unknown): void {
      ended({ kind: 'error', frame: frame(), error: describeError(error) }, error);
      this.unsubscribe();
    }
    protected override _complete(): void {
      ended({ kind: 'complete', frame: frame() });
      this.unsubscribe();
    }
  }
  const consumer = new Consumer();
  const leave =
    s.unsubscribe?.kind === 'at'
      ? scheduler.schedule(() => {
          ended({ kind: 'unsubscribed', frame: frame() });
          consumer.unsubscribe();
        }, s.unsubscribe.frame + 0.5)
      : null;

  source.pipe(operator).subscribe(consumer);
  // Added after the operator's own teardown, so these run once it is done (at once if it already is).
  if (leave !== null) consumer.add(leave);
  consumer.add(() => {
    leftAtEnd = { actions: scheduler.actions.length, inners: innersLive };
  });
  scheduler.flush();
  if (!consumer.closed) {
    final = true;
    consumer.unsubscribe();
  }

  const trace: Trace = {
    outputs,
    end,
    calls,
    handlers,
    inners: [...inners].map(([key, r]) => innerLine(key, r.subscribed, r.ended!, r.how!)).sort(),
    signals: startOrder.map((i) => [
      i,
      states[i].ctx!.signal.aborted,
      s.elements[i].readsSignal ? states[i].abortFrame : null,
    ]),
  };
  return { trace, log, anomalies, leftAtEnd };
}

function retryConfig(retry: RetryScenario, states: ElementState[], log: LogEntry[]): AsyncRetryConfig<string, string> {
  const config: AsyncRetryConfig<string, string> = { count: retry.count };
  const { delay } = retry;
  switch (delay.kind) {
    case 'default':
      break;
    case 'number':
      config.delay = delay.ms;
      break;
    case 'fixedDelay':
      config.delay = fixedDelay(delay.ms);
      break;
    case 'exponentialDelay':
      config.delay = exponentialDelay({ initial: delay.initial, max: delay.max });
      break;
    case 'list':
      config.delay = (n) => retryDelayMs(delay, n);
      break;
  }
  if (retry.ifError) config.ifError = (error) => !isFatalError(error);
  const { ifResult } = retry;
  if (ifResult !== null) {
    config.ifResult = (result, value) => {
      const i = Number(value.slice(1));
      const again = isRejectedResult(result, ifResult.retryEmpty);
      log.push({ t: 'ifResult', i, a: states[i].attempt, retry: again });
      return again;
    };
  }
  return config;
}
