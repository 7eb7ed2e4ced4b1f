import { VirtualTimeScheduler } from 'rxjs';

/**
 * A clock for tests against real I/O that no machine can outrun or fall behind: virtual time that
 * stands still while any work the test waits for (a request the server will answer) is under way,
 * and moves on to the next timer only when the test's `idle` says that nothing but timers and
 * requests the server holds on purpose remain.
 *
 * Given to the operators as `scheduler`, it decides when their timeouts and retry delays fire. So
 * an element times out exactly when its call hangs by plan, never because the host was slow to
 * answer the others, and the outcome of a run follows from its plan at any speed. Real latencies
 * still reorder the answers; only timers are virtual.
 *
 * Due work runs from a real 1 ms poll (`start` to `stop`); an error thrown by a scheduled action
 * is thrown from that poll, as an uncaught exception that fails the test.
 */
export class PacedScheduler extends VirtualTimeScheduler {
  private poll: NodeJS.Timeout | null = null;

  /** @param idle True when only timers can make progress: then the clock moves to the next one. */
  constructor(private readonly idle: () => boolean) {
    super();
  }

  start(): void {
    if (this.poll !== null) return;
    const tick = () => {
      this.runUntil(this.frame);
      // Move on only to the next due time, then look again: what ran may have started new work.
      if (this.actions.length > 0 && this.idle()) this.runUntil(this.actions[0].delay);
      this.poll = setTimeout(tick, 1);
    };
    this.poll = setTimeout(tick, 1);
  }

  stop(): void {
    if (this.poll !== null) clearTimeout(this.poll);
    this.poll = null;
  }

  /** Runs every action due at or before the virtual time `t`, in time order. */
  private runUntil(t: number): void {
    this.maxFrames = t;
    this.flush();
  }
}
