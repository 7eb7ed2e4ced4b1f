import { Observable, type Subscriber } from 'rxjs';
import type { Admission } from './admission.js';
import { assemble, type CoreParts, type OutputMode } from './assemble.js';
import { roomToRead } from './coreParts.js';
import { asyncWait } from './asyncWait.js';
import { keepEngineShapes } from './resident.js';
import { argumentError } from './describe.js';
import type { AsyncFunction, AsyncWaitConfig } from '../types.js';
import { parseOptions, type AsyncWaitOptions } from './options.js';
import { PullReader, type PullSource } from './pullReader.js';
import { reportUnhandled } from './reportUnhandled.js';

/** A subscription's pull front: its reader, and a way to tell the reader the room there is now. */
export interface PullRun<T> {
  readonly reader: PullReader<T>;
  /** Reports the room now (admission room minus values buffered) to the reader, which reads that many. */
  request(): void;
}

/**
 * Builds the engine for one subscription on a pull source instead of a source Observable: the same
 * core and parts as `asyncWait`, with a PullReader as the demand extension. The core asks the
 * reader for more at the end of each drain loop; the first request, before any value exists, and
 * any request caused by something outside the core (an iterable consumer taking a result) are
 * made here, with the same figure the core uses. The caller adds its `close` handling to `out`,
 * then calls `request()` once to start reading.
 */
export function assemblePull<T, R>(
  out: Subscriber<R>,
  source: PullSource<T>,
  options: AsyncWaitOptions<T, R>,
  mode: OutputMode,
  admission?: (parts: CoreParts<T, R>) => Admission,
): PullRun<T> {
  // The push operators' resident subscriptions keep the engine's shared classes (resident.ts).
  keepEngineShapes(asyncWait);
  let parts!: CoreParts<T, R>;
  let reader!: PullReader<T>;
  const core = assemble(out, options, mode, {
    demand: (sink, assembled) => {
      parts = assembled;
      return (reader = new PullReader(source, sink, options.operator));
    },
    admission,
  });
  out.add(() => core.teardown());
  return {
    reader,
    request: () => reader.request(roomToRead(parts)),
  };
}

/** The Observable shape of the pull front: a fresh iterator, core and parts per subscription. */
export function pullWait<T, R>(
  source: PullSource<T>,
  options: AsyncWaitOptions<T, R>,
  mode: OutputMode,
): Observable<R> {
  return new Observable<R>((out) => {
    const run = assemblePull(out, source, options, mode);
    out.add(() => {
      const closing = run.reader.close();
      // Nobody awaits an Observable's teardown: a failing return() is reported, not lost.
      if (closing !== undefined) closing.then(undefined, reportUnhandled);
    });
    run.request();
  });
}

/**
 * Checks the pull front's arguments and fills in defaults: the source, a config object (no
 * positional form: a third argument that is not an object is refused rather than read as a
 * timeout), no input-buffer options (nothing waits in an input buffer when the source is read only
 * while a slot is free), then the operator's own options.
 */
export function parsePullOptions<T, R>(
  operator: string,
  source: unknown,
  fn: AsyncFunction<T, R>,
  config: AsyncWaitConfig<T, R> | undefined,
): AsyncWaitOptions<T, R> {
  if (!isPullSource(source)) {
    throw argumentError(TypeError, operator, 'source', 'an AsyncIterable or an Iterable', source);
  }
  if (config !== undefined && (config === null || typeof config !== 'object')) {
    throw argumentError(TypeError, operator, 'config', 'a config object or omitted', config);
  }
  for (const key of ['bufferSize', 'overflow'] as const) {
    if (config !== undefined && key in config) {
      throw argumentError(
        TypeError,
        operator,
        `config.${key}`,
        'absent (a pull source is read only while a slot is free, so nothing waits in an input buffer)',
        config[key],
      );
    }
  }
  return parseOptions(operator, fn, config ?? {}, undefined);
}

function isPullSource(value: unknown): value is PullSource<unknown> {
  if (value === null || value === undefined) return false;
  const candidate = value as Partial<Record<symbol, unknown>>;
  return typeof candidate[Symbol.asyncIterator] === 'function' || typeof candidate[Symbol.iterator] === 'function';
}
