import { EMPTY, of } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { unorderedWait } from '../lib';
import { marbleSheet } from './support/marbleSheet';

// The cases only unorderedWait runs. Those it shares with orderedWait are in bothOperators.spec.ts: the
// rxjs checklist, failures, the scheduler..., and the cases with the same inputs and an expected line
// for each operator.

// prettier-ignore
describe('unorderedWait', () => {
  describe('the marble diagrams of its TSDoc', () => {
    it('positional form: a fast call overtakes a slower earlier one', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '--a--b--c----------|',
        a:        '  ------A|          ',
        asub:     '--^------!          ',
        b:        '     --B|           ',
        bsub:     '-----^--!           ',
        c:        '        ---C|       ',
        csub:     '--------^---!       ',
        expected: '--------BA--C------|',
      });
      s.expect(unorderedWait(s.fn));
    }));

    it('config form: a failed call retried after its delay', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-a-----|',
        a1:       ' -#     ',
        a1sub:    '-^!     ',
        a2:       '    -A| ',
        a2sub:    '----^-! ',
        expected: '------A|',
      });
      const attempts = [s.inners.a1, s.inners.a2];
      s.expect(unorderedWait((_v: string, _i, { attempt }) => attempts[attempt - 1], { retry: { count: 1, delay: 2 } }));
    }));
  });

  describe('order (rule 2): results leave as soon as they complete', () => {
    it('capacity 2: a completed call leaves at once and frees its slot for the next buffered value', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc---d|      ',
        a:        ' -------A|     ',
        asub:     '-^-------!     ',
        b:        '  -B|          ',
        bsub:     '--^-!          ',
        c:        '    -C|        ',
        csub:     '----^-!        ',
        d:        '       ---D|   ',
        dsub:     '-------^---!   ',
        expected: '----B-C--A-(D|)',
      });
      s.expect(unorderedWait(s.fn, Infinity, 2));
    }));
  });

  describe('capacity (rule 3)', () => {
    it('frees a slot when its entry completes: nothing waits behind an earlier entry', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|        ',
        a:        ' -----A|     ',
        asub:     '-^-----!     ',
        b:        '  -B|        ',
        bsub:     '--^-!        ',
        c:        '    ----C|   ',
        csub:     '----^----!   ',
        expected: '----B--A-(C|)',
      });
      s.expect(unorderedWait(s.fn, Infinity, 2));
    }));
  });

  describe('timeout (rule 4)', () => {
    it('never times out an entry that completed', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-ab-------|',
        a:        ' ----A|    ',
        b:        '  -B|      ',
        expected: '----B-A---|',
      });
      s.expect(unorderedWait(s.fn, 6));
    }));

    it('times out entries that expire at the same frame in start order', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-(abc)--   ',
        a:        ' ----------',
        asub:     '-^--!      ',
        b:        ' ----------',
        bsub:     '-^--!      ',
        c:        ' ----------',
        csub:     '-^--!      ',
        expected: '----(abc)  ',
      });
      s.expect(unorderedWait(s.fn, { timeout: 3, onTimeout: (v: string) => of(v) }));
    }));
  });

  describe('failure (rule 5)', () => {
    it('onError: its result is emitted as soon as the fallback completes', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|      ',
        a:        ' ---A|     ',
        b:        '  -#       ',
        bsub:     '--^!       ',
        c:        '   ---C|   ',
        expected: '---y-A-(C|)',
      }, { error: new Error('boom') });
      const onError = (error: unknown, v: string, i: number) => of(`${v}${i}:${(error as Error).message}`);
      s.expect(unorderedWait(s.fn, { onError }), { A: 'A', y: 'b1:boom', C: 'C' });
    }));

    it('onError returning EMPTY drops the element', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|      ',
        a:        ' ---A|     ',
        b:        '  -#       ',
        c:        '   ---C|   ',
        expected: '-----A-(C|)',
      });
      s.expect(unorderedWait(s.fn, { onError: () => EMPTY }));
    }));
  });

  describe('results (rule 1)', () => {
    it('emits a multi-value result together when its inner completes; an empty result emits nothing', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|       ',
        a:        ' -x---y|    ',
        asub:     '-^-----!    ',
        b:        '  --|       ',
        bsub:     '--^-!       ',
        c:        '   -z|      ',
        csub:     '---^-!      ',
        expected: '-----z-(xy|)',
      });
      s.expect(unorderedWait(s.fn));
    }));
  });

  describe('unsubscription (rule 7)', () => {
    it('tears down every inner at that frame, and fn is never called again', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc--d- ',
        srcsub:   '^----!   ',
        a:        ' ------A|',
        asub:     '-^---!   ',
        b:        '  -B|    ',
        bsub:     '--^-!    ',
        c:        '    ---C|',
        csub:     '----^!   ',
        d:        '      D| ',
        unsub:    '^----!   ',
        expected: '----B    ',
      });
      s.expect(unorderedWait(s.fn, Infinity, 2));
      m.flush();
      expect(s.calls).toEqual(['a', 'b', 'c']);
    }));
  });
});
