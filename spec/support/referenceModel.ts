import {
  arrivalFrames,
  attemptErrorMessage,
  attemptOf,
  attemptValues,
  endFrame,
  fallbackErrorMessage,
  fallbackValues,
  isRejectedResult,
  retryDelayMs,
  SOURCE_ERROR_MESSAGE,
  sourceValue,
  type Scenario,
} from './scenario';
import { innerLine, type End, type Frame, type Trace } from './trace';

/**
 * The reference model of CONTRACT.md: a discrete-event simulation of one subscription, written from
 * the contract alone (it shares no code or structure with lib/). It predicts the exact Trace of a
 * scenario run on rxjs's TestScheduler.
 *
 * Events of the same instant run in the order they were scheduled, as on rxjs's virtual scheduler
 * (the source schedules its whole timeline when subscribed; an inner schedules its end when
 * subscribed; a retry is scheduled when its attempt fails). Where the contract leaves the order of
 * simultaneous things open, the model takes the obvious choice and says so:
 * - within one instant, whatever results may leave are emitted before a freed slot is refilled
 *   from the input buffer, one start at a time;
 * - a deadline that falls on the same instant as another event (only possible through a chain of
 *   timeouts, see Scenario) is a race the contract does not decide: the run is flagged `ambiguous`
 *   and only the contract's invariants are checked for it, not this exact trace.
 */
export function simulate(s: Scenario): { trace: Trace; ambiguous: boolean } {
  const model = new Model(s);
  model.run();
  return { trace: model.trace(), ambiguous: model.ambiguous };
}

type Phase = 'buffered' | 'running' | 'retryWait' | 'fallback' | 'resolved' | 'released';

interface El {
  readonly i: number;
  phase: Phase | null;
  attempt: number;
  /** The scheduled thing that moves this element on (its inner's end or its retry); null if none. */
  pending: Ev | null;
  deadline: Ev | null;
  /** Key of the Observable inner currently subscribed for it, if any. */
  liveInner: string | null;
  abortedAt: Frame | null;
  result: string[];
  fallback: 'onTimeout' | 'onError' | null;
}

interface Ev {
  readonly time: number;
  readonly seq: number;
  readonly kind: 'arrive' | 'sourceEnd' | 'attemptEnd' | 'fallbackEnd' | 'retry' | 'deadline' | 'unsubscribe';
  readonly i: number;
  cancelled: boolean;
}

class Model {
  ambiguous = false;
  private now: Frame = 0;
  private seq = 0;
  private readonly events = new EventHeap();
  private readonly els: El[];
  private readonly buffer: El[] = [];
  /** Started and not yet released, in start order: what capacity counts; the head leads in ordered mode. */
  private readonly held: El[] = [];
  /** Unordered mode: resolved elements in resolution order, to be released. */
  private readonly resolvedQueue: El[] = [];
  private sourceDone = false;
  private draining = false;
  private stopped = false;
  private delivered = 0;

  private readonly outputs: Array<[Frame, string]> = [];
  private end: End = { kind: 'open' };
  private readonly calls: Array<[Frame, number, number]> = [];
  private readonly handlers: Array<[Frame, number, 'onTimeout' | 'onError', string | null]> = [];
  private readonly inners = new Map<
    string,
    { subscribed: Frame; ended?: Frame; how?: 'complete' | 'error' | 'unsubscribed' }
  >();
  private readonly started: El[] = [];

  constructor(private readonly s: Scenario) {
    this.els = s.elements.map((_, i) => ({
      i,
      phase: null,
      attempt: 0,
      pending: null,
      deadline: null,
      liveInner: null,
      abortedAt: null,
      result: [],
      fallback: null,
    }));
  }

