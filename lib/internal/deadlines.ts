import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { MAX_TIMER_DELAY, type Clock } from './clock.js';
import type { Entry } from './entry.js';
import { EntryList } from './entryList.js';

/** How many starts may share one clock read for their deadlines. */
const STAMP_BATCH = 16;

/** How a subscription's start times are taken (see `Deadlines.stamps`). */
const enum Stamps {
  None,
  Exact,
  Shared,
}

/** What the deadlines report to: the operator core. */
export interface DeadlineSink<T, R> {
  /** The entry's deadline passed; it has already left the timed list. */
  deadlineExpired(entry: Entry<T, R>): void;
}

/**
 * The timed list: entries whose call, or wait for a retry, is under way, in the order their
 * first calls started. As every entry has the same timeout, that is also deadline order, so one
 * scheduled check, for the list's head, serves every deadline of the subscription.
 *
 * Deadlines are inclusive: a result that arrives exactly at its deadline counts. The check for
 * a deadline due now therefore looks twice: once when its timer fires, and again after the work
 * that was already scheduled for that moment when it fired (a second zero-delay action). Work
 * that such work schedules for the same moment (a further zero-delay hop) comes after the second
 * look, and its result is late. That is the exact rule; docs/semantics.md shows it.
 *
 * Start times are stamped in batches (every STAMP_BATCH starts, and at the end of each burst),
 * from a clock read taken after the calls began, so a deadline is never early; in virtual time
 * the clock stands still within a frame, so it is exact.
 */
export class Deadlines<T, R> {
  /** Entries with a call or a retry wait under way, in first-start order, which is deadline order. */
  readonly list = new EntryList<Entry<T, R>>();
  /** The pending check, for the head's deadline; null when none is armed. */
  private timer: Subscription | null = null;
  /** The pending check is the second look at a deadline that is due at this very moment. */
  private dueNow = false;
  /** Entries started since the clock was last read for stamps. */
  private readonly unstamped: (Entry<T, R> | null)[] = new Array(STAMP_BATCH).fill(null);
  private unstampedCount = 0;
  /**
   * How start times are taken: exactly and in batches for a timeout (STAMPED); from a reading
   * shared within the job when only a monitor's age of the oldest element reads them (SHARED);
   * or not at all (NONE).
   */
  private readonly stamps: Stamps;

  constructor(
    private readonly timeout: number,
    private readonly scheduler: SchedulerLike,
    private readonly clock: Clock,
    private readonly sink: DeadlineSink<T, R>,
    monitored: boolean,
  ) {
    this.stamps = timeout !== Infinity ? Stamps.Exact : monitored ? Stamps.Shared : Stamps.None;
    clock.onBurstEnd(() => this.stampPending());
  }

  get size(): number {
    return this.list.size;
  }

  /** Adds an entry whose first call is starting. */
  track(entry: Entry<T, R>): void {
    this.list.append(entry);
    if (this.stamps === Stamps.Exact) this.toStamp(entry);
    // For an age a reading shared with earlier starts of the same job does: never later than the
    // start, so the age is never short. Stamping at the end of every burst instead cost a
    // synchronous source a clock read and five calls per element (bench scenario H, 2026-11-30).
    else if (this.stamps === Stamps.Shared) entry.startedAt = this.clock.stampDownOf(this.clock.jobReading());
  }

  private toStamp(entry: Entry<T, R>): void {
    this.unstamped[this.unstampedCount++] = entry;
    if (this.unstampedCount === STAMP_BATCH) this.stamp();
  }

  /** Removes an entry that finished, failed for good or timed out. */
  untrack(entry: Entry<T, R>): void {
    this.list.remove(entry);
  }

  /** Stamps the starts not yet stamped, now or (inside a Promise settlement) at the end of the burst. */
  endOfBurst(): void {
    // The common case, once per drain loop: nothing to stamp and no shared reading to retire.
    if (this.unstampedCount !== 0 || this.clock.sharesLeft !== 0) this.endBurst();
  }

  private endBurst(): void {
    if (this.clock.endOfBurst(this.unstampedCount > 0)) this.stampPending();
  }

  /**
   * Whether an entry about to retry at once has reached its deadline. An immediate retry does
   * not let timers run, so without this look a call that fails at once and retries without
   * delay would spin past its deadline (forever, with `count: Infinity`).
   */
  isDue(entry: Entry<T, R>): boolean {
    if (this.timeout === Infinity) return false;
    if (this.unstampedCount > 0) this.stamp();
    return entry.startedAt + this.timeout <= this.clock.now();
  }

  /** Empties the list and stops the check, for teardown; returns the former members, linked. */
  takeAll(): Entry<T, R> | null {
    this.timer?.unsubscribe();
    this.timer = null;
    this.unstamped.fill(null);
    this.unstampedCount = 0;
    return this.list.takeAll();
  }

  private stampPending(): void {
    if (this.unstampedCount > 0) this.stamp();
  }

  /** Gives the entries started since the last read their start time, and arms the check if idle. */
  private stamp(): void {
    const now = this.clock.now();
    const startedAt = this.clock.stampOf(now);
    const { unstamped } = this;
    for (let i = 0; i < this.unstampedCount; i++) {
      unstamped[i]!.startedAt = startedAt;
      unstamped[i] = null;
    }
    this.unstampedCount = 0;
    const head = this.list.head;
    if (this.timer === null && head !== null && this.timeout !== Infinity) {
      this.arm(head.startedAt + this.timeout - now);
    }
  }

  private arm(delay: number): void {
    this.timer = this.scheduler.schedule(checkDeadlines, Math.min(delay, MAX_TIMER_DELAY), this);
  }

  /**
   * Times out every entry whose deadline has passed, oldest first, and returns the delay to the
   * next check (-1: none). Only the head needs looking at, as deadlines grow along the list.
   */
  expire(): number {
    if (this.unstampedCount > 0) this.stamp();
    const now = this.clock.now();
    const secondLook = this.dueNow;
    this.dueNow = false;
    const { list, timeout } = this;
    let head: Entry<T, R> | null;
    while ((head = list.head) !== null) {
      const deadline = head.startedAt + timeout;
      if (deadline > now || (deadline === now && !secondLook)) break;
      list.remove(head);
      this.sink.deadlineExpired(head);
      // The sink may have ended the subscription, which emptied the list and stopped the timer.
      if (this.timer === null) return -1;
    }
    if (head === null) {
      this.timer = null;
      return -1;
    }
    const deadline = head.startedAt + timeout;
    if (deadline <= now) {
      this.dueNow = true;
      return 0;
    }
    return Math.min(deadline - now, MAX_TIMER_DELAY);
  }

  rearm(timer: Subscription): void {
    this.timer = timer;
  }
}

function checkDeadlines<T, R>(this: SchedulerAction<Deadlines<T, R>>, deadlines?: Deadlines<T, R>): void {
  const next = deadlines!.expire();
  // Keep what schedule returns: an action may hand the work to a new one (VirtualAction does).
  if (next >= 0) deadlines!.rearm(this.schedule(deadlines, next));
}
