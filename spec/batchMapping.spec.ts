import { NEVER, of } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, orderedWait, orderedWaitBatch, unorderedWaitBatch, type AsyncBatchContext } from '../lib';
import { batchSheet } from './support/batchSheet';

// Results by key, failed calls, retry of a subset, signals and context, the monitor (issue 11).

const operators = [
  ['orderedWaitBatch', orderedWaitBatch],
  ['unorderedWaitBatch', unorderedWaitBatch],
] as const;
type Name = (typeof operators)[number][0];

function lineOf(name: Name, lines: { orderedWaitBatch: string; unorderedWaitBatch: string }): string {
  return lines[name];
}

/** Keys by first letter: `a` and `d` share one (`d` stands for another value of key a). */
const match = { key: (value: string) => (value === 'd' ? 'a' : value), resultKey: (result: string) => result[0] };

// prettier-ignore
describe.each(operators)('%s', (name, operator) => {
  describe('results by key (config.match)', () => {
    it('is a join: each element gets every item of its key, in answer order; one that none matches gets an empty result', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-abcd|     ',
        abcd:     '     -(X|) ',
        expected: '------(pqrpq|)',
      }, { X: ['c1', 'a2', 'z9', 'a3'] });
      const monitor = new AsyncWaitMonitor<string>();
      s.expect(operator(s.fn, { maxBatchSize: 10, maxBatchDelay: Infinity, match, monitor }), { p: 'a2', q: 'a3', r: 'c1' });
      m.flush();
      // b is matched by nothing: its result is empty, so it is emitted as nothing, but counted.
      expect(monitor.figures).toMatchObject({ emitted: 4, failed: 0, held: 0 });
    }));

    it('an element without a match can be retried with retry.ifResult, in a later batch', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-ab|      ',
        ab:       '   (X|)   ',
        'b':      '   -(Y|)  ',
        expected: '---A(B|)',
      }, { X: ['a1'], Y: ['b2'] });
      s.expect(operator(s.fn, { maxBatchSize: 10, maxBatchDelay: Infinity, match, retry: { count: 1, ifResult: (result) => result.length === 0 } }), { A: 'a1', B: 'b2' });
      m.flush();
      expect(s.calls).toEqual(['ab', 'b']);
      expect(s.contexts[1]).toMatchObject({ attempt: 2, indices: [1] });
    }));

    it('a resultKey or key that throws fails every element of the batch, as a failed call', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-ab|    ',
        ab:       '   (X|) ',
        expected: '---(xy|)',
      }, { X: ['a1', 'b1'] });
      const thrown = new Error('bad key');
      const errors: unknown[] = [];
      const throwing = { key: match.key, resultKey: (result: string) => { if (result === 'b1') throw thrown; return result[0]; } };
      s.expect(operator(s.fn, { maxBatchSize: 10, maxBatchDelay: Infinity, match: throwing, onError: (error, value) => (errors.push(error), of(`${value}?`)) }), { x: 'a?', y: 'b?' });
      m.flush();
      expect(errors).toEqual([thrown, thrown]);
    }));

    it('an Error item cannot be matched to an element: it fails every element of the batch', marbles((m) => {
      const failure = new Error('store down');
      const s = batchSheet(m, {
        source:   '-ab|    ',
        ab:       '   (X|) ',
        expected: '---(xy|)',
      }, { X: ['a1', failure] });
      const errors: unknown[] = [];
      s.expect(operator(s.fn, { maxBatchSize: 10, maxBatchDelay: Infinity, match, onError: (error, value) => (errors.push(error), of(`${value}?`)) }), { x: 'a?', y: 'b?' });
      m.flush();
      expect(errors).toEqual([failure, failure]);
    }));
  });

  describe('failed calls', () => {
    it('fn throwing fails every element of the batch; retry and onError apply per element', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-ab|    ',
        ab:       '  -(P|) ',
        expected: '---(AB|)',
      }, { P: ['A', 'B'] });
      let calls = 0;
      const fn = (values: string[], context: AsyncBatchContext) => {
        if (calls++ === 0) throw new Error('no connection');
        return s.fn(values, context);
      };
      // Both fail at 2 and are retried at once: they fill a batch again, which starts in that frame.
      s.expect(operator(fn, { maxBatchSize: 2, maxBatchDelay: Infinity, retry: { count: 1 } }));
      m.flush();
      expect(calls).toBe(2);
      expect(s.contexts[0].attempt).toBe(2);
    }));

    it('an inner that errors fails every element; only what still fails after retry reaches onError', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-abc|        ',
        abc:      '    -#       ',
        'abc#2':  '      -(X|)  ',
        expected: '------(AbC|)',
      }, { X: ['A', new Error('b still failing'), 'C'] });
      const onError = jest.fn((error: unknown) => of((error as Error).message));
      s.expect(operator(s.fn, { maxBatchSize: 3, maxBatchDelay: Infinity, retry: { count: 1, delay: 1 }, onError }), { A: 'A', b: 'b still failing', C: 'C' });
      m.flush();
      expect(onError).toHaveBeenCalledTimes(1);
      expect(s.contexts.map((c) => c.attempt)).toEqual([1, 2]);
    }));

    it('fn returning something that is no ObservableInput errors the output; neither retry nor onError applies', marbles((m) => {
      const source = m.cold('-ab|');
      const onError = jest.fn(() => of('x'));
      const result = source.pipe(operator(() => null as never, { maxBatchSize: 2, retry: { count: 3 }, onError }));
      m.expect(result).toBeObservable('-#', undefined, new TypeError(
        "You provided 'null' where a stream was expected. You can provide an Observable, Promise, ReadableStream, Array, AsyncIterable, or Iterable.",
      ));
      m.flush();
      expect(onError).not.toHaveBeenCalled();
    }));
  });

  describe('retry of a subset', () => {
    it('retries only the failed elements, re-batched with new values; context.attempt is the highest in the batch', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-abc--d-----|',
        abc:      '   -(X|)      ',
        dbc:      '      -(Y|)   ',
        expected: lineOf(name, {
          orderedWaitBatch:   '----A--(BCD)|',
          unorderedWaitBatch: '----A--(DBC)|',
        }),
      }, { X: ['A', new Error('b'), new Error('c')], Y: ['D', 'B', 'C'] });
      s.expect(operator(s.fn, { maxBatchSize: 3, maxBatchDelay: Infinity, retry: { count: 2, delay: 2 } }));
      m.flush();
      expect(s.calls).toEqual(['abc', 'dbc']);
      expect(s.contexts.map(({ attempt, indices }) => ({ attempt, indices }))).toEqual([
        { attempt: 1, indices: [0, 1, 2] },
        { attempt: 2, indices: [3, 1, 2] },
      ]);
    }));
  });

  describe('order', () => {
    it('with key, results of one key leave in source order across batches; other keys do not wait', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-a-x-b|     ',
        a:        '  -----(Q|) ',
        x:        '    (R|)    ',
        b:        '      (S|)  ',
        expected: '---x--(AB|)',
      }, { Q: ['A'], R: ['x'], S: ['B'] });
      s.expect(operator(s.fn, { maxBatchSize: 1, key: (v: string) => (v === 'x' ? 'other' : 'same') }));
    }));

    it('no result crosses a barrier, whichever batch answers first', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-aWb|      ',
        a:        '  ---(Q|)  ',
        b:        '    (R|)   ',
        expected: '----(AWB|)',
      }, { Q: ['A'], R: ['B'] });
      s.expect(operator(s.fn, { maxBatchSize: 5, isBarrier: (v: string): v is 'W' => v === 'W' }));
    }));
  });

  describe('signals and context', () => {
    it('aborts the signal of every batch in flight on unsubscription, and calls no batch afterwards', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-a-b-c-',
        srcsub:   '^---!  ',
        a:        ' ------(Q|)',
        asub:     '-^--!   ',
        b:        '   ----(R|)',
        bsub:     '---^!   ',
        unsub:    '^---!   ',
        expected: '-----   ',
      }, { Q: ['A'], R: ['B'] });
      s.expect(operator(s.fn, { maxBatchSize: 5, maxBatchDelay: 0 }));
      m.flush();
      expect(s.calls).toEqual(['a', 'b']);
      expect(s.contexts.map((c) => c.signal.reason?.name)).toEqual(['AbortError', 'AbortError']);
    }));

    it('gives each call a plain context of its own: signal (a getter, made on first read), attempt, indices', () => {
      const contexts: AsyncBatchContext[] = [];
      of('a', 'b', 'c')
        .pipe(operator((values: string[], context) => (contexts.push(context), of(values)), { maxBatchSize: 2 }))
        .subscribe();
      expect(contexts).toHaveLength(2);
      expect(Object.keys(contexts[0])).toEqual(['signal', 'attempt', 'indices']);
      expect(contexts[0]).toMatchObject({ attempt: 1, indices: [0, 1] });
      expect(contexts[1]).toMatchObject({ attempt: 1, indices: [2] });
      expect(contexts[0].signal).toBeInstanceOf(AbortSignal);
      expect(contexts[0].signal.aborted).toBe(false);
      expect(contexts[0].signal).not.toBe(contexts[1].signal);
    });
  });

  describe('the monitor', () => {
    it('counts batches, sizes and calls in flight; latency is per batch call; pending() names each element once', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-ab-c------|',
        ab:       '  -(P|)      ',
        cb:       '       ---(Y|)',
        expected: lineOf(name, {
          orderedWaitBatch:   '---A-------(BC|)',
          unorderedWaitBatch: '---A-------(CB|)',
        }),
      }, { P: ['A', new Error('b')], Y: ['C', 'B'] });
      const monitor = new AsyncWaitMonitor<string>();
      const reads = new Map<number, ReturnType<() => typeof monitor.figures>>();
      const pending = new Map<number, unknown>();
      for (const frame of [2, 4, 8]) {
        m.scheduler.schedule(() => {
          reads.set(frame, monitor.figures);
          pending.set(frame, monitor.pending().map((p) => p.value));
        }, frame + 0.5);
      }
      s.expect(operator(s.fn, { maxBatchSize: 2, maxBatchDelay: Infinity, retry: { count: 1, delay: 5 }, monitor }), { A: 'A', B: 'B', C: 'C' });
      m.flush();
      // 2: [a, b] in flight. 4: b waits for its retry (timed), c in the forming batch (not yet
      // called, so not in flight). 8: b's retry joins c, and [c, b] starts.
      expect(reads.get(2)!.batches).toMatchObject({ started: 1, inFlight: 1 });
      expect(pending.get(2)).toEqual(['a', 'b']);
      expect(pending.get(4)).toEqual(['b', 'c']);
      expect(reads.get(4)).toMatchObject({ inFlight: 1, held: 2 });
      expect(reads.get(8)!.batches).toMatchObject({ started: 2, inFlight: 1 });
      expect(monitor.figures).toMatchObject({ status: 'completed', started: 3, emitted: 3, retried: 1 });
      expect(monitor.figures.batches).toEqual({
        started: 2, inFlight: 0, meanSize: 2, maxSize: 2, flushes: { size: 2, delay: 0, complete: 0, barrier: 0 },
      });
      expect(monitor.figures.latency).toMatchObject({ count: 2, max: 3 });
    }));

    it('after an unsubscription, shows no batch in flight', () => {
      const monitor = new AsyncWaitMonitor<string>();
      const subscription = of('a').pipe(operator(() => NEVER, { maxBatchSize: 1, monitor })).subscribe();
      expect(monitor.figures.batches).toMatchObject({ started: 1, inFlight: 1 });
      subscription.unsubscribe();
      expect(monitor.figures).toMatchObject({ status: 'unsubscribed', batches: { started: 1, inFlight: 0 } });
    });
  });
});

it('the per-element operators have no batch figures', () => {
  const monitor = new AsyncWaitMonitor<string>();
  of('a')
    .pipe(orderedWait((v: string) => of(v), { monitor }))
    .subscribe();
  expect(monitor.figures.status).toBe('completed');
  expect('batches' in monitor.figures).toBe(false);
});
