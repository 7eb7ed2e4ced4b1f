import type { Clock } from './clock.js';
import type { Entry } from './entry.js';
import type { FlowOptions } from './flowOptions.js';
import { AttemptStart, createLimiter, type Limiter } from './limits.js';

/**
 * The gate's permits (gate.ts): how many calls may be in flight (`maxInFlight`, fixed or an
 * adaptive limit) and how many permits are held. A permit is held from an entry's first call until
 * its result is final, so its calls, retry waits and fallback all count.
 *
 * With an adaptive limit it also keeps when each attempt under way started, and gives the limit one
 * sample per attempt that ends. The clock is read for samples only when the limit is timed.
 */
export class Permits<T, R> {
  /** Permits held: entries from their first call until settled. */
  private inUse = 0;
  private readonly fixed: number;
  private readonly limiter: Limiter | null;
  private readonly isDropFn: ((error: unknown) => boolean) | null;
  /** Attempts under way and when they started, for the adaptive limit's samples. */
  private readonly starts: Map<Entry<T, R>, AttemptStart> | null;
  private startSeq = 0;
  /** The adaptive limit needs attempts' times: their starts and ends read the clock. */
  readonly timed: boolean;

  constructor(
    options: FlowOptions,
    private readonly clock: Clock,
  ) {
    this.fixed = options.maxInFlight;
    this.limiter = options.adaptive === null ? null : createLimiter(options.adaptive);
    this.isDropFn = options.adaptive?.isDrop ?? null;
    this.starts = this.limiter === null ? null : new Map();
    this.timed = this.limiter !== null && this.limiter.timed;
  }

  /** The limit on permits now. */
  get limit(): number {
    return this.limiter === null ? this.fixed : this.limiter.current;
  }

  /** Whether the limit is adaptive, that is whether attempts' ends are samples. */
  get adaptive(): boolean {
    return this.starts !== null;
  }

  /** Whether a permit is free now. */
  get free(): boolean {
    return this.inUse < this.limit;
  }

  /** How many permits are free now (0 when the limit shrank below those held). */
  get freeCount(): number {
    return Math.max(0, this.limit - this.inUse);
  }

  /** An entry makes its first call: it holds a permit until `release`. */
  acquire(): void {
    this.inUse++;
  }

  /** An entry's result is final: its permit is free. */
  release(): void {
    this.inUse--;
  }

  /** Whether the user's `isDrop` calls this failure a drop (false without one); may throw the user's error. */
  isDrop(error: unknown): boolean {
    return this.isDropFn !== null && this.isDropFn(error);
  }

  /** Records an attempt's start, at `now` on the engine's clock, for the adaptive limit. */
  note(entry: Entry<T, R>, now: number): void {
    if (this.starts !== null) this.starts.set(entry, new AttemptStart(++this.startSeq, now));
  }

  /**
   * Gives the adaptive limit the sample of the entry's attempt that just ended (`dropped` null:
   * not a sample, the start is only forgotten). No-op without an adaptive limit.
   */
  sample(entry: Entry<T, R>, dropped: boolean | null): void {
    if (this.starts === null) return;
    const start = this.starts.get(entry);
    if (start === undefined) return;
    this.starts.delete(entry);
    if (dropped === null) return;
    const now = this.timed ? this.clock.now() : 0;
    this.limiter!.sample(start, now, this.inUse, dropped, this.startSeq);
  }

  /** Forgets the attempts under way (teardown). */
  clear(): void {
    this.starts?.clear();
  }
}
