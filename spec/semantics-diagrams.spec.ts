import { readFileSync } from 'fs';
import { join } from 'path';
import { EMPTY, from, Observable, ObservableInput, OperatorFunction, Subject, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AsyncTimeoutError, exponentialDelay, orderedWait, unorderedWait } from '../lib';
import type { AsyncFunction } from '../lib';

// Runs every marble diagram of docs/semantics.md as a marble test, so the page cannot drift from
// the engine: the diagrams are read from the file itself. Each diagram's first line names the
// operator; `setups` below builds that operator, and the test checks the two agree.

const DOC = join(__dirname, '..', 'docs', 'semantics.md');

interface Line {
  label: string;
  marble: string;
  /** Frames from the source line's start to this line's first character. */
  offset: number;
}

interface Block {
  id: string;
  kind: 'diagram' | 'throws';
  lines: string[];
}

function readBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const pattern = /<!-- (diagram|throws): ([\w-]+) -->\n( *)```text\n([\s\S]*?)\n *```/g;
  for (let match; (match = pattern.exec(markdown)) !== null;) {
    const [, kind, id, indent, body] = match;
    const lines = body.split('\n').map((line) => {
      if (line.trim() !== '' && !line.startsWith(indent))
        throw new Error(`${id}: line not indented like its fence: ${line}`);
      return line.slice(indent.length);
    });
    blocks.push({ id, kind: kind as Block['kind'], lines });
  }
  return blocks;
}

/** Splits `label:   marble` lines; the column where a marble starts is its frame. */
function parseDiagram(block: Block): { call: string; lines: Line[] } {
  const [call, ...rest] = block.lines;
  const parsed = rest.map((text) => {
    const match = /^([^\s:][^:]*):( +)(\S.*?)\s*$/.exec(text);
    if (match === null) throw new Error(`${block.id}: cannot read line: ${text}`);
    const [, label, gap, marble] = match;
    return { label, marble, column: label.length + 1 + gap.length };
  });
  const source = parsed.find((line) => line.label === 'source');
  if (source === undefined) throw new Error(`${block.id}: no source line`);
  return {
    call,
    lines: parsed.map(({ label, marble, column }) => ({ label, marble, offset: column - source.column })),
  };
}

/** The frame of an inner's own completion or error, relative to its start; Infinity if none. Call inside run(). */
function endFrame(marble: string): number {
  const messages = TestScheduler.parseMarbles(marble, undefined, undefined, undefined, true);
  const end = messages.find((m) => m.notification.kind !== 'N');
  return end === undefined ? Infinity : end.frame;
}

