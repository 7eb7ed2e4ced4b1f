import { readFileSync } from 'fs';
import { join } from 'path';
import type { Observable, ObservableInput, OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

/**
 * Runs the marble figures of the issue 5 sections of docs/semantics.md (pending inputs, barriers,
 * per-key order, monitoring) as marble tests. They are marked `<!-- figure: id -->` rather than
 * `<!-- diagram: id -->`, so the generic diagram runner leaves them to the specs of their feature,
 * which know the options (isBarrier, key, monitor) each figure needs.
 *
 * A figure is the operator call on its first line, then `label:  marble` lines whose column is
 * their frame: `source`, `fn(x)` (the inner `fn` returns for `x`, drawn from the frame `fn` is
 * called), optional `subs` under an inner (its subscription, when it did not end by itself),
 * optional `unsub` (when the output is unsubscribed) and `result`.
 */

const DOC = join(__dirname, '..', '..', 'docs', 'semantics.md');

export interface FigureLine {
  label: string;
  marble: string;
  /** Frame of the line's first character, counted from the source line's start. */
  offset: number;
}

export interface Figure {
  call: string;
  lines: FigureLine[];
}

/** The text of figure `id` in docs/semantics.md (or another page of docs/), without its fence and indentation. */
export function documentedFigure(id: string, page = 'semantics.md'): string {
  const markdown = readFileSync(page === 'semantics.md' ? DOC : join(__dirname, '..', '..', 'docs', page), 'utf8');
  const pattern = new RegExp(`<!-- figure: ${id} -->\\n( *)\`\`\`text\\n([\\s\\S]*?)\\n *\`\`\``);
  const match = pattern.exec(markdown);
  if (match === null) throw new Error(`docs/${page} has no figure ${id}`);
  const [, indent, body] = match;
  return body
    .split('\n')
    .map((line) => line.slice(indent.length))
    .join('\n');
}

export function parseFigure(text: string): Figure {
  const [call, ...rest] = text.split('\n').filter((line) => line.trim() !== '');
  const parsed = rest.map((line) => {
    const match = /^([^\s:][^:]*):( +)(\S.*?)\s*$/.exec(line);
    if (match === null) throw new Error(`cannot read figure line: ${line}`);
    const [, label, gap, marble] = match;
    return { label, marble, column: label.length + 1 + gap.length };
  });
  const source = parsed.find((line) => line.label === 'source');
  if (source === undefined) throw new Error('a figure needs a source line');
  return {
    call: call.trim(),
    lines: parsed.map(({ label, marble, column }) => ({ label, marble, offset: column - source.column })),
  };
}

export interface FigureRun<T> {
  /** Every `fn(x)` call: the value and the frame it was called at. */
  calls: { value: string; frame: number }[];
  /** What `inspect` returned, read right after the run. */
  inspected: T | undefined;
}

/**
 * Runs a figure: builds the source and the inners from its lines, applies `operator(fn)`, and
 * asserts the result line, that each `fn(x)` was called once at the frame its line starts, and
 * each inner's subscription. `inspect(helpers)` may schedule reads (a monitor's figures...) on the
 * test scheduler; its return value comes back in `inspected`.
 */
export function runFigure<T = undefined>(
  text: string,
  operator: (fn: (value: string) => ObservableInput<string>) => OperatorFunction<string, string>,
  inspect?: (scheduler: TestScheduler) => T,
): FigureRun<T> {
  const figure = parseFigure(text);
  const byLabel = new Map(figure.lines.map((line) => [line.label, line]));
  const inners: FigureLine[] = [];
  const subsOf = new Map<string, FigureLine>();
  for (const line of figure.lines) {
    if (line.label === 'subs') subsOf.set(inners[inners.length - 1].label, line);
    else if (/^fn\(.\)$/.test(line.label)) inners.push(line);
    else if (!['source', 'unsub', 'result'].includes(line.label)) throw new Error(`unknown figure label ${line.label}`);
  }

  const calls: { value: string; frame: number }[] = [];
  // What `cold` returns, typed with public names rather than rxjs/internal's ColdObservable.
  const colds = new Map<
    string,
    Observable<string> & { subscriptions: { subscribedFrame: number; unsubscribedFrame: number }[] }
  >();
  const expectedSubs = new Map<string, { subscribedFrame: number; unsubscribedFrame: number }>();
  let inspected: T | undefined;
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.run(({ cold, expectObservable }) => {
    for (const line of inners) {
      colds.set(line.label, cold(line.marble));
      const subs = subsOf.get(line.label);
      expectedSubs.set(
        line.label,
        subs
          ? TestScheduler.parseMarblesAsSubscriptions(subs.marble, true)
          : { subscribedFrame: line.offset, unsubscribedFrame: line.offset + endFrame(line.marble) },
      );
    }
    const fn = (value: string): ObservableInput<string> => {
      calls.push({ value, frame: scheduler.now() });
      const inner = colds.get(`fn(${value})`);
      if (inner === undefined) throw new Error(`the figure has no line fn(${value})`);
      return inner;
    };
    const source = cold(byLabel.get('source')!.marble) as Observable<string>;
    expectObservable(source.pipe(operator(fn)), byLabel.get('unsub')?.marble).toBe(byLabel.get('result')!.marble);
    if (inspect) inspected = inspect(scheduler);
  });

  expect(calls).toEqual(
    inners
      .map((line) => ({ value: line.label.slice(3, 4), frame: line.offset }))
      .sort(
        (a, b) =>
          a.frame - b.frame ||
          calls.findIndex((c) => c.value === a.value) - calls.findIndex((c) => c.value === b.value),
      ),
  );
  for (const line of inners) {
    expect({ inner: line.label, subscriptions: colds.get(line.label)!.subscriptions.map((s) => ({ ...s })) }).toEqual({
      inner: line.label,
      subscriptions: [expectedSubs.get(line.label)],
    });
  }
  return { calls, inspected };
}

/** The frame an inner ends by itself, relative to its start; Infinity if never. Call inside run(). */
function endFrame(marble: string): number {
  const end = TestScheduler.parseMarbles(marble, undefined, undefined, undefined, true).find(
    (message) => message.notification.kind !== 'N',
  );
  return end === undefined ? Infinity : end.frame;
}

/**
 * The first markdown table after figure `id` in docs/semantics.md, as rows of cells keyed by the
 * header row (cells trimmed, backticks removed).
 */
export function documentedTable(id: string): Record<string, string>[] {
  const markdown = readFileSync(DOC, 'utf8');
  const at = markdown.indexOf(`<!-- figure: ${id} -->`);
  if (at === -1) throw new Error(`docs/semantics.md has no figure ${id}`);
  const lines = markdown.slice(at).split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  if (start === -1) throw new Error(`no table after figure ${id}`);
  const rows: string[][] = [];
  for (let i = start; i < lines.length && lines[i].startsWith('|'); i++) {
    rows.push(
      lines[i]
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/`/g, '')),
    );
  }
  const [header, , ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])));
}
