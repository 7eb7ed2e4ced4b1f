import { Observable, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { orderedWaitBatch, unorderedWaitBatch, type AsyncBatchContext } from '../lib';

// Leak checks for the batch operators, as spec/leaks.spec.ts does for the per-element ones: a
// busy operator subscribed and unsubscribed many times in virtual time, each cycle ending while
// batches are forming (their delay timer armed), flushed and waiting for a call slot, in flight,
// abandoned, waiting for a retry or in a fallback. Right after each unsubscription the scheduler
// must hold no action, no inner may be subscribed, and every abort listener `fn` added must be
// gone. Counted, not inferred from memory or time.

const CYCLES = Number(process.env.LEAK_CYCLES ?? 2_000);

const operators = [
  ['orderedWaitBatch', orderedWaitBatch],
  ['unorderedWaitBatch', unorderedWaitBatch],
] as const;

describe.each(operators)('%s', (_name, operator) => {
  it(`${CYCLES} subscribe/unsubscribe cycles leave no timer, inner or abort listener behind`, () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.maxFrames = Infinity;
    let inners = 0;
    let listeners = 0;
    const seen = { calls: 0, aborted: 0, answered: 0, fallbacks: 0, retries: 0 };
    const leftAtUnsubscribe: { actions: number; inners: number }[] = [];

    const fn = (values: number[], context: AsyncBatchContext) => {
      seen.calls++;
      if (context.attempt > 1) seen.retries++;
      const signal = context.signal;
      const onAbort = () => {
        listeners--;
        seen.aborted++;
      };
      signal.addEventListener('abort', onAbort, { once: true });
      listeners++;
      const ended = () => {
        signal.removeEventListener('abort', onAbort);
        listeners--;
      };
      // By the batch's first value: answer soon with a failing slot (retried), answer late (past
      // the timeout), never answer, or fail the call.
      const kind = values[0] % 4;
      return new Observable<(number | Error)[]>((subscriber) => {
        inners++;
        if (kind !== 2) {
          subscriber.add(
            scheduler.schedule(
              () => {
                ended();
                seen.answered++;
                if (kind === 3) subscriber.error(new Error('call failed'));
                else {
                  subscriber.next(values.map((v, i) => (i === 1 ? new Error('slot failed') : v)));
                  subscriber.complete();
                }
              },
              kind === 0 ? 2 : 9,
            ),
          );
        }
        return () => inners--;
      });
    };

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const source = new Observable<number>((subscriber) => {
        for (let v = 0; v < 12; v++) subscriber.add(scheduler.schedule(() => subscriber.next(cycle + v), v));
      });
      const subscription = source
        .pipe(
          operator(fn, {
            maxBatchSize: 3,
            maxBatchDelay: 2,
            maxInFlightBatches: 2,
            capacity: 6,
            timeout: 5,
            retry: { count: 1, delay: 1 },
            onTimeout: () => (seen.fallbacks++, of(-1)),
            onError: () => (seen.fallbacks++, of(-2)),
            scheduler,
          }),
        )
        .subscribe();
      scheduler.schedule(
        () => {
          subscription.unsubscribe();
          leftAtUnsubscribe.push({ actions: scheduler.actions.length, inners });
        },
        1 + (cycle % 11),
      );
      scheduler.flush();
    }

    expect(leftAtUnsubscribe.filter((left) => left.actions > 0 || left.inners > 0)).toEqual([]);
    expect(listeners).toBe(0);
    // The cycles did reach every state they are meant to end in.
    expect(seen.calls).toBeGreaterThan(CYCLES);
    expect(seen.aborted).toBeGreaterThan(0);
    expect(seen.answered).toBeGreaterThan(0);
    expect(seen.retries).toBeGreaterThan(0);
    expect(seen.fallbacks).toBeGreaterThan(0);
  });
});
