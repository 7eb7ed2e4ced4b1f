import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { from, lastValueFrom, of, toArray } from 'rxjs';
import { orderedWait, orderedWaitFrom, unorderedWait } from '../../lib';
import { residentCount } from '../../lib/internal/resident';

// WeakRef is in Node >= 14.6, but not in the ES2020 lib this project compiles against.
interface WeakRefOf<T extends object> {
  deref(): T | undefined;
}
const WeakRef = (globalThis as unknown as { WeakRef: new <T extends object>(target: T) => WeakRefOf<T> }).WeakRef;

// A full collection on demand, for the leak test (Node lets a flag set at run time expose it).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

describe('resident subscriptions (they keep V8 hidden classes alive; see resident.ts)', () => {
  it('are made once, on the first subscription, one per output mode, and stay open', async () => {
    jest.useFakeTimers();
    try {
      expect(residentCount()).toBe(0);
      const calls: number[] = [];
      const fn = (x: number) => {
        calls.push(x);
        return of(x * 10);
      };
      // Creating an operator subscribes nothing.
      const operator = orderedWait(fn);
      expect(residentCount()).toBe(0);
      expect(await lastValueFrom(from([1, 2, 3]).pipe(operator, toArray()))).toEqual([10, 20, 30]);
      expect(residentCount()).toBe(2);
      await lastValueFrom(from([4]).pipe(unorderedWait(fn), toArray()));
      expect(residentCount()).toBe(2);
      // They never call the user's function and arm no timer.
      expect(calls).toEqual([1, 2, 3, 4]);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it("keep nothing of the user's: a finished subscription's values and function can be collected", async () => {
    const refs: WeakRefOf<object>[] = [];
    await (async () => {
      const values = [{ id: 1 }, { id: 2 }];
      const fn = async (value: { id: number }) => ({ result: value.id });
      refs.push(...values.map((value) => new WeakRef(value)), new WeakRef(fn));
      const results = await lastValueFrom(from(values).pipe(orderedWait(fn), toArray()));
      refs.push(...results.map((result) => new WeakRef(result)));
      const pulled = await lastValueFrom(orderedWaitFrom(values, fn).pipe(toArray()));
      refs.push(...pulled.map((result) => new WeakRef(result)));
    })();
    // WeakRefs hold their targets until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    expect(refs.map((ref) => ref.deref())).toEqual(refs.map(() => undefined));
    expect(residentCount()).toBe(2);
  });
});
