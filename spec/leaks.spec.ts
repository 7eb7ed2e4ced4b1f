import { Observable, type ObservableInput, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { orderedWait, unorderedWait, type AsyncContext } from '../lib';

// Leak checks (issue 4): one busy operator subscribed and unsubscribed 10,000 times, in virtual
// time. Every cycle ends with downstream leaving while entries are in flight, waiting for a retry,
// in their fallback, completed behind an earlier one, or buffered. Right after each unsubscription
// the scheduler must hold no action (no deadline timer, no retry timer, no inner's or source's
// pending step), no inner may be subscribed, and every abort listener `fn` added must be gone:
// removed when its call ended by itself (as fetch does), or fired because the signal was aborted.
// Nothing here is timed: leaks are counted, not inferred from memory or duration.

const CYCLES = Number(process.env.LEAK_CYCLES ?? 10_000);

const operators = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const;

describe.each(operators)('%s', (_name, operator) => {
  it(`${CYCLES} subscribe/unsubscribe cycles of a busy operator leave no timer, inner or abort listener behind`, () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    // The cycles run one after another on one clock, far past TestScheduler's default 750 frames.
    scheduler.maxFrames = Infinity;
    let inners = 0;
    let listeners = 0;
    const seen = { calls: 0, aborted: 0, removed: 0, retries: 0, fallbacks: 0, pendingPromises: 0 };

    /** An inner that counts itself while subscribed and ends after `frames` (never if null). */
    const inner = (
      frames: number | null,
      end: (subscriber: { next(v: number): void; complete(): void; error(e: unknown): void }) => void,
    ) =>
      new Observable<number>((subscriber) => {
        inners++;
        if (frames !== null) subscriber.add(scheduler.schedule(() => end(subscriber), frames));
        return () => inners--;
      });

    const fn = (v: number, _index: number, ctx: AsyncContext): ObservableInput<number> => {
      seen.calls++;
      if (ctx.attempt > 1) seen.retries++;
      // Like fetch: listen for an abort while the call runs, stop listening when it ends by itself.
      const signal = ctx.signal;
      const onAbort = () => {
        listeners--;
        seen.aborted++;
      };
      signal.addEventListener('abort', onAbort, { once: true });
      listeners++;
      const ended = () => {
        signal.removeEventListener('abort', onAbort);
        listeners--;
        seen.removed++;
      };
      switch (v % 6) {
        case 0:
          ended();
          return [v];
        case 1:
          return inner((v % 4) + 1, (s) => (ended(), s.next(v), s.complete()));
        case 2:
          // Fails twice (retried after 2 frames each time), then answers.
          return inner(1, (s) => (ended(), ctx.attempt < 3 ? s.error(new Error('flaky')) : (s.next(v), s.complete())));
        case 3:
          // Never settles: only an abort can end its listener.
          seen.pendingPromises++;
          return new Promise<number>(() => undefined);
        case 4:
          return inner(null, () => undefined);
        default:
          return inner(2, (s) => (ended(), s.error(new Error('broken'))));
      }
    };

    const op = operator(fn, {
      capacity: 3,
      timeout: 7,
      retry: { count: 2, delay: 2, ifError: (e) => (e as Error).message === 'flaky' },
      onTimeout: (v) => (seen.fallbacks++, inner(5, (s) => (s.next(-v), s.complete()))),
      onError: () => (seen.fallbacks++, [-1]),
      scheduler,
    });

    // Each cycle: 4 values at once, then one per frame; downstream leaves at a frame that moves
    // from cycle to cycle, so that teardown meets every state.
    const source = new Observable<number>((subscriber) => {
      for (let v = 1; v <= 10; v++) subscriber.add(scheduler.schedule(() => subscriber.next(v), v));
      subscriber.add(scheduler.schedule(() => subscriber.complete(), 11));
      for (let v = 12; v < 16; v++) subscriber.next(v);
    });

    const left: string[] = [];
    let outputs = 0;
    let completedBeforeLeaving = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      let subscription: Subscription | null = null;
      subscription = source.pipe(op).subscribe({
        next: () => outputs++,
        error: (error) => left.push(`cycle ${cycle}: error ${String(error)}`),
        complete: () => completedBeforeLeaving++,
      });
      scheduler.schedule(
        () => {
          subscription!.unsubscribe();
          const actions = scheduler.actions.length;
          if (actions !== 0 || inners !== 0 || listeners !== 0) {
            left.push(`cycle ${cycle}: ${actions} actions, ${inners} inners, ${listeners} listeners`);
          }
        },
        (cycle % 23) + 0.5,
      );
      scheduler.flush();
      if (left.length > 5) break;
    }

    expect(left).toEqual([]);
    // The operator really was busy when it was torn down: calls were aborted, retried, replaced.
    expect(seen.calls).toBeGreaterThan(CYCLES * 5);
    expect(seen.aborted).toBeGreaterThan(CYCLES);
    expect(seen.removed).toBeGreaterThan(CYCLES);
    expect(seen.retries).toBeGreaterThan(CYCLES / 2);
    expect(seen.fallbacks).toBeGreaterThan(CYCLES / 2);
    expect(seen.pendingPromises).toBeGreaterThan(CYCLES / 2);
    expect(outputs).toBeGreaterThan(CYCLES);
    expect(completedBeforeLeaving).toBeLessThan(CYCLES);
  });
});
