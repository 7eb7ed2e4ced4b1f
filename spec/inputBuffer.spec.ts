import { NEVER } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, BufferOverflowError, orderedWait, unorderedWait } from '../lib';

// The bounded input buffer for push sources (issue 12, part 2): `bufferSize` values may wait for
// a slot; one more applies `overflow`. Capacity 1 and a call of 4 frames keep the slot busy.

const operators = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
] as const;

// prettier-ignore
describe.each(operators)('%s input buffer', (_name, operator) => {
  const call = (m: Parameters<Parameters<typeof marbles>[0]>[0]) => (v: string) => m.cold('----x|', { x: v.toUpperCase() });

  it("'error' (the default) errors the output with the counts when one value too many arrives", marbles((m) => {
    // a starts; b and c wait (bufferSize 2); d does not fit.
    const out = m.cold('abcd').pipe(operator(call(m), { capacity: 1, bufferSize: 2 }));
    const error = new BufferOverflowError(_name, 2, 4, 1);
    m.expect(out).toBeObservable('---#', undefined, error);
    expect(error).toMatchObject({ name: 'BufferOverflowError', bufferSize: 2, received: 4, held: 1 });
    expect(error.message).toBe(`${_name}: the input buffer is full (bufferSize 2, 1 held, 4 received): value 3 does not fit`);
  }));

  it("'dropNewest' drops the arriving value and counts it; pending() never lists it", marbles((m) => {
    const monitor = new AsyncWaitMonitor<string>();
    const out = m.cold('abcd|').pipe(operator(call(m), { capacity: 1, bufferSize: 2, overflow: 'dropNewest', monitor }));
    m.expect(out).toBeObservable('-----A----B----(C|)');
    m.scheduler.schedule(() => {
      expect(monitor.pending()).toEqual([{ index: 0, value: 'a' }, { index: 1, value: 'b' }, { index: 2, value: 'c' }]);
    }, 4);
    m.flush();
    expect(monitor.figures.dropped).toBe(1);
  }));

  it("'dropOldest' drops the longest-waiting value; later values keep their source indices", marbles((m) => {
    const monitor = new AsyncWaitMonitor<string>();
    const indices: number[] = [];
    const fn = (v: string, i: number) => (indices.push(i), m.cold('----x|', { x: v.toUpperCase() }));
    const out = m.cold('abcd|').pipe(operator(fn, { capacity: 1, bufferSize: 2, overflow: 'dropOldest', monitor }));
    m.expect(out).toBeObservable('-----A----C----(D|)');
    m.scheduler.schedule(() => {
      expect(monitor.pending()).toEqual([{ index: 0, value: 'a' }, { index: 2, value: 'c' }, { index: 3, value: 'd' }]);
    }, 4);
    m.flush();
    expect(indices).toEqual([0, 2, 3]);
    expect(monitor.figures.dropped).toBe(1);
  }));

  it('bufferSize 0: nothing waits; with dropNewest every value that finds no slot is dropped', marbles((m) => {
    const monitor = new AsyncWaitMonitor<string>();
    const out = m.cold('ab-----c|').pipe(operator(call(m), { capacity: 1, bufferSize: 0, overflow: 'dropNewest', monitor }));
    m.expect(out).toBeObservable('-----A------(C|)');
    m.flush();
    expect(monitor.figures.dropped).toBe(1);
  }));

  it('the default is unbounded, as before', marbles((m) => {
    const out = m.cold('abcdef|').pipe(operator(() => NEVER, { capacity: 1 }));
    m.expect(out, '^--------!').toBeObservable('---------');
  }));

  it.each([
    [{ bufferSize: -1 }, RangeError, '`config.bufferSize` to be an integer from 0 and up or `Infinity`, got `-1` (number)'],
    [{ bufferSize: 1.5 }, RangeError, '`config.bufferSize` to be an integer from 0 and up or `Infinity`, got `1.5` (number)'],
    [{ bufferSize: NaN }, RangeError, '`config.bufferSize` to be an integer from 0 and up or `Infinity`, got `NaN` (number)'],
    [{ bufferSize: '3' }, TypeError, '`config.bufferSize` to be a number, got `"3"` (string)'],
    [{ bufferSize: 3, overflow: 'drop' }, TypeError, "`config.overflow` to be one of 'error', 'dropOldest', 'dropNewest', got `\"drop\"` (string)"],
    [{ overflow: 'dropOldest' }, TypeError, '`config.overflow` to be given only with a finite `bufferSize` (the buffer is unbounded without one), got `"dropOldest"` (string)'],
  ])('%p is refused at creation', (config, Err, message) => {
    expect(() => operator(() => NEVER, config as never)).toThrow(new Err(`${_name}: expected ${message}`));
  });
});
