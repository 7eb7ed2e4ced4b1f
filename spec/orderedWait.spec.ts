import { EMPTY, of } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncTimeoutError, orderedWait } from '../lib';
import { marbleSheet } from './support/marbleSheet';

// The cases only orderedWait runs. Those it shares with unorderedWait are in bothOperators.spec.ts: the
// rxjs checklist, failures, the scheduler..., and the cases with the same inputs and an expected line
// for each operator.

// prettier-ignore
describe('orderedWait', () => {
  describe('the marble diagrams of its TSDoc', () => {
    it('positional form: a slow call holds back a faster later one', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '--a--b--c----------|',
        a:        '  ------A|          ',
        asub:     '--^------!          ',
        b:        '     --B|           ',
        bsub:     '-----^--!           ',
        c:        '        ----C|      ',
        csub:     '--------^----!      ',
        expected: '---------(AB)C-----|',
      });
      s.expect(orderedWait(s.fn));
    }));

    it('config form: a timed-out call replaced by its onTimeout fallback, in place', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-a-b-------|',
        a:        ' -------A|  ',
        asub:     '-^----!     ',
        b:        '   -B|      ',
        bsub:     '---^-!      ',
        expected: '------(lB)-|',
      });
      s.expect(orderedWait(s.fn, { timeout: 5, onTimeout: () => of('late') }), { l: 'late', B: 'B' });
    }));
  });

  describe('order (rule 2): results leave in source order', () => {
    it('capacity 2: two held at once; a finished call waits behind the slow head', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abcd|          ',
        a:        ' ---A|          ',
        asub:     '-^---!          ',
        b:        '  -B|           ',
        bsub:     '--^-!           ',
        c:        '     -----C|    ',
        csub:     '-----^-----!    ',
        d:        '     --D|       ',
        dsub:     '-----^--!       ',
        expected: '-----(AB)--(CD|)',
      });
      s.expect(orderedWait(s.fn, Infinity, 2));
    }));
  });

  describe('capacity (rule 3)', () => {
    it('counts a completed entry that waits behind an earlier one: the next call starts only when it has left', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|          ',
        a:        ' -----A|       ',
        asub:     '-^-----!       ',
        b:        '  -B|          ',
        bsub:     '--^-!          ',
        c:        '       ---C|   ',
        csub:     '-------^---!   ',
        expected: '-------(AB)(C|)',
      });
      s.expect(orderedWait(s.fn, Infinity, 2));
    }));
  });

  describe('timeout (rule 4)', () => {
    it('never times out an entry that completed, even one waiting behind the head past its deadline', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-ab|          ',
        a:        ' --------     ',
        asub:     '-^--!         ',
        fb:       '    -----(x|) ',
        fbsub:    '----^----!    ',
        b:        '  -B|         ',
        bsub:     '--^-!         ',
        expected: '---------(xB|)',
      });
      const onTimeout = jest.fn(() => s.inners.fb);
      s.expect(orderedWait(s.fn, { timeout: 3, onTimeout }));
      m.flush();
      expect(onTimeout.mock.calls).toEqual([['a', 0]]);
    }));

    it('times out entries that expire at the same frame in start order', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-(ab)--    ',
        a:        ' ----------',
        asub:     '-^--!      ',
        b:        ' ----------',
        bsub:     '-^--!      ',
        expected: '----#      ',
      });
      s.expect(orderedWait(s.fn, 3), undefined, new AsyncTimeoutError('a', 0, 3));
      m.flush();
      expect(s.error).toMatchObject({ value: 'a', index: 0 });
    }));
  });

  describe('failure (rule 5)', () => {
    it('onError: its result takes the failed entry\'s place, in order', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|          ',
        a:        ' ---A|         ',
        b:        '  -#           ',
        bsub:     '--^!           ',
        c:        '   -------C|   ',
        expected: '-----(Ay)--(C|)',
      }, { error: new Error('boom') });
      const onError = (error: unknown, v: string, i: number) => of(`${v}${i}:${(error as Error).message}`);
      s.expect(orderedWait(s.fn, { onError }), { A: 'A', y: 'b1:boom', C: 'C' });
    }));

    it('onError returning EMPTY drops the element', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|          ',
        a:        ' ---A|         ',
        b:        '  -#           ',
        c:        '   -------C|   ',
        expected: '-----A-----(C|)',
      });
      s.expect(orderedWait(s.fn, { onError: () => EMPTY }));
    }));
  });

  describe('results (rule 1)', () => {
    it('emits a multi-value result together when its inner completes; an empty result emits nothing', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc|         ',
        a:        ' -x-y|        ',
        asub:     '-^---!        ',
        b:        '  --|         ',
        bsub:     '--^-!         ',
        c:        '   -z-----|   ',
        csub:     '---^------!   ',
        expected: '-----(xy)-(z|)',
      });
      s.expect(orderedWait(s.fn));
    }));

    it('reads an array result at once: mutating it later changes nothing', marbles((m) => {
      const source = m.cold(' -ab|      ');
      const a = m.cold('       ---A|    ');
      const expected = '      -----(AB|)';

      const later: string[][] = [];
      const fn = (v: string) => {
        if (v === 'a') return a;
        const array = ['B'];
        later.push(array);
        return array;
      };
      // Mutates the array b returned while b waits behind a.
      m.scheduler.schedule(() => later[0].push('mutated'), 3);
      m.expect(source.pipe(orderedWait(fn))).toBeObservable(expected);
    }));
  });

  describe('unsubscription (rule 7)', () => {
    it('tears down every inner at that frame, and fn is never called again', marbles((m) => {
      const s = marbleSheet(m, {
        source:   '-abc-d-  ',
        srcsub:   '^----!   ',
        a:        ' ------A|',
        asub:     '-^---!   ',
        b:        '  -B|    ',
        bsub:     '--^-!    ',
        c:        '   C|    ',
        d:        '     D|  ',
        unsub:    '^----!   ',
        expected: '-----    ',
      });
      s.expect(orderedWait(s.fn, Infinity, 2));
      m.flush();
      expect(s.calls).toEqual(['a', 'b']);
    }));
  });
});
