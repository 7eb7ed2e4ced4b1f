/**
 * The marble pictures in docs/marbles are drawings, and drawings drift. This spec replays every one
 * against the operators in virtual time: the source line is the source, each `fn(x)` / `fn(x) #k`
 * line is what the k-th call for x returns (starting where it is drawn), `onTimeout(x)` and
 * `onError(x)` lines are what the fallbacks return, and a `% check:` comment gives the operator and
 * its config. It asserts that every drawn call starts at its drawn frame, that nothing undrawn is
 * called, that every `!` is where the operator really unsubscribes, and that each result line is
 * exactly the output. A second test checks that the committed SVGs are rendered from the current text.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { from, NEVER, toArray, type ObservableInput } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  orderedWait,
  orderedWaitBatch,
  unorderedWait,
  unorderedWaitBatch,
  type AsyncBatchConfig,
  type AsyncWaitConfig,
} from '../lib';

const dir = resolve(__dirname, '../docs/marbles');

interface Line {
  title: string;
  marble: string;
  /** Leading blanks: the frame at which the line starts. */
  start: number;
}
interface Check {
  /** A batch operator's `fn(abc)` line is the call for a, b and c; the values it draws are its answer, in order. */
  operator: 'orderedWait' | 'unorderedWait' | 'orderedWaitBatch' | 'unorderedWaitBatch';
  config?: Record<string, unknown>;
  onTimeout?: boolean;
  onError?: boolean;
  /** The `name` of the error a `#` in the result stands for; a drawn `#` inner errors with 'error'. */
  error?: string;
}
interface Diagram {
  file: string;
  checks: Check[];
  inputs: Line[];
  results: Line[];
}

function parse(file: string): Diagram {
  const text = readFileSync(join(dir, file), 'utf8');
  const checkLine = /^% check: (.*)$/m.exec(text);
  if (!checkLine) throw new Error(`${file} has no "% check:" line`);
  const diagram: Diagram = { file, checks: JSON.parse(checkLine[1]) as Check[], inputs: [], results: [] };
  let operators = 0;
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('%'));
    if (lines.length === 0 || lines[0].startsWith('[')) continue;
    if (lines[0].startsWith('>')) {
      operators++;
      continue;
    }
    const title = lines.map((line) => /^title = (.*)$/.exec(line)?.[1]).find((found) => found !== undefined) ?? '';
    const marble = lines[0].trimEnd();
    const line = { title, marble: marble.trimStart(), start: marble.length - marble.trimStart().length };
    (operators === 0 ? diagram.inputs : diagram.results).push(line);
  }
  if (diagram.results.length !== diagram.checks.length) {
    throw new Error(`${file}: ${diagram.results.length} result lines for ${diagram.checks.length} checks`);
  }
  return diagram;
}

/** The marble up to a `!` (unsubscribed there), and the offset of the `!` if any. */
function cut(marble: string): { marble: string; cutAt: number | null } {
  const at = marble.indexOf('!');
  return at < 0 ? { marble, cutAt: null } : { marble: marble.slice(0, at), cutAt: at };
}

interface Event {
  frame: number;
  kind: string;
  value?: unknown;
}

