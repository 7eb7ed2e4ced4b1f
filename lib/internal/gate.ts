import type { SchedulerLike } from 'rxjs';
import type { Clock } from './clock.js';
import type { DeadlineSink } from './deadlines.js';
import { delayError } from './describe.js';
import { EntryState, type Entry, type Stoppable } from './entry.js';
import type { AttemptSink, Invocation } from './invocation.js';
import { AttemptStart, createLimiter, type Limiter } from './limits.js';
import type { FlowReadings } from './monitorProtocol.js';
import type { FlowOptions } from './options.js';
import { Fifo } from './queues/fifo.js';
import { SlidingWindow, TokenBucket, type RateLimiter } from './rateLimit.js';
import { scheduleAfter } from './timer.js';

/** What `flush` takes (whatever the Invocation interface gives it), kept for the inner. */
type FlushArgs<T, R> = Parameters<Invocation<T, R>['flush']>;

/** A flush in the line of first calls: the inner is flushed, with these arguments, when the line reaches it. */
class Flush<T, R> {
  constructor(readonly args: FlushArgs<T, R>) {}
}

/** What the gate reports to, and forwards what it hears to: the operator core. */
export type GateSink<T, R> = AttemptSink<T, R> & DeadlineSink<T, R>;

/**
 * A retry waiting in the gate. It is the entry's `running` meanwhile, so that whatever stops the
 * entry (its deadline, a teardown) takes it out of the line: the line skips it.
 */
class RetryWait<T, R> implements Stoppable {
  live = true;

  constructor(
    readonly entry: Entry<T, R>,
    private readonly gate: GatedInvocation<T, R>,
  ) {}

  unsubscribe(): void {
    if (!this.live) return;
    this.live = false;
    this.gate.retryLeft();
  }
}

/**
 * Flow control (docs/flow-control.md): a gate in front of any invocation (one call per element,
 * or batches). Admitted entries wait in a FIFO until a permit is free (`maxInFlight`, fixed or
 * adaptive), a token is there (`rateLimit`) and no cooldown runs (`cooldown`); only then is the
 * inner invocation given them, so an entry's timeout clock starts at its call, not at admission.
 *
 * - A permit is held from an entry's first call until its result is final (`settled`): its calls,
 *   retry waits and fallback all count, so that "in flight" can never exceed the limit.
 * - Every start takes a token, first attempts and retries alike. Retries wait in a line of their
 *   own, served first: they already hold a permit and their timeout clock runs, and putting them
 *   behind first calls that wait for permits could wait for ever.
 * - The gate stands between the inner and the core as the inner's AttemptSink and as the
 *   deadlines' sink: it sees failures (for the cooldown and for drops) and timeouts (drops) first,
 *   then forwards them unchanged.
 *
 * All waiting is on the scheduler: one timer, armed only while a start waits for a token or the
 * cooldown. The clock is read only when a rate limit, a cooldown or a timed adaptive limit needs it.
 */
export class GatedInvocation<T, R> implements Invocation<T, R>, AttemptSink<T, R>, DeadlineSink<T, R> {
  private inner: Invocation<T, R> | null = null;
  /** First calls waiting, in admission order, with flushes among them. */
  private readonly firsts = new Fifo<Entry<T, R> | Flush<T, R>>();
  private firstsWaiting = 0;
  /** Retries waiting, in the order they became due; some may have left (not live). */
  private readonly retries = new Fifo<RetryWait<T, R>>();
  private retriesWaiting = 0;
  /** Permits held: entries from their first call until settled. */
  private inUse = 0;
  private pumping = false;
  private ended = false;
  private timer: Stoppable | null = null;
  /** When the cooldown ends, on the engine's clock; -1: none. */
  private coolUntil = -1;
  private readonly fixed: number;
  private readonly limiter: Limiter | null;
  private readonly rate: RateLimiter | null;
  private readonly cooldown: ((error: unknown) => unknown) | null;
  private readonly isDrop: ((error: unknown) => boolean) | null;
  /** Attempts under way and when they started, for the adaptive limit's samples. */
  private readonly starts: Map<Entry<T, R>, AttemptStart> | null;
  private startSeq = 0;
  private readonly timedStarts: boolean;

