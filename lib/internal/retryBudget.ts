/** Slices of the budget's window: the window slides by a tenth of its length. */
const SLICES = 10;

/**
 * A retry budget (`retry.budget`), one per subscription (as Finagle's RetryBudget is per client):
 * over the last `window` ms, retries may number at most `ratio` times the first attempts that
 * ended, plus a reserve of `minPerSecond` per second of the window, so that a quiet stream can
 * still retry now and then. During an outage every call fails and the budget runs dry: the calls
 * made stay close to the first attempts instead of multiplying by `count + 1`.
 *
 * Counts are kept per tenth of the window, so the window slides in steps of `window / 10`.
 */
export class RetryBudget {
  private readonly firsts = new Array<number>(SLICES).fill(0);
  private readonly retries = new Array<number>(SLICES).fill(0);
  private firstsSum = 0;
  private retriesSum = 0;
  private slice = 0;
  private readonly sliceLength: number;
  private readonly reserve: number;

  constructor(
    private readonly ratio: number,
    minPerSecond: number,
    window: number,
  ) {
    this.sliceLength = window / SLICES;
    this.reserve = (minPerSecond * window) / 1000;
  }

  /** A first attempt ended at `now` (ms on the engine's clock). */
  deposit(now: number): void {
    this.advance(now);
    this.firsts[this.slice % SLICES]++;
    this.firstsSum++;
  }

  /** Whether a retry may start at `now`; if so, it is counted. */
  withdraw(now: number): boolean {
    this.advance(now);
    // The epsilon forgives rounding (0.3 * 10 is 3.0000000000000004, 0.7 * 10 is 7.000000000000001).
    if (this.reserve + this.ratio * this.firstsSum - this.retriesSum < 1 - 1e-9) return false;
    this.retries[this.slice % SLICES]++;
    this.retriesSum++;
    return true;
  }

  /** Forgets the slices that have left the window by `now`. */
  private advance(now: number): void {
    const slice = Math.floor(now / this.sliceLength);
    if (slice === this.slice) return;
    const stale = Math.min(slice - this.slice, SLICES);
    for (let i = 1; i <= stale; i++) {
      const slot = (this.slice + i) % SLICES;
      this.firstsSum -= this.firsts[slot];
      this.retriesSum -= this.retries[slot];
      this.firsts[slot] = this.retries[slot] = 0;
    }
    this.slice = slice;
  }
}
