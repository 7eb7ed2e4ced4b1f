import { tap, VirtualTimeScheduler } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, orderedWaitBatch, unorderedWaitBatch } from '../lib';
import { batchSheet } from './support/batchSheet';

// How batches form and flush (issue 11): by size, by delay on the scheduler (0: the end of the
// frame), on source completion and before a barrier; flushed batches wait for one of
// maxInFlightBatches call slots, in flush order; capacity counts elements. Each case runs both
// operators, whose batching is the same; where only the release order differs, each has its line.

const operators = [
  ['orderedWaitBatch', orderedWaitBatch],
  ['unorderedWaitBatch', unorderedWaitBatch],
] as const;

const ANSWERS = { X: ['A', 'B', 'C'], Y: ['D'], Z: ['C', 'D'], P: ['A', 'B'], Q: ['A'], R: ['B'], S: ['C'] };

// prettier-ignore
describe.each(operators)('%s', (_name, operator) => {
  describe('the marble diagrams of its TSDoc', () => {
    it('the barrier form: the batch forming when a barrier arrives is flushed first; the last one when the source completes', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-abW-----c|     ',
        ab:       '   -(P|)        ',
        absub:    '---^!           ',
        c:        '          -(S|) ',
        expected: '----(ABW)--(C|) ',
      }, ANSWERS);
      const monitor = new AsyncWaitMonitor<string>();
      s.expect(operator(s.fn, { maxBatchSize: 10, maxBatchDelay: 5, isBarrier: (v: string): v is 'W' => v === 'W', monitor }));
      m.flush();
      expect(s.calls).toEqual(['ab', 'c']);
      expect(monitor.figures.batches?.flushes).toEqual({ size: 0, delay: 0, complete: 1, barrier: 1 });
    }));
  });

  describe('flush reasons', () => {
    it('size: a batch is flushed when it reaches maxBatchSize, and its call starts in that frame', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-abc-d--|   ',
        ab:       '  --(P|)     ',
        cd:       '     ---(Z|) ',
        expected: '----(AB)(CD|)',
      }, ANSWERS);
      const monitor = new AsyncWaitMonitor<string>();
      s.expect(operator(s.fn, { maxBatchSize: 2, maxBatchDelay: Infinity, monitor }));
      m.flush();
      expect(s.calls).toEqual(['ab', 'cd']);
      expect(monitor.figures.batches).toEqual({
        started: 2, inFlight: 0, meanSize: 2, maxSize: 2, flushes: { size: 2, delay: 0, complete: 0, barrier: 0 },
      });
    }));

    it('delay: maxBatchDelay frames after the batch\'s first value, full or not; the clock restarts with the next batch', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-a-b------c----|',
        ab:       '    -(P|)       ',
        c:        '             -(S|)',
        expected: '-----(AB)-----C|',
      }, ANSWERS);
      const monitor = new AsyncWaitMonitor<string>();
      s.expect(operator(s.fn, { maxBatchSize: 10, maxBatchDelay: 3, monitor }));
      m.flush();
      expect(s.calls).toEqual(['ab', 'c']);
      expect(monitor.figures.batches?.flushes).toEqual({ size: 0, delay: 2, complete: 0, barrier: 0 });
    }));

    it('delay 0 (the default): at the end of the frame, so values of one frame share a batch', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-(abc)-d--|',
        abc:      ' -(X|)     ',
        d:        '       -(Y|)',
        expected: '--(ABC)-D-|',
      }, ANSWERS);
      const monitor = new AsyncWaitMonitor<string>();
      s.expect(operator(s.fn, { maxBatchSize: 10, monitor }));
      m.flush();
      expect(s.calls).toEqual(['abc', 'd']);
      expect(monitor.figures.batches?.flushes).toEqual({ size: 0, delay: 2, complete: 0, barrier: 0 });
    }));

    it('source completion flushes the forming batch at once', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-ab-|    ',
        ab:       '    --(P|)',
        expected: '------(AB|)',
      }, ANSWERS);
      const monitor = new AsyncWaitMonitor<string>();
      s.expect(operator(s.fn, { maxBatchSize: 10, maxBatchDelay: Infinity, monitor }));
      m.flush();
      expect(monitor.figures.batches?.flushes).toEqual({ size: 0, delay: 0, complete: 1, barrier: 0 });
    }));

    it('a barrier flushes the forming batch before it; the batch after it forms anew', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-aWb-----|',
        a:        '  -(Q|)    ',
        b:        '         (R|)',
        expected: '---(AW)--(B|)',
      }, ANSWERS);
      s.expect(operator(s.fn, { maxBatchSize: 5, maxBatchDelay: Infinity, isBarrier: (v: string): v is 'W' => v === 'W' }));
    }));

    it('runs the delay on the configured scheduler', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-a-----|',
        a:        '       (Q|)',
        expected: '-------(A|)',
      }, ANSWERS);
      // A frame-based scheduler that is never flushed: the delay cannot fire; completion flushes.
      s.expect(operator(s.fn, { maxBatchSize: 10, maxBatchDelay: 1, scheduler: new VirtualTimeScheduler() }));
    }));
  });

  describe('maxInFlightBatches', () => {
    it('a flushed batch waits for a free call slot and starts in flush order; it does not grow meanwhile', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-a-b-c-----|',
        a:        '  ----(Q|)   ',
        b:        '      (R|)   ',
        c:        '      (S|)   ',
        expected: '-----(ABC)-|',
      }, ANSWERS);
      const monitor = new AsyncWaitMonitor<string>();
      s.expect(operator(s.fn, { maxBatchSize: 2, maxInFlightBatches: 1, capacity: 10, monitor }));
      m.flush();
      // [a] flushed by delay at 1 and called; [b] flushed at 3 waits for the one slot, [c] flushed
      // at 5 too; when [a] answers at 5, they start one after the other.
      expect(s.calls).toEqual(['a', 'b', 'c']);
      expect(monitor.figures.batches).toMatchObject({ started: 3, maxSize: 1, flushes: { delay: 3 } });
    }));

    it('defaults to capacity / maxBatchSize calls at once', marbles((m) => {
      const source = m.cold('-(abcdefgh)|');
      let running = 0;
      let most = 0;
      const monitor = new AsyncWaitMonitor<string>();
      const fn = (values: string[]) => {
        most = Math.max(most, ++running);
        return m.cold('---(x|)', { x: values.map((v) => v.toUpperCase()) }).pipe(tap({ finalize: () => running-- }));
      };
      const result = source.pipe(operator(fn, { maxBatchSize: 2, capacity: 4, monitor }));
      const values: unknown[] = [];
      result.subscribe((v) => values.push(v));
      m.flush();
      expect(most).toBe(2);
      expect(values).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
      expect(monitor.figures.batches).toMatchObject({ started: 4, meanSize: 2, maxSize: 2 });
    }));
  });

  describe('capacity (counted in elements)', () => {
    it('a batch holds at most what capacity lets in; a value beyond it waits in the buffer and joins a later batch', marbles((m) => {
      const s = batchSheet(m, {
        source:   '-abcd|       ',
        ab:       '  --(P|)     ',
        cd:       '    ----(Z|) ',
        expected: '----(AB)(CD|)',
      }, ANSWERS);
      const monitor = new AsyncWaitMonitor<string>();
      const held: number[] = [];
      for (let frame = 0; frame < 10; frame++) m.scheduler.schedule(() => void held.push(monitor.figures.held), frame + 0.5);
      s.expect(operator(s.fn, { maxBatchSize: 2, maxBatchDelay: Infinity, capacity: 3, monitor }));
      m.flush();
      // [a, b] by size at 2; c waits in the forming batch, d in the input buffer (3 held) until
      // A and B leave at 4; then d joins c and fills the batch.
      expect(Math.max(...held)).toBe(3);
      expect(monitor.figures.batches?.flushes).toEqual({ size: 2, delay: 0, complete: 0, barrier: 0 });
    }));
  });
});