  constructor(
    options: FlowOptions,
    private readonly core: GateSink<T, R>,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerLike,
    private readonly operator: string,
  ) {
    this.fixed = options.maxInFlight;
    this.limiter = options.adaptive === null ? null : createLimiter(options.adaptive);
    this.isDrop = options.adaptive?.isDrop ?? null;
    this.starts = this.limiter === null ? null : new Map();
    this.timedStarts = this.limiter !== null && this.limiter.timed;
    const rate = options.rateLimit;
    this.rate =
      rate === null
        ? null
        : rate.strict
          ? new SlidingWindow(rate.limit, rate.interval)
          : new TokenBucket(rate.limit, rate.interval, rate.burst);
    this.cooldown = options.cooldown;
  }

  /** Puts the gate in front of `inner`, which must report to this gate. */
  around(inner: Invocation<T, R>): this {
    this.inner = inner;
    return this;
  }

  /** The limit on permits now. */
  private get limit(): number {
    return this.limiter === null ? this.fixed : this.limiter.current;
  }

  // --- Invocation: what the core asks ----------------------------------------------------------

  submit(entry: Entry<T, R>): void {
    this.firsts.push(entry);
    this.firstsWaiting++;
    this.pump();
  }

  retry(entry: Entry<T, R>): void {
    if (this.ended) return;
    const wait = new RetryWait(entry, this);
    entry.state = EntryState.Waiting;
    entry.running = wait;
    this.retries.push(wait);
    this.retriesWaiting++;
    this.pump();
  }

  flush(...args: FlushArgs<T, R>): void {
    // Entries still waiting here have not reached the inner: the flush waits for them, so that
    // a batch does not straddle the barrier (or the end) it marks.
    if (this.firstsWaiting === 0) this.inner!.flush(...args);
    else this.firsts.push(new Flush<T, R>(args));
  }

  settled(entry: Entry<T, R>): void {
    this.inUse--;
    this.inner!.settled?.(entry);
    if (this.firstsWaiting > 0) this.pump();
  }

  teardown(): void {
    this.ended = true;
    this.stopTimer();
    this.firsts.clear();
    this.retries.clear();
    this.firstsWaiting = this.retriesWaiting = 0;
    this.starts?.clear();
    this.inner!.teardown();
  }

  forEachWaiting(visit: (entry: Entry<T, R>) => void): void {
    this.firsts.forEach((item) => {
      if (!(item instanceof Flush)) visit(item);
    });
    this.inner!.forEachWaiting?.(visit);
  }

  flowReadings(): FlowReadings {
    const free = Math.max(0, this.limit - this.inUse);
    let cooldownUntil = 0;
    if (this.coolUntil >= 0) {
      const left = this.coolUntil - this.clock.now();
      if (left > 0) cooldownUntil = this.scheduler.now() + left;
    }
    return {
      limit: this.limit,
      waitingForToken: this.retriesWaiting + Math.min(this.firstsWaiting, free),
      cooldownUntil,
    };
  }

  /** A waiting retry was stopped (its entry timed out or was torn down). */
  retryLeft(): void {
    this.retriesWaiting--;
  }

  // --- starting calls --------------------------------------------------------------------------

