/**
 * The adaptive limits on calls in flight (`maxInFlight: adaptiveLimit(...)`), one per
 * subscription, fed one sample per attempt by the gate (gate.ts). They follow the ideas of
 * Netflix's concurrency-limits (AIMDLimit, Gradient2Limit) and of TCP congestion control, in our
 * own terms: see docs/flow-control.md for the rules and the figures.
 */

/** The checked options of an adaptive limit, as `adaptiveLimit` stores them (bounds not yet resolved). */
export interface AdaptiveSpec {
  readonly algorithm: 'aimd' | 'gradient';
  /** Null: 20, or `max` if smaller (resolved against the operator's capacity). */
  readonly initial: number | null;
  readonly min: number;
  /** Null: the operator's capacity. */
  readonly max: number | null;
  readonly isDrop: ((error: unknown) => boolean) | null;
  readonly backoffRatio: number;
  /** AIMD: a call slower than this (ms) is a drop; Infinity: none. */
  readonly latency: number;
  /** Gradient: how far the short-term RTT may exceed the long-term one before the limit shrinks. */
  readonly tolerance: number;
  readonly smoothing: number;
  readonly queueSize: number;
  /** Gradient: the time constant of the long-term RTT average, in ms. */
  readonly longTerm: number;
}

/** An AdaptiveSpec with its bounds resolved for one operator. */
export interface ResolvedLimit extends AdaptiveSpec {
  readonly initial: number;
  readonly max: number;
}

/** The default starting limit (Netflix's Gradient2 starts at 20 as well). */
export const DEFAULT_INITIAL_LIMIT = 20;

/** When an attempt started: its number in start order, and its time on the engine's clock (0 when untimed). */
export class AttemptStart {
  constructor(
    readonly seq: number,
    readonly time: number,
  ) {}
}

/** A limit that moves with what the calls report. */
export interface Limiter {
  /** The limit now: an integer from `min` to `max`. */
  readonly current: number;
  /** Whether samples need times (RTTs); if not, the gate never reads the clock for them. */
  readonly timed: boolean;
  /**
   * An attempt ended (`dropped`: it was a drop). `inflight` is the number of permits held when it
   * ended, `lastSeq` the number of the latest attempt started so far.
   */
  sample(start: AttemptStart, now: number, inflight: number, dropped: boolean, lastSeq: number): void;
}

export function createLimiter(spec: ResolvedLimit): Limiter {
  return spec.algorithm === 'aimd' ? new AimdLimiter(spec) : new GradientLimiter(spec);
}

/**
 * Additive increase, multiplicative decrease. The limit grows by one after a window of successes
 * (as many as the limit) while it is in use, that is while at least half of it is taken, as a
 * congestion window grows by one segment per round trip; a drop multiplies it by `backoffRatio`.
 * Drops of attempts that started before the last cut say nothing about the limit after it (they
 * left under the old one), so one burst of overload cuts once, not once per call caught in it:
 * TCP reduces its window once per loss event for the same reason.
 */
class AimdLimiter implements Limiter {
  current: number;
  readonly timed: boolean;
  private successes = 0;
  /** The number of the latest attempt started when the limit was last cut (-1: never). */
  private cutAt = -1;

  constructor(private readonly spec: ResolvedLimit) {
    this.current = spec.initial;
    this.timed = spec.latency !== Infinity;
  }

  sample(start: AttemptStart, now: number, inflight: number, dropped: boolean, lastSeq: number): void {
    const { spec } = this;
    if (dropped || now - start.time > spec.latency) {
      if (start.seq <= this.cutAt) return;
      // At least one lower, so that a small limit still moves (0.9 * 5 rounds back to 4, not 5).
      this.current = Math.max(spec.min, Math.min(this.current - 1, Math.floor(this.current * spec.backoffRatio)));
      this.cutAt = lastSeq;
      this.successes = 0;
      return;
    }
    // A limit not in use says nothing about what the service could take: leave it.
    if (inflight * 2 < this.current) return;
    if (++this.successes >= this.current) {
      this.successes = 0;
      if (this.current < spec.max) this.current++;
    }
  }
}

