import type { SchedulerLike } from 'rxjs';

/** Queues work behind the microtasks already queued. */
const RESOLVED = Promise.resolve();

/** How many latency events may share one clock read within a synchronous burst. */
const CLOCK_SHARE = 16;

/**
 * The largest delay a timer takes: Node and browsers keep timer delays in a signed 32-bit
 * integer and turn anything above 2^31-1 ms (~24.8 days) into 1 ms (Node warns with
 * TimeoutOverflowWarning). Longer waits are armed in chunks of at most this.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** A monotonic source of milliseconds, where one exists (Node >= 16, every modern browser). */
const monotonic: { now(): number } | null =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? performance : null;

/**
 * Whether the scheduler's clock is the wall clock (asyncScheduler, asapScheduler, queueScheduler
 * outside a TestScheduler run), as opposed to a virtual one. The wall clock jumps when NTP, a VM
 * resume or a person sets it; a virtual clock is exact and must be used as it is.
 */
function readsWallClock(scheduler: SchedulerLike): boolean {
  return Math.abs(scheduler.now() - Date.now()) < 1000;
}

/**
 * The engine's time for one subscription, in ms since it started. On a scheduler that reads the
 * wall clock it is `performance.now()`, monotonic, so a deadline fires `timeout` ms after its
 * call whatever happens to the wall clock (rxjs's own `timeout` gets this from setTimeout); on a
 * virtual scheduler it is the scheduler's own clock, exact to the frame.
 *
 * Reading a clock costs about as much as admitting an element, so latency events within one
 * synchronous burst share a reading (at most CLOCK_SHARE of them), and while a Promise
 * settlement is being handled, work that needs the clock may wait for the end of the microtask
 * burst (`atBurstEnd`). A shared or deferred reading is never earlier than the event it stands
 * for, so no deadline becomes early.
 */
export class Clock {
  private readonly source: { now(): number };
  private readonly epoch: number;
  /** A recent reading shared by up to CLOCK_SHARE latency events, and how many may still use it. */
  private shared = 0;
  /** Readings left to share; read by `idle` on the hot path, so not private. */
  sharesLeft = 0;
  /** A Promise settlement is being handled: clock work may wait for the end of the microtask burst. */
  settling = false;
  private burstEndQueued = false;
  private burstEndWork: (() => void) | null = null;
  private readonly endBurst = (): void => {
    this.burstEndQueued = false;
    this.sharesLeft = 0;
    this.burstEndWork?.();
  };

  /** The reading `jobReading` shares, how many more calls may share it, and its retirement. */
  private jobShared = 0;
  private jobSharesLeft = 0;
  private jobEndQueued = false;
  private readonly endJob = (): void => {
    this.jobEndQueued = false;
    this.jobSharesLeft = 0;
  };

  constructor(scheduler: SchedulerLike) {
    this.source = monotonic !== null && readsWallClock(scheduler) ? monotonic : scheduler;
    this.epoch = this.source.now();
  }

  /** Milliseconds since the subscription started (fractional on the monotonic clock). */
  now(): number {
    return this.source.now() - this.epoch;
  }

  /**
   * A reading (`now`) to keep in an entry: on the monotonic clock rounded up to whole ms (a small integer
   * stays unboxed in V8, where a fraction would cost a heap number per entry; rounding up keeps
   * a deadline from being early), exact on a virtual one.
   */
  stampOf(now: number): number {
    return this.source === monotonic ? Math.ceil(now) : now;
  }

  /** A reading to keep in an entry, rounded down (an age or a latency from it is then never short). */
  stampDownOf(now: number): number {
    return this.source === monotonic ? Math.floor(now) : now;
  }

  /**
   * A reading shared by up to CLOCK_SHARE calls within one job, retired when the microtasks
   * queued before it was taken have run (so never across a timer or an I/O callback): for start
   * times that only the monitor's ages read. It may be a little earlier than the start it
   * stamps, so an age is never short. Not for deadlines, which must never be early.
   */
  jobReading(): number {
    if (this.jobSharesLeft > 0) {
      this.jobSharesLeft--;
      return this.jobShared;
    }
    this.jobSharesLeft = CLOCK_SHARE - 1;
    if (!this.jobEndQueued) {
      this.jobEndQueued = true;
      // A then() on a settled Promise, not queueMicrotask: Node wraps the latter for async hooks.
      void RESOLVED.then(this.endJob);
    }
    return (this.jobShared = this.now());
  }

  /** Like `stamp`, rounded down: a call's start for its latency, which is then never short. */
  stampDown(): number {
    return this.stampDownOf(this.shareable());
  }

  /** A reading shared by up to CLOCK_SHARE events of one burst, for latency figures. */
  shareable(): number {
    if (this.sharesLeft > 0) {
      this.sharesLeft--;
      return this.shared;
    }
    this.sharesLeft = CLOCK_SHARE - 1;
    return (this.shared = this.now());
  }

  /**
   * Ends the current burst: outside a Promise settlement at once (returns true: the caller does
   * its clock work now); inside one, if there is clock work (`pending`) or a shared reading to
   * retire, at the end of the microtask burst, running the work set with `onBurstEnd` then.
   */
  endOfBurst(pending: boolean): boolean {
    if (!this.settling) {
      this.sharesLeft = 0;
      return true;
    }
    if (!this.burstEndQueued && (pending || this.sharesLeft > 0)) {
      this.burstEndQueued = true;
      // A then() on a settled Promise, not queueMicrotask: Node wraps the latter for async hooks.
      void RESOLVED.then(this.endBurst);
    }
    return false;
  }

  /** What to run when a deferred burst ends (the deadlines' stamping). */
  onBurstEnd(work: () => void): void {
    this.burstEndWork = work;
  }
}