  run(): void {
    const { s } = this;
    if (s.unsubscribe?.kind === 'at') this.schedule(s.unsubscribe.frame + 0.5, 'unsubscribe', -1);
    // The source schedules its timeline first, then emits its synchronous part.
    const arrivals = arrivalFrames(s);
    arrivals.forEach((frame, i) => {
      if (frame >= 0) this.schedule(frame, 'arrive', i);
    });
    const end = endFrame(s);
    if (end !== null && end >= 0) this.schedule(end, 'sourceEnd', -1);
    for (let i = 0; i < arrivals.length && arrivals[i] < 0 && !this.stopped; i++) this.arrive(this.els[i]);
    if (end === -1 && !this.stopped) this.sourceEnd();

    while (!this.stopped) {
      const ev = this.events.pop();
      if (ev === undefined) break;
      this.checkRace(ev);
      this.now = ev.time;
      this.handle(ev);
    }
    if (!this.stopped) {
      // Nothing left to happen: the harness unsubscribes once the scheduler has run dry.
      this.now = 'final';
      this.teardown();
    }
  }

  trace(): Trace {
    const inners = [...this.inners].map(([key, r]) => innerLine(key, r.subscribed, r.ended!, r.how!)).sort();
    const signals = this.started.map((el): [number, boolean, Frame | null] => [
      el.i,
      el.abortedAt !== null,
      this.s.elements[el.i].readsSignal ? el.abortedAt : null,
    ]);
    return { outputs: this.outputs, end: this.end, calls: this.calls, handlers: this.handlers, inners, signals };
  }

  // --- the scheduler ----------------------------------------------------------------------------

  private schedule(time: number, kind: Ev['kind'], i: number): Ev {
    const ev: Ev = { time, seq: this.seq++, kind, i, cancelled: false };
    this.events.push(ev);
    return ev;
  }

  /** A deadline due at the same instant as another event: which runs first is not the contract's. */
  private checkRace(first: Ev): void {
    // Deadlines never fall on a whole frame, where every other event but unsubscription does.
    if (Number.isInteger(first.time)) return;
    const same = this.events.peekAllAt(first.time);
    if (same.length === 0) return;
    const deadlines = [first, ...same].filter((e) => e.kind === 'deadline').length;
    if (deadlines > 0 && deadlines < same.length + 1) this.ambiguous = true;
  }

  private handle(ev: Ev): void {
    const el = this.els[ev.i];
    switch (ev.kind) {
      case 'arrive':
        return this.arrive(el);
      case 'sourceEnd':
        return this.sourceEnd();
      case 'unsubscribe':
        this.end = { kind: 'unsubscribed', frame: this.now };
        return this.teardown();
      case 'retry':
        el.pending = null;
        return this.invoke(el);
      case 'deadline':
        return this.timeOut(el);
      case 'attemptEnd':
        return this.attemptEnded(el);
      case 'fallbackEnd':
        return this.fallbackEnded(el);
    }
  }

  // --- source -----------------------------------------------------------------------------------

  private arrive(el: El): void {
    if (this.held.length < this.s.capacity) {
      if (this.buffer.length > 0) throw new Error('model: a free slot while values wait');
      this.draining = true;
      this.start(el);
      if (!this.stopped) this.drainLoop();
    } else {
      el.phase = 'buffered';
      this.buffer.push(el);
    }
  }

  private sourceEnd(): void {
    if (this.s.end.kind === 'error') return this.fail(SOURCE_ERROR_MESSAGE);
    this.sourceDone = true;
    this.completeIfDrained();
  }

