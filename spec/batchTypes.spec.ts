/**
 * The batch operators' public types, checked by the compiler (`npm run typecheck`, as in
 * spec/types.spec.ts): a wrong `expectTypeOf` or an unused `@ts-expect-error` fails it.
 */
import { expectTypeOf } from 'expect-type';
import { lastValueFrom, Observable, of, toArray, type OperatorFunction } from 'rxjs';
import {
  orderedWaitBatch,
  unorderedWaitBatch,
  type AsyncBatchAnswer,
  type AsyncBatchContext,
  type AsyncBatchFunction,
} from '../lib';

interface User {
  id: number;
  name: string;
}
const users = (ids: number[]): User[] => ids.map((id) => ({ id, name: `#${id}` }));

it('orderedWaitBatch and unorderedWaitBatch have the same type, so checking one checks both', () => {
  expectTypeOf(unorderedWaitBatch).toEqualTypeOf<typeof orderedWaitBatch>();
});

describe('orderedWaitBatch types', () => {
  it('infers R from a Promise of the answer array', async () => {
    const op = orderedWaitBatch((ids: number[]) => Promise.resolve(users(ids)), { maxBatchSize: 10 });
    expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, User>>();
    expect(await lastValueFrom(of(1, 2).pipe(op, toArray()))).toEqual(users([1, 2]));
  });

  it('infers R from an Observable of the answer array, Errors in slots aside', () => {
    const op = orderedWaitBatch((ids: number[]) => of(ids.map((id) => (id > 0 ? `#${id}` : new Error('bad id')))), {
      maxBatchSize: 10,
    });
    expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, string>>();
  });

  it('takes T from the source inside pipe(), without annotations', () => {
    const out = of(1, 2).pipe(orderedWaitBatch((ids) => Promise.resolve(users(ids)), { maxBatchSize: 2 }));
    expectTypeOf(out).toEqualTypeOf<Observable<User>>();
  });

  it('types the context and the answer', () => {
    expectTypeOf<Parameters<AsyncBatchFunction<number, User>>[1]>().toEqualTypeOf<AsyncBatchContext>();
    expectTypeOf<AsyncBatchContext['indices']>().toEqualTypeOf<readonly number[]>();
    expectTypeOf<AsyncBatchAnswer<User>>().toEqualTypeOf<readonly (User | Error)[]>();
  });

  it('types match.key by T and match.resultKey by R', () => {
    const op = orderedWaitBatch((ids: number[]) => Promise.resolve(users(ids)), {
      maxBatchSize: 10,
      match: {
        key: (id) => {
          expectTypeOf(id).toEqualTypeOf<number>();
          return id;
        },
        resultKey: (user) => {
          expectTypeOf(user).toEqualTypeOf<User>();
          return user.id;
        },
      },
    });
    expectTypeOf(op).toEqualTypeOf<OperatorFunction<number, User>>();
  });

  it('adds the barriers to the output type with isBarrier', () => {
    type Item = { kind: 'record'; id: number } | { kind: 'watermark'; time: number };
    type Watermark = Extract<Item, { kind: 'watermark' }>;
    const op = orderedWaitBatch((items: Item[]) => Promise.resolve(items.map(() => 'enriched')), {
      maxBatchSize: 10,
      isBarrier: (item): item is Watermark => item.kind === 'watermark',
    });
    expectTypeOf(op).toEqualTypeOf<OperatorFunction<Item, string | Watermark>>();
  });

  it('rejects what the argument checks reject too', () => {
    const fn = (ids: number[]) => Promise.resolve(ids);
    // @ts-expect-error maxBatchSize is required
    expect(() => orderedWaitBatch(fn, {})).toThrow(TypeError);
    // @ts-expect-error there is no positional form
    expect(() => orderedWaitBatch(fn, 100)).toThrow(TypeError);
    // @ts-expect-error fn answers one array per batch, not one value per element
    orderedWaitBatch((ids: number[]) => Promise.resolve(ids[0]), { maxBatchSize: 2 });
  });
});