/** Errors compare by class, message and own fields (value, index, timeout), not message alone. */
function normalize(value: unknown): unknown {
  if (value instanceof Error) return { ...value, class: value.constructor.name, message: value.message };
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

interface Handlers {
  fn: AsyncFunction<string, string>;
  onTimeout: (value: string, index: number) => ObservableInput<string>;
  onError: (error: unknown, value: string, index: number) => ObservableInput<string>;
}

interface Setup {
  /** The diagram's first line, verbatim. */
  call: string;
  build: (h: Handlers) => OperatorFunction<string, string>;
  /** What the result's `#` is, when not the default 'error' of a marble inner. */
  error?: unknown;
  /** Inners are synchronous arrays instead of cold observables. */
  syncInners?: boolean;
}

const notObservableError = (() => {
  try {
    from(null as unknown as ObservableInput<string>);
  } catch (error) {
    return error;
  }
  throw new Error('rxjs accepted null as an ObservableInput');
})();

// prettier-ignore
const setups: Record<string, Setup> = {
  'result-atomic': { call: 'unorderedWait(fn)', build: ({ fn }) => unorderedWait(fn) },
  'sync-inners': { call: 'orderedWait(fn, Infinity, 1)', build: ({ fn }) => orderedWait(fn, Infinity, 1), syncInners: true },
  'order-ordered': { call: 'orderedWait(fn)', build: ({ fn }) => orderedWait(fn) },
  'order-unordered': { call: 'unorderedWait(fn)', build: ({ fn }) => unorderedWait(fn) },
  'capacity-ordered': { call: 'orderedWait(fn, Infinity, 2)', build: ({ fn }) => orderedWait(fn, Infinity, 2) },
  'capacity-unordered': { call: 'unorderedWait(fn, Infinity, 2)', build: ({ fn }) => unorderedWait(fn, Infinity, 2) },
  'capacity-fifo': { call: 'unorderedWait(fn, Infinity, 1)', build: ({ fn }) => unorderedWait(fn, Infinity, 1) },
  'timeout-clock': {
    call: 'orderedWait(fn, 4, 1)',
    build: ({ fn }) => orderedWait(fn, 4, 1),
    error: new AsyncTimeoutError('b', 1, 4),
  },
  'timeout-fallback': {
    call: 'orderedWait(fn, { timeout: 4, onTimeout })',
    build: ({ fn, onTimeout }) => orderedWait(fn, { timeout: 4, onTimeout }),
  },
  'timeout-final': {
    call: 'orderedWait(fn, { timeout: 5, retry: { count: 3, delay: 3 }, onTimeout })',
    build: ({ fn, onTimeout }) => orderedWait(fn, { timeout: 5, retry: { count: 3, delay: 3 }, onTimeout }),
  },
  'failure-teardown': { call: 'unorderedWait(fn, Infinity, 2)', build: ({ fn }) => unorderedWait(fn, Infinity, 2) },
  'failure-onerror': { call: 'orderedWait(fn, { onError })', build: ({ fn, onError }) => orderedWait(fn, { onError }) },
  'failure-throws': {
    call: 'orderedWait(fn, { retry: { count: 1 }, onError })',
    build: ({ fn, onError }) => orderedWait(fn, { retry: { count: 1 }, onError }),
  },
  'source-error': { call: 'orderedWait(fn)', build: ({ fn }) => orderedWait(fn) },
  'source-complete': { call: 'unorderedWait(fn)', build: ({ fn }) => unorderedWait(fn) },
  'source-empty': { call: 'orderedWait(fn)', build: ({ fn }) => orderedWait(fn) },
  'unsubscribe': { call: 'orderedWait(fn, Infinity, 2)', build: ({ fn }) => orderedWait(fn, Infinity, 2) },
  'retry-error': {
    call: 'unorderedWait(fn, { retry: { count: 2, delay: 2 } })',
    build: ({ fn }) => unorderedWait(fn, { retry: { count: 2, delay: 2 } }),
  },
  'retry-exponential': {
    call: 'orderedWait(fn, { retry: { count: 2, delay: exponentialDelay({ initial: 1 }) } })',
    build: ({ fn }) => orderedWait(fn, { retry: { count: 2, delay: exponentialDelay({ initial: 1 }) } }),
  },
  'retry-result': {
    call: 'orderedWait(fn, { retry: { count: 1, ifResult: (result) => result.length === 0 } })',
    build: ({ fn }) => orderedWait(fn, { retry: { count: 1, ifResult: (result) => result.length === 0 } }),
  },
  'signals': {
    call: 'unorderedWait(fn, { timeout: 4, onTimeout, onError })',
    build: ({ fn, onTimeout, onError }) => unorderedWait(fn, { timeout: 4, onTimeout, onError }),
  },
  'not-observable-input': {
    call: 'orderedWait(fn, { retry: { count: 1 }, onError })',
    build: ({ fn, onError }) => orderedWait(fn, { retry: { count: 1 }, onError }),
    error: notObservableError,
  },
  'fallback-untimed': {
    call: 'orderedWait(fn, { timeout: 2, onTimeout })',
    build: ({ fn, onTimeout }) => orderedWait(fn, { timeout: 2, onTimeout }),
  },
  'fallback-error': {
    call: 'unorderedWait(fn, { timeout: 2, onTimeout })',
    build: ({ fn, onTimeout }) => unorderedWait(fn, { timeout: 2, onTimeout }),
  },
  'atomic-take': {
    call: 'orderedWait(fn), take(2)',
    build: ({ fn }) => (source) => source.pipe(orderedWait(fn), take(2)),
  },
  'expiry-order': {
    call: 'unorderedWait(fn, { timeout: 3, onTimeout })',
    build: ({ fn, onTimeout }) => unorderedWait(fn, { timeout: 3, onTimeout }),
  },  'deadline-inclusive': {
    call: 'orderedWait(fn, { timeout: 4, onTimeout })',
    build: ({ fn, onTimeout }) => orderedWait(fn, { timeout: 4, onTimeout }),
  },
};

const fn = (() => EMPTY) as AsyncFunction<unknown, unknown>;
// prettier-ignore
const creations: Record<string, () => unknown> = {
  'orderedWait(fn, { capacity: 1.5 })': () => orderedWait(fn, { capacity: 1.5 }),
  'unorderedWait(fn, 0)': () => unorderedWait(fn, 0),
  'orderedWait(fn, { retry: { count: 1, delay: -1 } })': () => orderedWait(fn, { retry: { count: 1, delay: -1 } }),
  "orderedWait(fn, { onTimeout: 'late' })": () => orderedWait(fn, { onTimeout: 'late' as never }),
  'orderedWait(fn, { retry: { count: 1, delays: 10 } })': () => orderedWait(fn, { retry: { count: 1, delays: 10 } as never }),
  'orderedWait(fn, { timeout: 100 }, 5)': () => (orderedWait as (...args: unknown[]) => unknown)(fn, { timeout: 100 }, 5),
};

/** A label's inner: a cold observable, or what the line stands for. */
type Cold = Observable<string> & { subscriptions: { subscribedFrame: number; unsubscribedFrame: number }[] };
type Inner = { kind: 'cold'; observable: Cold } | { kind: 'value'; value: unknown };

function runDiagram(id: string, call: string, lines: Line[]): void {
  const setup = setups[id];
  expect(setup).toBeDefined();
  expect(call).toBe(setup.call);

  const byLabel = new Map<string, Line>();
  const innerLines: Line[] = [];
  const subsFor = new Map<string, Line>();
  for (const line of lines) {
    if (line.label === 'subs') {
      const inner = innerLines[innerLines.length - 1];
      if (inner === undefined) throw new Error(`${id}: subs line before any inner`);
      subsFor.set(inner.label, line);
      continue;
    }
    if (byLabel.has(line.label)) throw new Error(`${id}: two lines labelled ${line.label}`);
    byLabel.set(line.label, line);
    if (/^(fn|onTimeout|onError)\(/.test(line.label)) innerLines.push(line);
    else if (!['source', 'result', 'unsub', 'aborts'].includes(line.label))
      throw new Error(`${id}: unknown label ${line.label}`);
    // Lines that are not inners start at frame 0, so their columns line up with the source.
    else expect({ label: line.label, offset: line.offset }).toEqual({ label: line.label, offset: 0 });
  }
  for (const [label, subs] of subsFor) expect({ label, subsOffset: subs.offset }).toEqual({ label, subsOffset: 0 });

  const calls: { label: string; frame: number }[] = [];
  const inners = new Map<string, Inner>();
  const expectedSubscriptions = new Map<string, { subscribedFrame: number; unsubscribedFrame: number }>();
  const scheduler = new TestScheduler((actual, expected) => expect(normalize(actual)).toEqual(normalize(expected)));

  scheduler.run(({ cold, expectObservable }) => {
    // Parsed inside run(), where a frame is 1 time unit (outside it is 10).
    for (const line of innerLines) {
      const subs = subsFor.get(line.label);
      const { subscribedFrame, unsubscribedFrame } = subs
        ? TestScheduler.parseMarblesAsSubscriptions(subs.marble, true)
        : { subscribedFrame: line.offset, unsubscribedFrame: line.offset + endFrame(line.marble) };
      expectedSubscriptions.set(line.label, { subscribedFrame, unsubscribedFrame });
    }
    for (const line of innerLines) {
      if (line.marble === 'throws') inners.set(line.label, { kind: 'value', value: 'throws' });
      else if (line.marble === 'null') inners.set(line.label, { kind: 'value', value: null });
      else if (setup.syncInners) {
        const values = TestScheduler.parseMarbles(line.marble, undefined, undefined, undefined, true)
          .filter((m) => m.notification.kind === 'N')
          .map((m) => (m.notification as { value: string }).value);
        inners.set(line.label, { kind: 'value', value: values });
      } else inners.set(line.label, { kind: 'cold', observable: cold<string>(line.marble) });
    }

    const innerFor = (label: string): ObservableInput<string> => {
      calls.push({ label, frame: scheduler.now() });
      const inner = inners.get(label);
      if (inner === undefined) throw new Error(`${id}: the diagram has no line ${label}`);
      if (inner.kind === 'cold') return inner.observable;
      if (inner.value === 'throws') throw 'error';
      return inner.value as ObservableInput<string>;
    };

    const aborts = new Subject<string>();
    const watched = new WeakSet<AbortSignal>();
    const wantsAborts = byLabel.has('aborts');
    const handlers: Handlers = {
      fn: (value, _index, ctx) => {
        if (wantsAborts && !watched.has(ctx.signal)) {
          watched.add(ctx.signal);
          ctx.signal.addEventListener('abort', () => aborts.next(value));
        }
        const numbered = `fn(${value})#${ctx.attempt}`;
        return innerFor(inners.has(numbered) || ctx.attempt > 1 ? numbered : `fn(${value})`);
      },
      onTimeout: (value) => innerFor(`onTimeout(${value})`),
      onError: (_error, value) => innerFor(`onError(${value})`),
    };

    const source = cold(byLabel.get('source')!.marble) as Observable<string>;
    // Subscribed first, so that it sees aborts that happen in frame 0.
    if (wantsAborts) expectObservable(aborts).toBe(byLabel.get('aborts')!.marble);
    expectObservable(source.pipe(setup.build(handlers)), byLabel.get('unsub')?.marble).toBe(
      byLabel.get('result')!.marble,
      undefined,
      setup.error,
    );
  });

  // Every fn/onTimeout/onError line was called once, at the frame where the line starts.
  expect(calls).toEqual(
    innerLines.map((line) => ({ label: line.label, frame: line.offset })).sort(byFrameThenOrder(calls)),
  );
  for (const line of innerLines) {
    const inner = inners.get(line.label)!;
    if (inner.kind !== 'cold') continue;
    expect({ label: line.label, subscriptions: inner.observable.subscriptions.map((s) => ({ ...s })) }).toEqual({
      label: line.label,
      subscriptions: [expectedSubscriptions.get(line.label)],
    });
  }
}

/** Orders the expected calls like the actual ones where frames tie, so only frames and labels matter. */
function byFrameThenOrder(actual: { label: string }[]) {
  const position = (label: string) => {
    const i = actual.findIndex((call) => call.label === label);
    return i === -1 ? Infinity : i;
  };
  return (a: { label: string; frame: number }, b: { label: string; frame: number }) =>
    a.frame - b.frame || position(a.label) - position(b.label);
}

describe('docs/semantics.md', () => {
  const blocks = readBlocks(readFileSync(DOC, 'utf8'));
  const diagrams = blocks.filter((block) => block.kind === 'diagram');
  const throwing = blocks.filter((block) => block.kind === 'throws');

  it('has a setup here for every diagram, and a diagram for every setup', () => {
    expect(diagrams.map((block) => block.id).sort()).toEqual(Object.keys(setups).sort());
  });

  describe.each(diagrams.map((block) => [block.id, block] as const))('diagram %s', (id, block) => {
    it('runs as documented', () => {
      const { call, lines } = parseDiagram(block);
      runDiagram(id, call, lines);
    });
  });

  describe.each(throwing.map((block) => [block.id, block] as const))('creation error %s', (_id, block) => {
    it('throws as documented', () => {
      const [call, thrown] = block.lines;
      const create = creations[call];
      expect(create).toBeDefined();
      const [, name, message] = /^(\w+): (.*)$/.exec(thrown)!;
      let error: unknown;
      try {
        create();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(name === 'TypeError' ? TypeError : RangeError);
      expect(normalize(error)).toEqual({ class: name, message });
    });
  });
});