function replay(
  diagram: Diagram,
  check: Check,
  result: Line,
): { problems: string[]; actual: Event[]; expected: Event[] } {
  const problems: string[] = [];
  const actual: Event[] = [];
  let expected: Event[] = [];
  const scheduler = new TestScheduler(() => true);
  scheduler.run(({ hot, cold }) => {
    const sourceLine = diagram.inputs.find((line) => line.title === 'source');
    if (!sourceLine) throw new Error(`${diagram.file} has no source line`);
    const sourceCut = cut(sourceLine.marble);
    const source = hot(sourceCut.marble);

    type Drawn = { line: Line; observable: ReturnType<typeof cold<string>> };
    const drawn = new Map<string, Drawn>();
    for (const line of diagram.inputs.filter((input) => input !== sourceLine)) {
      const match = /^(fn|onTimeout|onError)\((\w+)\)(?: #(\d+))?$/.exec(line.title);
      if (!match) throw new Error(`${diagram.file}: unknown line title "${line.title}"`);
      const key = `${match[1]}(${match[2]}) #${match[3] ?? '1'}`;
      drawn.set(key, { line, observable: cold<string>(cut(line.marble).marble) });
    }
    const attempts = new Map<string, number>();
    const use = (kind: string, value: string): ObservableInput<string> => {
      const k = (attempts.get(`${kind}(${value})`) ?? 0) + 1;
      attempts.set(`${kind}(${value})`, k);
      const found = drawn.get(`${kind}(${value}) #${k}`);
      if (!found) {
        problems.push(`${kind}(${value}) #${k} was called at frame ${scheduler.now()} but is not drawn`);
        return NEVER;
      }
      if (scheduler.now() !== found.line.start) {
        problems.push(`${found.line.title} starts at frame ${scheduler.now()}, drawn at ${found.line.start}`);
      }
      return found.observable;
    };

    const config: AsyncWaitConfig<string, string> = { ...(check.config as AsyncWaitConfig<string, string>) };
    if (check.onTimeout) config.onTimeout = (value) => use('onTimeout', value);
    if (check.onError) config.onError = (_error, value) => use('onError', value);
    const batched = check.operator === 'orderedWaitBatch' || check.operator === 'unorderedWaitBatch';
    const operator = check.operator === 'orderedWait' ? orderedWait : unorderedWait;
    const batchOperator = check.operator === 'orderedWaitBatch' ? orderedWaitBatch : unorderedWaitBatch;
    const output = batched
      ? source.pipe(
          batchOperator<string, string>(
            (values) => from(use('fn', values.join(''))).pipe(toArray()),
            config as AsyncBatchConfig<string, string>,
          ),
        )
      : source.pipe(operator<string, string>((value) => use('fn', value), config));
    output.subscribe({
      next: (value) => actual.push({ frame: scheduler.now(), kind: 'N', value }),
      error: (error: unknown) =>
        actual.push({ frame: scheduler.now(), kind: 'E', value: error instanceof Error ? error.name : error }),
      complete: () => actual.push({ frame: scheduler.now(), kind: 'C' }),
    });
    scheduler.flush();
    // Parsed inside run(), where one character is one frame.
    expected = TestScheduler.parseMarbles(result.marble, undefined, check.error ?? 'error', false, true).map(
      ({ frame, notification }): Event => {
        const kind = notification.kind as string;
        if (kind === 'N') return { frame, kind, value: (notification as { value: unknown }).value };
        if (kind === 'E') return { frame, kind, value: (notification as { error: unknown }).error };
        return { frame, kind };
      },
    );

    const unsubscribed = (subscriptions: { unsubscribedFrame: number }[]): number | undefined =>
      subscriptions[0]?.unsubscribedFrame;
    if (sourceCut.cutAt !== null && unsubscribed(source.subscriptions) !== sourceCut.cutAt) {
      problems.push(`source unsubscribed at ${unsubscribed(source.subscriptions)}, drawn at ${sourceCut.cutAt}`);
    }
    for (const { line, observable } of drawn.values()) {
      if (observable.subscriptions.length !== 1) {
        problems.push(`${line.title} is drawn but was called ${observable.subscriptions.length} times`);
        continue;
      }
      const { cutAt } = cut(line.marble);
      if (cutAt !== null && unsubscribed(observable.subscriptions) !== line.start + cutAt) {
        problems.push(
          `${line.title} unsubscribed at ${unsubscribed(observable.subscriptions)}, drawn at ${line.start + cutAt}`,
        );
      }
    }
  });
  return { problems, actual, expected };
}

const diagrams = readdirSync(dir)
  .filter((file) => file.endsWith('.txt'))
  .sort()
  .map(parse);

describe('marble pictures (docs/marbles)', () => {
  it('exist for every diagram the docs promise', () => {
    expect(diagrams.map((diagram) => diagram.file)).toEqual(
      expect.arrayContaining([
        'ordered-vs-unordered.txt',
        'capacity-ordered.txt',
        'timeout.txt',
        'batching.txt',
        'timeout-fallback.txt',
        'retry.txt',
        'error-teardown.txt',
      ]),
    );
  });

  describe.each(diagrams.map((diagram) => [diagram.file, diagram] as const))('%s', (_file, diagram) => {
    it.each(diagram.checks.map((check, i) => [check.operator, check, diagram.results[i]] as const))(
      'is what %s does',
      (_operator, check, result) => {
        const { problems, actual, expected } = replay(diagram, check, result);
        expect(problems).toEqual([]);
        expect(actual).toEqual(expected);
      },
    );
  });

  it('are rendered to SVG from the current text (run `npm run docs:marbles` after editing one)', () => {
    expect(() =>
      execFileSync(process.execPath, [resolve(__dirname, '../scripts/render-marbles.mjs'), '--check'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ).not.toThrow();
  });
});
