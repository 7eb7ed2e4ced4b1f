import { tap, type Observable, type OperatorFunction } from 'rxjs';
import type { Context } from 'rxjs-marbles/jest';
import type { TestObservableLike } from 'rxjs-marbles/types';
import type { AsyncBatchAnswer, AsyncBatchContext } from '../../lib';
import type { Sheet } from './marbleSheet';

/**
 * The marbles of one batch operator test, one line a timeline: `source`, `expected`, optional
 * `srcsub` and `unsub`, as in marbleSheet; every other line `abc` is the inner that the batch
 * call for the values a, b, c returns (`abc#2` for the second call with the same values), and
 * `abcsub` the subscription it must have. The letters an inner emits stand for its answer,
 * given in `answers` (an array, or anything else to test a bad answer).
 */
export interface BatchSheet {
  source: TestObservableLike<string>;
  inners: Record<string, TestObservableLike<unknown>>;
  /** The batch call: returns the inner named by the values (and the call count), recording it. */
  fn: (values: string[], context: AsyncBatchContext) => Observable<AsyncBatchAnswer<string>>;
  /** The inners' names, in call order. */
  calls: string[];
  /** Each call's context, in call order. */
  contexts: AsyncBatchContext[];
  /** What the output errored with, once flushed. */
  error?: unknown;
  expect(operator: OperatorFunction<string, unknown>, values?: Record<string, unknown>, error?: unknown): void;
}

const OWN_LINES = ['source', 'expected', 'srcsub', 'unsub'];

export function batchSheet(
  m: Context,
  sheet: Sheet,
  answers: Record<string, unknown> = {},
  errors: Record<string, unknown> = {},
): BatchSheet {
  const inners: Record<string, TestObservableLike<unknown>> = {};
  const subs: [string, string][] = [];
  for (const [line, marble] of Object.entries(sheet)) {
    if (OWN_LINES.includes(line) || marble === undefined) continue;
    if (line.endsWith('sub')) subs.push([line.slice(0, -'sub'.length), marble]);
    else inners[line] = m.cold(marble, answers, errors[line]);
  }
  for (const [inner] of subs) if (!(inner in inners)) throw new Error(`the sheet has ${inner}sub but no ${inner}`);
  const source = m.cold<string>(sheet.source);
  const seen = new Map<string, number>();
  const run: BatchSheet = {
    source,
    inners,
    calls: [],
    contexts: [],
    fn: (values, context) => {
      const base = values.join('');
      const k = (seen.get(base) ?? 0) + 1;
      seen.set(base, k);
      const name = k === 1 ? base : `${base}#${k}`;
      run.calls.push(name);
      run.contexts.push(context);
      const inner = inners[name];
      if (inner === undefined) throw new Error(`the sheet has no inner ${name}`);
      // The sheet's answers are arrays of strings, or bad answers on purpose.
      return inner as Observable<unknown> as Observable<AsyncBatchAnswer<string>>;
    },
    expect(operator, values, error) {
      const output = source.pipe(operator, tap({ error: (e: unknown) => (run.error = e) }));
      m.expect(output, sheet.unsub).toBeObservable(sheet.expected, values, error);
      if (sheet.srcsub !== undefined) m.expect(source).toHaveSubscriptions(sheet.srcsub);
      for (const [inner, marble] of subs) m.expect(inners[inner]).toHaveSubscriptions(marble);
    },
  };
  return run;
}
