import type { SchedulerLike } from 'rxjs';
import type { Clock } from './clock.js';
import { argumentError, delayError } from './describe.js';
import { EntryState, type Entry } from './entry.js';
import type { MonitorProbe } from './monitorProtocol.js';
import type { RetryOptions } from './retryOptions.js';
import { RetryBudget } from './retryBudget.js';
import { scheduleAfter } from './timer.js';

/** What retry reports to: the operator core. */
export interface RetrySink<T, R> {
  /** The entry's retry delay has passed: call it again. */
  retryDue(entry: Entry<T, R>): void;
}

/**
 * Retry (Flink's FLIP-232 `RetryableResultHandlerDelegator`): decides whether a failed attempt
 * is tried again, computes the delay, and owns the delay's timer. The user's predicates and delay
 * function may throw; their errors propagate to the caller, which fails the output with them.
 * With a budget, a retry the budget refuses is not made: the attempt's outcome stands as if no
 * retry were left. Every subscription has its own Retry, budget included; nothing is shared
 * between elements but the budget, which is the point of it.
 */
export class Retry<T, R> {
  private readonly budget: RetryBudget | null;

  constructor(
    private readonly options: RetryOptions<T, R>,
    private readonly operator: string,
    private readonly scheduler: SchedulerLike,
    private readonly sink: RetrySink<T, R>,
    private readonly clock: Clock,
    private readonly probe: MonitorProbe | null,
    /** The operator's timeout: with none, nothing but a delay bounds endless retries. */
    private readonly timeout: number = Infinity,
  ) {
    const { budget } = options;
    this.budget = budget === null ? null : new RetryBudget(budget.ratio, budget.minPerSecond, budget.window);
  }

  /**
   * The delay before the entry's next attempt in ms, or -1 when it is not retried: after a
   * failure (`failed`, with `error`) or a completed result. Throws what the user's predicates or
   * delay function throw.
   */
  decide(entry: Entry<T, R>, failed: boolean, error: unknown): number {
    return (failed ? this.afterError(entry, error) : this.afterResult(entry)) ? this.delay(entry) : -1;
  }

  /** Whether the attempt that failed with `error` is retried (count left, `ifError` agrees, budget allows). */
  afterError(entry: Entry<T, R>, error: unknown): boolean {
    const { count, ifError } = this.options;
    if (this.budget !== null && entry.attempt === 1) this.budget.deposit(this.clock.now());
    return entry.attempt <= count && (ifError === null || ifError(error, entry.value)) && this.allowed();
  }

  /** Whether the completed attempt is retried (count left, `ifResult` asks for it, budget allows). */
  afterResult(entry: Entry<T, R>): boolean {
    const { count, ifResult } = this.options;
    if (this.budget !== null && entry.attempt === 1) this.budget.deposit(this.clock.now());
    return ifResult !== null && entry.attempt <= count && ifResult(entry.results(), entry.value) && this.allowed();
  }

  /** Asks the budget for a retry the config wants; a refusal is counted for the monitor. */
  private allowed(): boolean {
    if (this.budget === null || this.budget.withdraw(this.clock.now())) return true;
    this.probe?.retryRefused?.();
    return false;
  }

  /** The delay before the entry's next retry, in ms; throws what a bad delay function gives. */
  delay(entry: Entry<T, R>): number {
    const { delay } = this.options;
    if (typeof delay === 'number') return delay;
    // The index lets a jittered delay be a pure function of the element and the retry number.
    const ms = delay(entry.attempt, entry.index);
    const error = delayError(ms, this.operator, `config.retry.delay(${entry.attempt})`);
    if (error !== null) throw error;
    if (ms === 0 && this.options.count === Infinity && this.timeout === Infinity) {
      // Endless immediate retries that no timeout bounds would spin for ever (a fixed 0 delay is
      // refused at creation; a function's answer can only be checked here).
      throw argumentError(
        RangeError,
        this.operator,
        `config.retry.delay(${entry.attempt})`,
        '> 0 when `retry.count` is Infinity and there is no `timeout`',
        ms,
      );
    }
    return ms;
  }

  /** Readies the entry for its next attempt, to start after `ms` (> 0) or at once (0, by the caller). */
  prepare(entry: Entry<T, R>, ms: number): void {
    entry.resetResult();
    entry.attempt++;
    if (ms > 0) {
      entry.state = EntryState.WaitingRetry;
      entry.running = scheduleAfter(this.scheduler, ms, () => {
        entry.running = null;
        this.sink.retryDue(entry);
      });
    }
  }
}