/** Samples a window needs at least before it counts (Netflix's WindowedLimit asks for 10 too). */
const MIN_WINDOW_SAMPLES = 10;
/** Windows whose RTTs are averaged plainly before the long-term RTT becomes an exponential average. */
const WARMUP_WINDOWS = 10;

/**
 * The gradient of RTTs. Samples are gathered in windows of about two round trips; at the end of
 * each, its mean RTT (short-term) is compared with a long-term RTT, an average over time with a
 * time constant of `longTerm` ms (the first windows are averaged plainly). While the short-term
 * RTT stays within `tolerance` times the long-term one, the limit grows by `queueSize`; beyond it,
 * it shrinks in proportion (by at most half), in both cases by `smoothing` of the step per window.
 * So the limit settles where queueing raises latency to about `tolerance` times the long-term RTT.
 * (Netflix's Gradient2 adds `queueSize` in both cases, which settles `queueSize` calls higher:
 * too high for a service that sheds load at twice its concurrency.)
 *
 * A drop multiplies the limit by `backoffRatio` at once, as AIMD does, once per burst. When the
 * long-term RTT is more than twice the short-term one (after a spell of overload), it decays
 * faster, so that the limit recovers. A window in which less than half of the limit was taken may
 * lower the limit but does not raise it (the caller, not the service, limited the calls).
 */
class GradientLimiter implements Limiter {
  current: number;
  readonly timed = true;
  private estimate: number;
  private long = 0;
  private longWindows = 0;
  private lastClose = 0;
  // The open window.
  private windowEnd = -1;
  private count = 0;
  private sum = 0;
  private minRtt = Infinity;
  private maxInflight = 0;
  private cutAt = -1;

  constructor(private readonly spec: ResolvedLimit) {
    this.estimate = this.current = spec.initial;
  }

  sample(start: AttemptStart, now: number, inflight: number, dropped: boolean, lastSeq: number): void {
    const { spec } = this;
    if (dropped) {
      if (start.seq <= this.cutAt) return;
      this.estimate = Math.max(spec.min, this.estimate * spec.backoffRatio);
      this.current = Math.max(spec.min, Math.floor(this.estimate));
      this.cutAt = lastSeq;
      // RTTs of calls that ran under the old limit would pull the next window's mean up.
      this.reset(now, this.minRtt);
      return;
    }
    const rtt = now - start.time;
    this.sum += rtt;
    this.count++;
    if (rtt < this.minRtt) this.minRtt = rtt;
    if (inflight > this.maxInflight) this.maxInflight = inflight;
    if (now >= this.windowEnd && this.count >= MIN_WINDOW_SAMPLES) this.close(now);
  }

  private close(now: number): void {
    const { spec } = this;
    const short = this.sum / this.count;
    if (this.longWindows < WARMUP_WINDOWS) {
      this.long = (this.long * this.longWindows + short) / ++this.longWindows;
    } else this.long += (short - this.long) * (1 - Math.exp(-(now - this.lastClose) / spec.longTerm));
    if (this.long > 2 * short) this.long *= 0.9;
    // Calls that end at once (0 ms) show no queueing at all.
    const gradient = short > 0 ? Math.max(0.5, Math.min(1, (spec.tolerance * this.long) / short)) : 1;
    const next = gradient < 1 ? this.estimate * gradient : this.estimate + spec.queueSize;
    if (next < this.estimate || this.maxInflight * 2 >= this.estimate) {
      this.estimate = Math.max(spec.min, Math.min(spec.max, this.estimate + (next - this.estimate) * spec.smoothing));
    }
    this.current = Math.max(spec.min, Math.floor(this.estimate));
    this.reset(now, this.minRtt);
  }

  /** Opens a new window at `now`, about two round trips long. */
  private reset(now: number, minRtt: number): void {
    this.lastClose = now;
    this.windowEnd = now + (minRtt === Infinity ? 1 : Math.max(1, 2 * minRtt));
    this.count = this.sum = this.maxInflight = 0;
    this.minRtt = Infinity;
  }
}
