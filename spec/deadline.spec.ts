import { TestScheduler } from 'rxjs/testing';
import { orderedWait, unorderedWait } from '../lib';

// The deadline is inclusive: a result that arrives exactly `timeout` frames after the first call
// counts, whether the inner's work was scheduled before the deadline check (first attempt) or
// after it (a retry). One frame later, the timeout wins.
const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe.each([
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const)('%s deadline', (_name, operator) => {
  it('lets a first attempt that completes exactly at the deadline win', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const inner =  cold('-----(x|)');
      const source = cold('a|');
      expectObservable(source.pipe(operator(() => inner, { timeout: 5 }))).toBe('-----(x|)');
      expectSubscriptions(inner.subscriptions).toBe('^----!');
    });
  });

  it('lets a retry that completes exactly at the deadline win', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const failing = cold('-#');
      const late = cold('---(x|)');
      let calls = 0;
      const fn = () => (calls++ === 0 ? failing : late);
      expectObservable(cold('a|').pipe(operator(fn, { timeout: 5, retry: { count: 1, delay: 1 } }))).toBe('-----(x|)');
    });
  });

  it('times out a result one frame after the deadline', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const inner =  cold('------(x|)');
      const source = cold('a|');
      expectObservable(source.pipe(operator(() => inner, { timeout: 5, onTimeout: () => ['T'] }))).toBe('-----(T|)');
      expectSubscriptions(inner.subscriptions).toBe('^----!');
    });
  });
});
