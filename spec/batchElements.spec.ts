import { of } from 'rxjs';
import { marbles, type Context } from 'rxjs-marbles/jest';
import { AsyncTimeoutError, BatchResultError, orderedWaitBatch, unorderedWaitBatch } from '../lib';
import { batchSheet } from './support/batchSheet';

// Every per-element guarantee of the operators, inside batches (issue 11): the timeout clock
// from the element's first call, a timeout inside a batch in flight, partial failure, retry of a
// subset, result mapping by position and by key, signals, the monitor.

const operators = [
  ['orderedWaitBatch', orderedWaitBatch],
  ['unorderedWaitBatch', unorderedWaitBatch],
] as const;
type Name = (typeof operators)[number][0];

/** The expected line of `name` from a sheet that has one for each operator. */
function lineOf(name: Name, lines: { orderedWaitBatch: string; unorderedWaitBatch: string }): string {
  return lines[name];
}

const bang = (value: string) => of(`${value}!`);

// prettier-ignore
describe.each(operators)('%s', (name, operator) => {
  describe('timeout, per element', () => {
    it('starts an element\'s clock when its batch call starts, not when it joined the batch', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-a------|',
        a:        '   ---(Q|)',
        asub:     '---^--!   ',
        expected: '------A-|',
      }, { Q: ['A'] });
      // Joined at 1, called at 3 (delay 2), answered at 3 + 3: on its deadline, which counts.
      s.expect(operator(s.fn, { maxBatchSize: 5, maxBatchDelay: 2, timeout: 3, onTimeout: bang }));
    }));

    it('an element that times out inside a batch in flight gets its fallback; the others keep the call and its answer', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-ab------c|     ',
        ab:       '  -(P|)         ',
        ac:       '         -----(V|)',
        acsub:    '---------^----!   ',
        expected: lineOf(name, {
          orderedWaitBatch:   '----------(TB)(C|)',
          unorderedWaitBatch: '---B------T---(C|)',
        }),
      }, { P: [new Error('a failed'), 'B'], V: ['A', 'C'] });
      // a fails at 3 and is retried in the next batch, with c (from 9); its clock started at 2,
      // so it times out at 10, inside the call [a, c], whose answer for a is then ignored.
      s.expect(operator(s.fn, { maxBatchSize: 2, maxBatchDelay: Infinity, timeout: 8, retry: { count: 1 }, onTimeout: bang }), { T: 'a!', B: 'B', C: 'C' });
      m.flush();
      expect(s.calls).toEqual(['ab', 'ac']);
      expect(s.contexts[1].signal.aborted).toBe(false);
      expect(s.contexts[1].attempt).toBe(2);
      expect(s.contexts[1].indices).toEqual([0, 2]);
    }));

    it('when every element of a batch in flight has timed out, the call is abandoned: inner stopped, signal aborted, slot freed', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-abc|         ',
        ab:       '  ------(P|)  ',
        absub:    '--^---!       ',
        c:        '      ----(S|)',
        expected: '------(xy)(C|)',
      }, { P: ['A', 'B'], S: ['C'] });
      let abortedAt = -1;
      let reason: unknown;
      const fn = (values: string[], context: Parameters<typeof s.fn>[1]) => {
        if (values.join('') === 'ab') {
          context.signal.addEventListener('abort', () => {
            abortedAt = m.scheduler.now();
            reason = context.signal.reason;
          });
        }
        return s.fn(values, context);
      };
      // [c] is flushed at 4 (completion) but waits for the only slot, which the abandoned call frees at 6.
      s.expect(operator(fn, { maxBatchSize: 2, maxBatchDelay: Infinity, maxInFlightBatches: 1, timeout: 4, onTimeout: bang }), { x: 'a!', y: 'b!', C: 'C' });
      m.flush();
      expect(abortedAt).toBe(6);
      expect(reason).toMatchObject({ name: 'AbortError', message: `${name}: every element of this batch timed out before its answer` });
    }));

    it('a retry waiting in a forming batch is timed, and leaves the batch when it times out', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-ab------c|',
        ab:       '  -(P|)     ',
        c:        '          (S|)',
        expected: lineOf(name, {
          orderedWaitBatch:   '------(TB)(C|)',
          unorderedWaitBatch: '---B--T---(C|)',
        }),
      }, { P: [new Error('a failed'), 'B'], S: ['C'] });
      s.expect(operator(s.fn, { maxBatchSize: 2, maxBatchDelay: Infinity, timeout: 4, retry: { count: 1 }, onTimeout: bang }), { T: 'a!', B: 'B', C: 'C' });
      m.flush();
      // a times out at 6 while waiting for its retry's batch: [c] goes without it.
      expect(s.calls).toEqual(['ab', 'c']);
    }));

    it('without onTimeout, a timeout errors the output and aborts the other batches in flight', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-a-b----',
        srcsub:   '^----!  ',
        a:        ' ------(Q|)',
        asub:     '-^---!    ',
        b:        '   ------(R|)',
        bsub:     '---^-!    ',
        expected: '-----#  ',
      }, { Q: ['A'], R: ['B'] });
      s.expect(operator(s.fn, { maxBatchSize: 5, timeout: 4 }), undefined, new AsyncTimeoutError('a', 0, 4));
      m.flush();
      expect(s.contexts.map((c) => c.signal.aborted)).toEqual([true, true]);
      expect(s.contexts[1].signal.reason).toMatchObject({ name: 'AbortError', message: `${name}: the subscription ended before this batch's answer` });
    }));
  });

  describe('failure, per element', () => {
    it('an Error in a slot fails that element only', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-abc|    ',
        abc:      '   -(X|) ',
        expected: '----(AbC|)',
      }, { X: ['A', new Error('no b'), 'C'] });
      const onError = jest.fn((error: unknown, value: string) => of(`${value}: ${(error as Error).message}`));
      s.expect(operator(s.fn, { maxBatchSize: 3, maxBatchDelay: Infinity, onError }), { A: 'A', b: 'b: no b', C: 'C' });
      m.flush();
      expect(onError).toHaveBeenCalledTimes(1);
    }));

    it('without onError, a failed element errors the output with its error and tears down the other calls; outcomes go in batch order', marbles((m) => {
      const error = new Error('no b');
      const s = batchSheet(m, {
        source:   '-(ab)c----',
        srcsub:   '^------!  ',
        ab:       ' ------(P|)',
        c:        '     -----(S|)',
        csub:     '-----^-!  ',
        expected: '-------(A#)',
      }, { P: ['A', error] });
      s.expect(operator(s.fn, { maxBatchSize: 2 }), undefined, error);
      m.flush();
      expect(s.calls).toEqual(['ab', 'c']);
      expect(s.contexts[0].signal.aborted).toBe(false);
      expect(s.contexts[1].signal.reason).toMatchObject({ name: 'AbortError' });
    }));

    it('an answer of the wrong length fails every element with a BatchResultError naming both lengths', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-abc|    ',
        abc:      '   -(X|) ',
        expected: '----(xyz|)',
      }, { X: ['A', 'B'] });
      const errors: unknown[] = [];
      s.expect(operator(s.fn, { maxBatchSize: 3, maxBatchDelay: Infinity, onError: (error, value) => (errors.push(error), of(`${value}?`)) }), { x: 'a?', y: 'b?', z: 'c?' });
      m.flush();
      expect(errors).toHaveLength(3);
      expect(errors[0]).toBeInstanceOf(BatchResultError);
      expect(errors[0]).toMatchObject({ name: 'BatchResultError', batchSize: 3, resultLength: 2 });
      expect((errors[0] as Error).message).toBe(
        `${name}: the batch call for 3 values answered 2 results; by position result i belongs to value i, so there must be exactly 3 (or use \`match\` to match by key)`,
      );
    }));

    it.each([
      ['a value that is not an array', '-(k|)', 'answered `5` (number)'],
      ['two values', '-(PP|)', 'emitted 2 values'],
      ['no value', '-|', 'completed without a value'],
    ])('an answer of %s fails every element with a BatchResultError', marbles((m: Context, _what: string, inner: string, got: string) => {
      const s = batchSheet(m, {
        source:   '-ab|    ',
        ab:       inner,
        expected: '---(xy|)',
      }, { P: ['A', 'B'], k: 5 });
      const errors: unknown[] = [];
      s.expect(operator(s.fn, { maxBatchSize: 2, maxBatchDelay: Infinity, onError: (error, value) => (errors.push(error), of(`${value}?`)) }), { x: 'a?', y: 'b?' });
      m.flush();
      expect(errors).toHaveLength(2);
      expect(errors[1]).toBeInstanceOf(BatchResultError);
      expect(errors[1]).toMatchObject({ batchSize: 2, resultLength: null });
      expect((errors[1] as Error).message).toBe(`${name}: a batch call must answer one array of results (the call for 2 values ${got})`);
    }));
  });
});
