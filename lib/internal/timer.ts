import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { MAX_TIMER_DELAY } from './clock.js';

/** A delay being waited for, in chunks that timers can hold. */
interface LongWait {
  remaining: number;
  readonly due: () => void;
  handle: Subscription | null;
}

/**
 * Runs `due` after `delay` ms on the scheduler, arming it in chunks of at most MAX_TIMER_DELAY
 * so that delays above ~24.8 days wait their whole length instead of firing after 1 ms. Returns
 * what stops it. On a virtual scheduler the chunks add up to the exact delay.
 */
export function scheduleAfter(scheduler: SchedulerLike, delay: number, due: () => void): Subscription | Stopper {
  if (delay <= MAX_TIMER_DELAY) return scheduler.schedule(runDue, delay, due);
  const wait: LongWait = { remaining: delay - MAX_TIMER_DELAY, due, handle: null };
  wait.handle = scheduler.schedule(runChunk, MAX_TIMER_DELAY, wait);
  return new Stopper(wait);
}

/** Stops a long wait, whichever chunk it is in. */
export class Stopper {
  constructor(private readonly wait: LongWait) {}
  unsubscribe(): void {
    this.wait.handle?.unsubscribe();
    this.wait.handle = null;
  }
}

function runDue(this: SchedulerAction<() => void>, due?: () => void): void {
  due!();
}

function runChunk(this: SchedulerAction<LongWait>, wait?: LongWait): void {
  const w = wait!;
  if (w.remaining <= 0) {
    w.handle = null;
    w.due();
    return;
  }
  const chunk = Math.min(w.remaining, MAX_TIMER_DELAY);
  w.remaining -= chunk;
  // Keep what schedule returns: an action may hand the work to a new one (VirtualAction does).
  w.handle = this.schedule(w, chunk);
}
