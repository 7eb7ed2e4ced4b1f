import { EMPTY, NEVER, of, throwError } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, orderedWaitBatch, unorderedWaitBatch, type AsyncBatchConfig } from '../lib';
import { batchSheet } from './support/batchSheet';

// The rxjs operator checklist (as spec/bothOperators.spec.ts runs it for the per-element
// operators), the marble pictures of the TSDoc, and the argument checks at creation (issue 11).

const operators = [
  ['orderedWaitBatch', orderedWaitBatch],
  ['unorderedWaitBatch', unorderedWaitBatch],
] as const;

const upper = (values: string[]) => of(values.map((v) => v.toUpperCase()));

// prettier-ignore
describe.each(operators)('%s', (name, operator) => {
  describe('the marble diagram of its TSDoc', () => {
    if (name === 'orderedWaitBatch') {
      it('the config form: a batch flushed by size, one by delay; results in source order', marbles((m) => {
        const s = batchSheet(m, {
          source:   '-abc-d------|',
          abc:      '   --(X|)     ',
          d:        '       ----(Y|)',
          expected: '-----(ABC)-D|',
        }, { X: ['A', 'B', 'C'], Y: ['D'] });
        s.expect(operator(s.fn, { maxBatchSize: 3, maxBatchDelay: 2 }));
        m.flush();
        expect(s.calls).toEqual(['abc', 'd']);
      }));
    } else {
      it('the config form: the faster batch\'s results leave first', marbles((m) => {
        const s = batchSheet(m, {
          source:   '-abcd----|',
          ab:       '  -------(X|)',
          cd:       '    -(Y|)    ',
          expected: '-----(CD)(AB|)',
        }, { X: ['A', 'B'], Y: ['C', 'D'] });
        s.expect(operator(s.fn, { maxBatchSize: 2, maxBatchDelay: 5 }));
      }));
    }
  });

  describe('the rxjs operator checklist', () => {
    it('never: a source that never emits gives an output that never emits', marbles((m) => {
      const fn = jest.fn(upper);
      m.expect(m.cold('-').pipe(operator(fn, { maxBatchSize: 2 }))).toBeObservable('-');
      m.expect(NEVER.pipe(operator(fn, { maxBatchSize: 2 }))).toBeObservable('-------');
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('empty: an empty source completes at once, calling nothing', marbles((m) => {
      const fn = jest.fn(upper);
      m.expect(m.cold('|').pipe(operator(fn, { maxBatchSize: 2 }))).toBeObservable('|');
      m.expect(m.cold('---|').pipe(operator(fn, { maxBatchSize: 2, maxBatchDelay: 1 }))).toBeObservable('---|');
      m.expect(EMPTY.pipe(operator(fn, { maxBatchSize: 2 }))).toBeObservable('|');
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('a single value', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-a|     ',
        a:        ' --(Q|) ',
        asub:     '-^-!    ',
        expected: '---(A|) ',
      }, { Q: ['A'] });
      s.expect(operator(s.fn, { maxBatchSize: 2 }));
    }));

    it('many values', marbles((m) => {
      const source = m.cold(' -abcdef|');
      const expected = '      -abcdef|';
      m.expect(source.pipe(operator((values: string[]) => [values], { maxBatchSize: 2 }))).toBeObservable(expected);
    }));

    it('many values in one frame, synchronously answered, in batches of maxBatchSize', marbles((m) => {
      const calls: string[][] = [];
      const source = m.cold('-(abcde)|');
      const result = source.pipe(operator((values: string[]) => (calls.push(values), [values]), { maxBatchSize: 2 }));
      m.expect(result).toBeObservable('-(abcde)|');
      m.flush();
      expect(calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    }));

    it('an erroring source', marbles((m) => {
      const fn = jest.fn(upper);
      m.expect(m.cold('--#').pipe(operator(fn, { maxBatchSize: 2 }))).toBeObservable('--#');
      m.expect(throwError(() => new Error('sync')).pipe(operator(fn, { maxBatchSize: 2 }))).toBeObservable('#', undefined, new Error('sync'));
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('a source that errors while a batch forms: the batch is dropped uncalled', marbles((m) => {
      const fn = jest.fn(upper);
      m.expect(m.cold('-a-#').pipe(operator(fn, { maxBatchSize: 2, maxBatchDelay: 5 }))).toBeObservable('---#');
      m.flush();
      expect(fn).not.toHaveBeenCalled();
    }));

    it('a never-ending source: results flow, the output never completes', marbles((m) => {
      const source = m.cold(' -a-b-----');
      const expected = '      ---A-B---';
      m.expect(source.pipe(operator((values: string[]) => m.cold('--(x|)', { x: values.map((v) => v.toUpperCase()) }), { maxBatchSize: 2 }))).toBeObservable(expected);
    }));

    it('early unsubscription stops the source, every call and every timer (delay, timeout)', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-a-b----',
        srcsub:   '^--!    ',
        a:        ' ----(Q|)',
        asub:     '-^-!    ',
        unsub:    '^--!    ',
        expected: '---     ',
      }, { Q: ['A'] });
      const onTimeout = jest.fn(() => of('late'));
      const monitor = new AsyncWaitMonitor<string>();
      s.expect(operator(s.fn, { maxBatchSize: 5, timeout: 3, onTimeout, monitor }));
      m.flush();
      expect(onTimeout).not.toHaveBeenCalled();
      expect(s.calls).toEqual(['a']);
      expect(monitor.pending()).toEqual([{ index: 0, value: 'a' }]);
    }));

    it('unsubscription while a batch forms drops it uncalled; its values stay pending', marbles((m) => {
      const fn = jest.fn(upper);
      const monitor = new AsyncWaitMonitor<string>();
      m.expect(m.cold('-ab---').pipe(operator(fn, { maxBatchSize: 5, maxBatchDelay: 3, monitor })), '^--!').toBeObservable('---');
      m.flush();
      expect(fn).not.toHaveBeenCalled();
      expect(monitor.pending()).toEqual([{ index: 0, value: 'a' }, { index: 1, value: 'b' }]);
    }));

    it('fn throwing errors the output at once with that error and tears down the other calls', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-ab-    ',
        a:        ' -----(Q|)',
        asub:     '-^!     ',
        expected: '--#     ',
      }, { Q: ['A'] });
      const error = new Error('fn failed');
      s.expect(operator((values: string[], context) => {
        if (values[0] === 'b') throw error;
        return s.fn(values, context);
      }, { maxBatchSize: 2 }), undefined, error);
    }));

    it('gives every subscription its own state', marbles((m) => {
      const source = m.cold('-ab|');
      const result = source.pipe(operator((values: string[]) => m.cold('-(x|)', { x: values }), { maxBatchSize: 2, maxBatchDelay: Infinity }));
      m.expect(result).toBeObservable('---(ab|)');
      m.expect(result).toBeObservable('---(ab|)');
    }));
  });

  describe('arguments, checked at creation', () => {
    const fn = (values: unknown[]) => of(values);
    it.each([
      [{}, TypeError, 'expected `config.maxBatchSize` to be an integer from 1 and up (it is required), got `undefined` (undefined)'],
      [{ maxBatchSize: 0 }, RangeError, 'expected `config.maxBatchSize` to be an integer from 1 and up, got `0` (number)'],
      [{ maxBatchSize: 1.5 }, RangeError, 'expected `config.maxBatchSize` to be an integer from 1 and up, got `1.5` (number)'],
      [{ maxBatchSize: Infinity }, RangeError, 'expected `config.maxBatchSize` to be an integer from 1 and up, got `Infinity` (number)'],
      [{ maxBatchSize: '10' }, TypeError, 'expected `config.maxBatchSize` to be a number, got `"10"` (string)'],
      [{ maxBatchSize: 2, maxBatchDelay: -1 }, RangeError, 'expected `config.maxBatchDelay` to be a number >= 0 or `Infinity`, got `-1` (number)'],
      [{ maxBatchSize: 2, maxBatchDelay: NaN }, RangeError, 'expected `config.maxBatchDelay` to be a number >= 0 or `Infinity`, got `NaN` (number)'],
      [{ maxBatchSize: 2, maxBatchDelay: '5' }, TypeError, 'expected `config.maxBatchDelay` to be a number of milliseconds, got `"5"` (string)'],
      [{ maxBatchSize: 2, maxInFlightBatches: 0 }, RangeError, 'expected `config.maxInFlightBatches` to be an integer from 1 and up or `Infinity`, got `0` (number)'],
      [{ maxBatchSize: 2, maxInFlightBatches: 2.5 }, RangeError, 'expected `config.maxInFlightBatches` to be an integer from 1 and up or `Infinity`, got `2.5` (number)'],
      [{ maxBatchSize: 2, match: (v: unknown) => v }, TypeError, 'expected `config.match` to be an object like { key, resultKey }, got `function match` (function)'],
      [{ maxBatchSize: 2, match: { key: (v: unknown) => v } }, TypeError, 'expected `config.match.resultKey` to be a function, got `undefined` (undefined)'],
      [{ maxBatchSize: 2, match: { key: (v: unknown) => v, resultKey: (v: unknown) => v, keys: 1 } }, TypeError, 'expected `config.match.keys` to be absent (known options: key, resultKey), got `"keys"` (string)'],
      // The options shared with orderedWait go through its checks, named for this operator.
      [{ maxBatchSize: 2, capacity: 1.5 }, RangeError, 'expected `config.capacity` to be an integer from 1 and up or `Infinity`, got `1.5` (number)'],
      [{ maxBatchSize: 2, timeout: 0 }, RangeError, 'expected `config.timeout` to be a number > 0 or `Infinity`, got `0` (number)'],
    ])('%j throws %p', (config, Err, message) => {
      expect(() => operator(fn, config as AsyncBatchConfig<unknown, unknown>)).toThrow(new Err(`${name}: ${message}`));
      expect(() => operator(fn, config as AsyncBatchConfig<unknown, unknown>)).toThrow(Err);
    });

    it('names the batch options among the known ones when a key is unknown', () => {
      expect(() => operator(fn, { maxBatchSize: 2, maxBatch: 3 } as never)).toThrow(
        new TypeError(`${name}: expected \`config.maxBatch\` to be absent (known options: timeout, capacity, onTimeout, onError, retry, scheduler, key, isBarrier, monitor, bufferSize, overflow, maxInFlight, rateLimit, cooldown, maxBatchSize, maxBatchDelay, maxInFlightBatches, match), got \`"maxBatch"\` (string)`),
      );
    });

    it('takes only the config form, and a function', () => {
      expect(() => operator(fn, 100 as never)).toThrow(new TypeError(`${name}: expected \`config\` to be a config object with \`maxBatchSize\`, got \`100\` (number)`));
      expect(() => operator(fn, undefined as never)).toThrow(TypeError);
      expect(() => operator('fn' as never, { maxBatchSize: 2 })).toThrow(new TypeError(`${name}: expected \`fn\` to be a function, got \`"fn"\` (string)`));
    });

    it('accepts Infinity for maxBatchDelay and maxInFlightBatches, and a maxBatchSize above capacity', () => {
      expect(() => operator(fn, { maxBatchSize: 500, maxBatchDelay: Infinity, maxInFlightBatches: Infinity })).not.toThrow();
    });
  });
});
