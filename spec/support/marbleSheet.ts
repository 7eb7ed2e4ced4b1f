import { tap, type Observable, type OperatorFunction } from 'rxjs';
import type { Context } from 'rxjs-marbles/jest';
import type { TestObservableLike } from 'rxjs-marbles/types';

/**
 * The marbles of one operator test, one line a timeline, so that they line up in columns:
 * `source` and `expected` (the output), optional `srcsub` (the source's subscription) and `unsub`
 * (when the output is unsubscribed); every other key `x` is the inner that `fn(x)` returns, and `xsub`
 * the subscription that inner must have. With `byAttempt`, `a2` is the inner of the second call for `a`.
 */
export type Sheet = { source: string; expected: string; srcsub?: string; unsub?: string } & {
  [line: string]: string | undefined;
};

export interface MarbleSheet {
  source: TestObservableLike<string>;
  inners: Record<string, TestObservableLike<string>>;
  /** Returns the inner named by the value, recording the value in `calls`. */
  fn: (value: string) => Observable<string>;
  /** Returns the inner named by the value and the attempt (`a1`, `a2`...), recording that name in `calls`. */
  byAttempt: (value: string, index: number, context: { attempt: number }) => Observable<string>;
  /** The values fn was called with (the inners' names, with `byAttempt`), in call order; complete after `m.flush()`. */
  calls: string[];
  /** What the output errored with, once flushed: fields the marble matcher ignores can be asserted on it. */
  error?: unknown;
  /** Expects `source.pipe(operator)` to be the `expected` line, and every inner's and the source's subscription. */
  expect(operator: OperatorFunction<string, string>, values?: Record<string, string>, error?: unknown): void;
}

const OWN_LINES = ['source', 'expected', 'srcsub', 'unsub'];

/**
 * Builds the source and the inners of a sheet; `options` gives the inners' values and the error
 * their `#` stands for: `error` for every inner, `errors` by inner (rxjs's defaults if absent).
 */
export function marbleSheet(
  m: Context,
  sheet: Sheet,
  options: { values?: Record<string, string>; error?: unknown; errors?: Record<string, unknown> } = {},
): MarbleSheet {
  const inners: Record<string, TestObservableLike<string>> = {};
  const subs: [string, string][] = [];
  for (const [line, marble] of Object.entries(sheet)) {
    if (OWN_LINES.includes(line) || marble === undefined) continue;
    if (line.endsWith('sub')) subs.push([line.slice(0, -'sub'.length), marble]);
    else inners[line] = m.cold(marble, options.values, options.errors?.[line] ?? options.error);
  }
  for (const [inner] of subs) if (!(inner in inners)) throw new Error(`the sheet has ${inner}sub but no ${inner}`);

  const source = m.cold<string>(sheet.source);
  const call = (name: string) => {
    run.calls.push(name);
    const inner = inners[name];
    if (inner === undefined) throw new Error(`the sheet has no inner ${name}`);
    return inner;
  };
  const run: MarbleSheet = {
    source,
    inners,
    calls: [],
    fn: (value) => call(value),
    byAttempt: (value, _index, { attempt }) => call(`${value}${attempt}`),
    expect(operator, values, error) {
      const output = source.pipe(operator, tap({ error: (e: unknown) => (run.error = e) }));
      m.expect(output, sheet.unsub).toBeObservable(sheet.expected, values, error);
      if (sheet.srcsub !== undefined) m.expect(source).toHaveSubscriptions(sheet.srcsub);
      for (const [inner, marble] of subs) m.expect(inners[inner]).toHaveSubscriptions(marble);
    },
  };
  return run;
}