  /**
   * Starts what may start, in order: waiting retries first, then first calls while permits are
   * free. Never re-entered: a start that ends synchronously, or work it triggers, only queues, and
   * this loop takes it, so that the stack stays flat however many calls end at once.
   */
  private pump(): void {
    if (this.pumping || this.ended) return;
    this.pumping = true;
    try {
      for (;;) {
        if (this.ended || this.core.closed) return;
        const retry = this.nextRetry();
        let first: Entry<T, R> | null = null;
        if (retry === null) {
          if (this.firsts.length === 0) return;
          const head = this.firsts.peek();
          if (head instanceof Flush) {
            this.firsts.shift();
            this.inner!.flush(...head.args);
            continue;
          }
          if (this.inUse >= this.limit) return;
          first = head;
        }
        let now = 0;
        if (this.rate !== null || this.coolUntil >= 0 || this.timedStarts) {
          now = this.clock.now();
          const wait = this.waitAt(now);
          if (wait > 0) {
            this.arm(wait);
            return;
          }
          this.rate?.take(now);
        }
        if (retry !== null) {
          this.retries.shift();
          this.retriesWaiting--;
          retry.live = false;
          const { entry } = retry;
          entry.running = null;
          this.note(entry, now);
          this.inner!.retry(entry);
        } else {
          this.firsts.shift();
          this.firstsWaiting--;
          this.inUse++;
          this.note(first!, now);
          this.inner!.submit(first!);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The first live retry waiting, dropping those that left; null when none. */
  private nextRetry(): RetryWait<T, R> | null {
    const { retries } = this;
    while (retries.length > 0) {
      const head = retries.peek();
      if (head.live) return head;
      retries.shift();
    }
    return null;
  }

  /** Milliseconds a start must wait at `now` for the cooldown and a token; 0: it may start. */
  private waitAt(now: number): number {
    let wait = 0;
    if (this.coolUntil >= 0) {
      if (now < this.coolUntil) wait = this.coolUntil - now;
      else this.coolUntil = -1;
    }
    if (this.rate !== null) wait = Math.max(wait, this.rate.wait(now));
    return wait;
  }

  /** Wakes the pump after `ms`, unless a wake-up is already armed (it re-arms if still too early). */
  private arm(ms: number): void {
    if (this.timer !== null) return;
    this.timer = scheduleAfter(this.scheduler, ms, () => {
      this.timer = null;
      this.pump();
    });
  }

  private stopTimer(): void {
    if (this.timer !== null) {
      this.timer.unsubscribe();
      this.timer = null;
    }
  }

  /** Records an attempt's start for the adaptive limit. */
  private note(entry: Entry<T, R>, now: number): void {
    if (this.starts !== null) this.starts.set(entry, new AttemptStart(++this.startSeq, now));
  }

  /** Gives the adaptive limit the sample of the entry's attempt that just ended (null: not a sample). */
  private sample(entry: Entry<T, R>, dropped: boolean | null): void {
    const start = this.starts!.get(entry);
    if (start === undefined) return;
    this.starts!.delete(entry);
    if (dropped === null) return;
    const now = this.timedStarts ? this.clock.now() : 0;
    this.limiter!.sample(start, now, this.inUse, dropped, this.startSeq);
  }

  // --- AttemptSink and DeadlineSink: what the inner and the deadlines report --------------------

  get closed(): boolean {
    return this.core.closed;
  }

  callStarting(entry: Entry<T, R>): void {
    this.core.callStarting(entry);
  }

  attemptCompleted(entry: Entry<T, R>): void {
    if (this.starts === null) return this.core.attemptCompleted(entry);
    this.sample(entry, false);
    this.core.attemptCompleted(entry);
    // A limit that grew frees permits at once; only now, so that no call it starts can overtake
    // the result just reported.
    if (this.firstsWaiting > 0 && this.inUse < this.limit) this.pump();
  }

  attemptFailed(entry: Entry<T, R>, error: unknown): void {
    let dropped: boolean | null = null;
    try {
      if (this.cooldown !== null) this.coolDown(this.cooldown(error));
      // A failure the user does not call a drop is no sample at all (as an ignored call in
      // Netflix's limiters): a fast error says nothing about how loaded the service is.
      if (this.isDrop !== null && this.isDrop(error)) dropped = true;
    } catch (userError) {
      this.core.invalidInput(userError);
      return;
    }
    if (this.starts !== null) this.sample(entry, dropped);
    this.core.attemptFailed(entry, error);
  }

  invalidInput(error: unknown): void {
    this.core.invalidInput(error);
  }

  deadlineExpired(entry: Entry<T, R>): void {
    // An attempt still under way was cut off by the timeout: a drop.
    if (this.starts !== null) this.sample(entry, true);
    this.core.deadlineExpired(entry);
  }

  /** Starts (or extends) the cooldown by what the user's function answered; throws on a bad answer. */
  private coolDown(ms: unknown): void {
    if (ms === undefined || ms === 0) return;
    const error = delayError(ms, this.operator, 'config.cooldown(error)');
    if (error !== null) throw error;
    const until = this.clock.now() + Math.ceil(ms as number);
    if (until > this.coolUntil) this.coolUntil = until;
  }
}