  // --- release ----------------------------------------------------------------------------------

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.drainLoop();
  }

  private drainLoop(): void {
    for (;;) {
      const ready = this.nextReleasable();
      if (ready !== undefined) {
        this.release(ready);
        if (this.stopped) return;
      } else if (this.buffer.length > 0 && this.held.length < this.s.capacity) {
        this.start(this.buffer.shift()!);
        if (this.stopped) return;
      } else break;
    }
    this.draining = false;
    this.completeIfDrained();
  }

  private nextReleasable(): El | undefined {
    if (this.s.mode === 'unordered') return this.resolvedQueue.shift();
    const head = this.held[0];
    return head !== undefined && head.phase === 'resolved' ? head : undefined;
  }

  private release(el: El): void {
    this.held.splice(this.held.indexOf(el), 1);
    el.phase = 'released';
    const { unsubscribe } = this.s;
    for (const value of el.result) {
      this.outputs.push([this.now, value]);
      this.delivered++;
      if (unsubscribe?.kind === 'afterValues' && this.delivered === unsubscribe.count) {
        this.end = { kind: 'unsubscribed', frame: this.now };
        return this.teardown();
      }
    }
  }

  private completeIfDrained(): void {
    if (this.sourceDone && !this.draining && this.held.length === 0 && this.buffer.length === 0) {
      this.end = { kind: 'complete', frame: this.now };
      this.stop();
    }
  }

  private resolve(el: El, values: string[]): void {
    this.cancel(el.deadline);
    el.deadline = null;
    el.phase = 'resolved';
    el.result = values;
    if (this.s.mode === 'unordered') this.resolvedQueue.push(el);
    this.drain();
  }

  // --- attempts ---------------------------------------------------------------------------------

  private start(el: El): void {
    this.held.push(el);
    this.started.push(el);
    el.attempt = 1;
    if (this.s.timeout !== Infinity)
      el.deadline = this.schedule((this.now as number) + this.s.timeout, 'deadline', el.i);
    this.invoke(el);
  }

  /** Calls fn, again at once while attempts fail synchronously with a retry due without delay. */
  private invoke(el: El): void {
    while (!this.stopped) {
      el.phase = 'running';
      this.calls.push([this.now, el.i, el.attempt]);
      if (this.runAttempt(el) !== 'again') return;
    }
  }

  private runAttempt(el: El): 'again' | void {
    const a = el.attempt;
    const attempt = attemptOf(this.s.elements[el.i], a);
    const key = `${el.i}.${a}`;
    if (attempt.kind === 'hang') return this.subscribeInner(el, key);
    if (attempt.delay > 0) {
      this.subscribeInner(el, key);
      el.pending = this.schedule((this.now as number) + attempt.delay, 'attemptEnd', el.i);
      return;
    }
    if (attempt.kind === 'values') {
      if (attempt.syncForm === 'observable') this.syncInner(key, 'complete');
      return this.attemptCompleted(el, attemptValues(el.i, a, attempt));
    }
    if (attempt.syncForm === 'observable') this.syncInner(key, 'error');
    return this.attemptFailed(el, attemptErrorMessage(el.i, a, attempt));
  }

  private attemptEnded(el: El): void {
    el.pending = null;
    const a = el.attempt;
    const attempt = attemptOf(this.s.elements[el.i], a);
    this.endInner(el, attempt.kind === 'values' ? 'complete' : 'error');
    const again =
      attempt.kind === 'values'
        ? this.attemptCompleted(el, attemptValues(el.i, a, attempt))
        : this.attemptFailed(el, attemptErrorMessage(el.i, a, attempt as typeof attempt & { kind: 'error' }));
    if (again === 'again') this.invoke(el);
  }

  private attemptCompleted(el: El, values: string[]): 'again' | void {
    const { retry } = this.s;
    if (retry?.ifResult && el.attempt <= retry.count && isRejectedResult(values, retry.ifResult.retryEmpty)) {
      return this.retryLater(el);
    }
    this.resolve(el, values);
  }

  private attemptFailed(el: El, message: string): 'again' | void {
    const { retry } = this.s;
    if (retry && el.attempt <= retry.count && !(retry.ifError && message.endsWith('!'))) return this.retryLater(el);
    this.cancel(el.deadline);
    el.deadline = null;
    this.abort(el);
    if (this.s.withOnError) this.fallBack(el, 'onError', message);
    else this.fail(message);
  }

  private retryLater(el: El): 'again' | void {
    const ms = retryDelayMs(this.s.retry!.delay, el.attempt);
    el.attempt++;
    if (ms === 0) return 'again';
    el.phase = 'retryWait';
    el.pending = this.schedule((this.now as number) + ms, 'retry', el.i);
  }

  private timeOut(el: El): void {
    if (el.phase !== 'running' && el.phase !== 'retryWait')
      throw new Error('model: a live deadline for a finished element');
    el.deadline = null;
    this.cancel(el.pending);
    el.pending = null;
    this.endInner(el, 'unsubscribed');
    this.abort(el);
    if (this.s.withOnTimeout) this.fallBack(el, 'onTimeout', null);
    else this.fail(`AsyncTimeoutError(${el.i}, ${sourceValue(el.i)}, ${this.s.timeout})`);
  }

  // --- fallbacks --------------------------------------------------------------------------------

  private fallBack(el: El, which: 'onTimeout' | 'onError', message: string | null): void {
    el.phase = 'fallback';
    el.fallback = which;
    this.handlers.push([this.now, el.i, which, message]);
    const fallback = this.s.elements[el.i][which];
    const key = `${el.i}.${which}`;
    if (fallback.kind === 'hang') return this.subscribeInner(el, key);
    if (fallback.kind === 'error' && fallback.syncForm === 'throw') return this.fail(fallbackErrorMessage(el.i, which));
    if (fallback.delay > 0) {
      this.subscribeInner(el, key);
      el.pending = this.schedule((this.now as number) + fallback.delay, 'fallbackEnd', el.i);
      return;
    }
    if (fallback.kind === 'error') {
      this.syncInner(key, 'error');
      return this.fail(fallbackErrorMessage(el.i, which));
    }
    if (fallback.syncForm === 'observable') this.syncInner(key, 'complete');
    this.resolve(el, fallbackValues(el.i, which, fallback));
  }

  private fallbackEnded(el: El): void {
    el.pending = null;
    const which = el.fallback!;
    const fallback = this.s.elements[el.i][which];
    if (fallback.kind === 'values') {
      this.endInner(el, 'complete');
      this.resolve(el, fallbackValues(el.i, which, fallback));
    } else {
      this.endInner(el, 'error');
      this.fail(fallbackErrorMessage(el.i, which));
    }
  }

  // --- inners, signals, teardown ----------------------------------------------------------------

  private subscribeInner(el: El, key: string): void {
    this.inners.set(key, { subscribed: this.now });
    el.liveInner = key;
  }

  private syncInner(key: string, how: 'complete' | 'error'): void {
    this.inners.set(key, { subscribed: this.now, ended: this.now, how });
  }

  private endInner(el: El, how: 'complete' | 'error' | 'unsubscribed'): void {
    if (el.liveInner === null) return;
    const record = this.inners.get(el.liveInner)!;
    record.ended = this.now;
    record.how = how;
    el.liveInner = null;
  }

  private abort(el: El): void {
    if (el.abortedAt === null) el.abortedAt = this.now;
  }

  private cancel(ev: Ev | null): void {
    if (ev !== null) ev.cancelled = true;
  }

  /** The output errors: rule 5's teardown. */
  private fail(message: string): void {
    this.end = { kind: 'error', frame: this.now, error: message };
    this.teardown();
  }

  /** Rules 5-7: every inner stopped, every unfinished element aborted, nothing runs again. */
  private teardown(): void {
    for (const el of this.held) {
      if (el.phase === 'running' || el.phase === 'retryWait') {
        this.endInner(el, 'unsubscribed');
        this.abort(el);
      } else if (el.phase === 'fallback') {
        this.endInner(el, 'unsubscribed');
      }
    }
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.events.clear();
  }
}

/** A binary min-heap of events by (time, seq); cancelled events are skipped when popped. */
class EventHeap {
  private readonly items: Ev[] = [];

  push(ev: Ev): void {
    const items = this.items;
    items.push(ev);
    let k = items.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!before(items[k], items[parent])) break;
      [items[k], items[parent]] = [items[parent], items[k]];
      k = parent;
    }
  }

  pop(): Ev | undefined {
    for (;;) {
      const ev = this.popAny();
      if (ev === undefined || !ev.cancelled) return ev;
    }
  }

  /** The live events due at `time` (still queued). */
  peekAllAt(time: number): Ev[] {
    return this.items.filter((e) => !e.cancelled && e.time === time);
  }

  clear(): void {
    this.items.length = 0;
  }

  private popAny(): Ev | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < items.length && before(items[l], items[m])) m = l;
        if (r < items.length && before(items[r], items[m])) m = r;
        if (m === k) break;
        [items[k], items[m]] = [items[m], items[k]];
        k = m;
      }
    }
    return top;
  }
}

function before(a: Ev, b: Ev): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
