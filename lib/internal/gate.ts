import type { SchedulerLike } from 'rxjs';
import type { Clock } from './clock.js';
import type { DeadlineSink } from './deadlines.js';
import type { Entry } from './entry.js';
import type { FlowOptions } from './flowOptions.js';
import { Flush, GateLine, type FlushArgs } from './gateLine.js';
import type { AttemptSink, Invocation } from './invocation.js';
import type { FlowReadings } from './monitorProtocol.js';
import { Pacing, type PacingSink } from './pacing.js';
import { Permits } from './permits.js';

/** What the gate reports to, and forwards what it hears to: the operator core. */
export type GateSink<T, R> = AttemptSink<T, R> & DeadlineSink<T, R>;

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
 * Its parts own their state: the waiting line (gateLine.ts), the permits and the adaptive limit's
 * samples (permits.ts), the tokens, the cooldown and the one wake-up timer (pacing.ts). The clock
 * is read only when a rate limit, a cooldown or a timed adaptive limit needs it.
 */
export class GatedInvocation<T, R> implements Invocation<T, R>, AttemptSink<T, R>, DeadlineSink<T, R>, PacingSink {
  private inner: Invocation<T, R> | null = null;
  private readonly line = new GateLine<T, R>();
  private readonly permits: Permits<T, R>;
  private readonly pacing: Pacing;
  private pumping = false;
  private ended = false;

  constructor(
    options: FlowOptions,
    private readonly core: GateSink<T, R>,
    private readonly clock: Clock,
    scheduler: SchedulerLike,
    operator: string,
  ) {
    this.permits = new Permits(options, clock);
    this.pacing = new Pacing(options, this, clock, scheduler, operator);
  }

  /** Puts the gate in front of `inner`, which must report to this gate. */
  around(inner: Invocation<T, R>): this {
    this.inner = inner;
    return this;
  }

  // --- Invocation: what the core asks ----------------------------------------------------------

  submit(entry: Entry<T, R>): void {
    this.line.addFirst(entry);
    this.pump();
  }

  retry(entry: Entry<T, R>): void {
    if (this.ended) return;
    this.line.addRetry(entry);
    this.pump();
  }

  flush(...args: FlushArgs<T, R>): void {
    // Entries still waiting here have not reached the inner: the flush waits for them, so that
    // a batch does not straddle the barrier (or the end) it marks.
    if (this.line.firstsWaiting === 0) this.inner!.flush(...args);
    else this.line.addFlush(args);
  }

  settled(entry: Entry<T, R>): void {
    this.permits.release();
    this.inner!.settled?.(entry);
    if (this.line.firstsWaiting > 0) this.pump();
  }

  teardown(): void {
    this.ended = true;
    this.pacing.stop();
    this.line.clear();
    this.permits.clear();
    this.inner!.teardown();
  }

  forEachWaiting(visit: (entry: Entry<T, R>) => void): void {
    this.line.forEachFirst(visit);
    this.inner!.forEachWaiting?.(visit);
  }

  flowReadings(): FlowReadings {
    const { line, permits } = this;
    return {
      limit: permits.limit,
      waitingForToken: line.retriesWaiting + Math.min(line.firstsWaiting, permits.freeCount),
      cooldownUntil: this.pacing.cooldownUntil(),
    };
  }

  // --- starting calls --------------------------------------------------------------------------

  /** PacingSink: the wait for a token or the cooldown is over. */
  wake(): void {
    this.pump();
  }

  /**
   * Starts what may start, in order: waiting retries first, then first calls while permits are
   * free. Never re-entered: a start that ends synchronously, or work it triggers, only queues, and
   * this loop takes it, so that the stack stays flat however many calls end at once.
   */
  private pump(): void {
    if (this.pumping || this.ended) return;
    const { line, permits, pacing } = this;
    this.pumping = true;
    try {
      for (;;) {
        if (this.ended || this.core.closed) return;
        const retry = line.peekRetry();
        let first: Entry<T, R> | null = null;
        if (retry === null) {
          const head = line.peekFirst();
          if (head === null) return;
          if (head instanceof Flush) {
            line.shiftFirst();
            this.inner!.flush(...head.args);
            continue;
          }
          if (!permits.free) return;
          first = head;
        }
        let now = 0;
        if (pacing.active || permits.timed) {
          now = this.clock.now();
          const wait = pacing.waitAt(now);
          if (wait > 0) {
            pacing.arm(wait);
            return;
          }
          pacing.take(now);
        }
        if (retry !== null) {
          line.shiftRetry();
          permits.note(retry, now);
          this.inner!.retry(retry);
        } else {
          line.shiftFirst();
          permits.acquire();
          permits.note(first!, now);
          this.inner!.submit(first!);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  // --- AttemptSink and DeadlineSink: what the inner and the deadlines report --------------------

  get closed(): boolean {
    return this.core.closed;
  }

  callStarting(entry: Entry<T, R>): void {
    this.core.callStarting(entry);
  }

  attemptCompleted(entry: Entry<T, R>): void {
    const { permits } = this;
    if (!permits.adaptive) return this.core.attemptCompleted(entry);
    permits.sample(entry, false);
    this.core.attemptCompleted(entry);
    // A limit that grew frees permits at once; only now, so that no call it starts can overtake
    // the result just reported.
    if (this.line.firstsWaiting > 0 && permits.free) this.pump();
  }

  attemptFailed(entry: Entry<T, R>, error: unknown): void {
    let dropped: boolean | null = null;
    try {
      this.pacing.failed(error);
      // A failure the user does not call a drop is no sample at all (as an ignored call in
      // Netflix's limiters): a fast error says nothing about how loaded the service is.
      if (this.permits.isDrop(error)) dropped = true;
    } catch (userError) {
      this.core.invalidInput(userError);
      return;
    }
    this.permits.sample(entry, dropped);
    this.core.attemptFailed(entry, error);
  }

  invalidInput(error: unknown): void {
    this.core.invalidInput(error);
  }

  deadlineExpired(entry: Entry<T, R>): void {
    // An attempt still under way was cut off by the timeout: a drop.
    this.permits.sample(entry, true);
    this.core.deadlineExpired(entry);
  }
}
