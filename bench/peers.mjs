// The contenders. Each peer is used in its best configuration and its natural calling style, and
// declares whether it promises source order (its output is then checked for order) and which
// kinds of inner it can take at all.
//
// A `work` object (see scenarios.mjs) describes the per-element call in every style a peer needs:
//   work.kind   'sync' | 'promise' | 'latency'
//   work.fn     (x) => x or Promise<x>: the call for Promise- and iterator-based peers
//   work.rx     (x) => ObservableInput: `of(x)` for synchronous work, otherwise work.fn
//   work.array  (x) => [x]: the array form of synchronous work (our operators accept it)
// A peer's `style` says which of these it is given (rx, array, fn; thunk: () => work.fn(x);
// callback: (x, done) => done(null, work.fn(x)) or work.fn(x).then(...)).
// Every peer's run(work, input, capacity, sink) feeds every output value to sink.next and
// resolves when the output has ended.
import { Readable } from 'node:stream';
import { asyncMap, concatMapEager, itParallel, ours, pMap, pMapIterable, parallelTransform, rxjs } from './deps.mjs';

const { from, defer, mergeMap, concatMap, map } = rxjs;

/** Subscribes an rxjs pipeline over the input and settles with its output. */
function runRx(operator, input, sink) {
  return new Promise((resolve, reject) => {
    from(input)
      .pipe(operator)
      .subscribe({ next: (v) => sink.next(v), error: reject, complete: resolve });
  });
}

/**
 * The idiom users write when they need mergeMap's concurrency and source order: tag each value
 * with its index, run the calls with mergeMap, and release results from a reorder buffer (a Map)
 * as soon as the next expected index is there. Written the straightforward way, as found in
 * answers to "mergeMap but keep the order".
 */
export function mergeMapInOrder(project, concurrency) {
  return (source) =>
    defer(() => {
      const done = new Map();
      let next = 0;
      return source.pipe(
        mergeMap((x, i) => from(project(x)).pipe(map((v) => [i, v])), concurrency),
        mergeMap(([i, v]) => {
          done.set(i, v);
          const ready = [];
          while (done.has(next)) {
            ready.push(done.get(next));
            done.delete(next);
            next++;
          }
          return ready;
        }),
      );
    });
}

const ALL = ['sync', 'promise', 'latency'];
const ASYNC = ['promise', 'latency'];

/** rxjs mergeMap with a concurrency limit: the baseline of scenario A. Unordered. */
export const mergeMapPeer = {
  id: 'mergeMap',
  config: 'mergeMap(fn, C)',
  style: 'rx',
  label: 'rxjs mergeMap',
  pkg: 'rxjs',
  ordering: 'unordered',
  kinds: ALL,
  run: (work, input, capacity, sink) => runRx(mergeMap(work.rx, capacity), input, sink),
};

/** rxjs concatMap: ordered by running one call at a time (capacity does not apply). */
export const concatMapPeer = {
  id: 'concatMap',
  config: 'concatMap(fn)',
  note: 'one call at a time, capacity does not apply',
  style: 'rx',
  label: 'rxjs concatMap',
  pkg: 'rxjs',
  ordering: 'ordered',
  sequential: true,
  kinds: ALL,
  run: (work, input, _capacity, sink) => runRx(concatMap(work.rx), input, sink),
};

export const idiomPeer = {
  id: 'idiom',
  config: 'mergeMapInOrder(fn, C)',
  note: 'index-tagged mergeMap + a Map reorder buffer, as users write it (bench/peers.mjs)',
  style: 'rx',
  label: 'mergeMap + reorder buffer (idiom)',
  pkg: 'rxjs',
  ordering: 'ordered',
  kinds: ALL,
  run: (work, input, capacity, sink) => runRx(mergeMapInOrder(work.rx, capacity), input, sink),
};

export const concatMapEagerPeer = {
  id: 'concatMapEager',
  config: 'concatMapEager(fn, C)',
  style: 'rx',
  label: 'rxjs-etc concatMapEager',
  pkg: 'rxjs-etc',
  ordering: 'ordered',
  kinds: ALL,
  run: (work, input, capacity, sink) => runRx(concatMapEager(work.rx, capacity), input, sink),
};

/** rxjs-async-map: mergeMap underneath, ordered; its project must return a Promise. */
export const asyncMapPeer = {
  id: 'asyncMap',
  config: 'asyncMap(fn, C)',
  note: 'a mergeMap of its own rxjs 6 copy inside; fn must return a Promise',
  style: 'fn',
  label: 'rxjs-async-map asyncMap',
  pkg: 'rxjs-async-map',
  ordering: 'ordered',
  kinds: ASYNC,
  run: (work, input, capacity, sink) => runRx(asyncMap(work.fn, capacity), input, sink),
};

/** p-map: resolves to the whole output array, in input order. Baseline of B and D. */
export const pMapPeer = {
  id: 'pMap',
  config: 'await pMap(input, fn, { concurrency: C })',
  note: 'resolves to the whole output array',
  style: 'fn',
  label: 'p-map pMap',
  pkg: 'p-map',
  ordering: 'ordered',
  kinds: ALL,
  run: async (work, input, capacity, sink) => {
    const output = await pMap(input, work.fn, { concurrency: capacity });
    for (let i = 0; i < output.length; i++) sink.next(output[i]);
  },
};

/** p-map's async-iterable form (ESM only), order preserved (its default). */
export const pMapIterablePeer = {
  id: 'pMapIterable',
  config: 'for await (… of pMapIterable(input, fn, { concurrency: C }))',
  note: 'ESM only; backpressure = C and preserveOrder: true are its defaults',
  style: 'fn',
  label: 'p-map pMapIterable',
  pkg: 'p-map',
  ordering: 'ordered',
  kinds: ALL,
  run: async (work, input, capacity, sink) => {
    for await (const v of pMapIterable(input, work.fn, { concurrency: capacity })) sink.next(v);
  },
};

/** Node's own Readable.prototype.map with concurrency: ordered. */
export const readableMapPeer = {
  id: 'readableMap',
  config: 'for await (… of Readable.from(input).map(fn, { concurrency: C }))',
  style: 'fn',
  label: 'Node Readable.map',
  pkg: 'node',
  ordering: 'ordered',
  kinds: ALL,
  run: async (work, input, capacity, sink) => {
    for await (const v of Readable.from(input).map(work.fn, { concurrency: capacity })) sink.next(v);
  },
};

/** it-parallel takes Promise-returning thunks; `ordered: true` keeps input order. */
export const itParallelPeer = {
  id: 'itParallel',
  config: 'for await (… of parallel(thunks, { concurrency: C, ordered: true }))',
  note: 'takes Promise-returning thunks; unordered by default',
  style: 'thunk',
  label: 'it-parallel (ordered)',
  pkg: 'it-parallel',
  ordering: 'ordered',
  kinds: ASYNC,
  run: async (work, input, capacity, sink) => {
    const fn = work.fn;
    function* tasks() {
      for (const x of input) yield () => fn(x);
    }
    for await (const v of itParallel(tasks(), { concurrency: capacity, ordered: true })) sink.next(v);
  },
};

/** parallel-transform: a callback-style Transform stream, ordered by default. */
export const parallelTransformPeer = {
  id: 'parallelTransform',
  config: 'Readable.from(input).pipe(parallelTransform(C, (x, done) => …))',
  note: 'callback style; ordered is its default',
  style: 'callback',
  label: 'parallel-transform',
  pkg: 'parallel-transform',
  ordering: 'ordered',
  kinds: ALL,
  run: (work, input, capacity, sink) =>
    new Promise((resolve, reject) => {
      const fn = work.fn;
      const transform =
        work.kind === 'sync' ? (x, done) => done(null, fn(x)) : (x, done) => fn(x).then((v) => done(null, v), done);
      const stream = parallelTransform(capacity, transform);
      stream.on('data', (v) => sink.next(v));
      stream.on('end', resolve);
      stream.on('error', reject);
      Readable.from(input).pipe(stream);
    }),
};

/**
 * One of our operators, positional form `(fn, timeout, capacity)`. `form: 'array'` passes the
 * synchronous work as `[x]` instead of `of(x)`.
 */
export function oursPeer(ordering, { form = 'rx', timeout } = {}) {
  const name = ordering === 'ordered' ? 'orderedWait' : 'unorderedWait';
  const operator = ours[name];
  const suffix = [form === 'array' ? '[x]' : '', timeout === undefined ? '' : `timeout ${timeout / 1000} s`]
    .filter(Boolean)
    .join(', ');
  return {
    id: name + (form === 'array' ? '[]' : '') + (timeout === undefined ? '' : '+timeout'),
    label: suffix ? `${name} (${suffix})` : name,
    pkg: 'rxjs-async-io',
    ordering,
    ours: true,
    operator: name,
    config: `${name}(${form === 'array' ? 'x => [x]' : 'fn'}, ${timeout ?? 'undefined'}, C)`,
    style: form === 'array' ? 'array' : 'rx',
    kinds: form === 'array' ? ['sync'] : ALL,
    run: (work, input, capacity, sink) =>
      runRx(operator(form === 'array' ? work.array : work.rx, timeout, capacity), input, sink),
  };
}

export const orderedWaitPeer = oursPeer('ordered');
export const unorderedWaitPeer = oursPeer('unordered');
export const orderedWaitArrayPeer = oursPeer('ordered', { form: 'array' });
export const unorderedWaitArrayPeer = oursPeer('unordered', { form: 'array' });
/**
 * Not a library: the least any limited-concurrency runner over Promises must do, a sliding
 * window of `then` calls with no queue, no order and no operator. Scenario D runs it to show how
 * much of the cost growth with capacity is V8's (live Promises and reactions surviving young-
 * generation collections) rather than any peer's data structures.
 */
export const slidingWindowPeer = {
  id: 'slidingWindow',
  config: 'a bare sliding window of then() calls',
  note: 'reference floor, not a library: no order, no buffer, no operator',
  style: 'fn',
  label: 'bare sliding window (floor)',
  pkg: '—',
  ordering: 'unordered',
  kinds: ASYNC,
  run: (work, input, capacity, sink) =>
    new Promise((resolve, reject) => {
      let next = 0;
      let active = 0;
      const pump = () => {
        while (active < capacity && next < input.length) {
          active++;
          work.fn(input[next++]).then((v) => {
            sink.next(v);
            active--;
            if (next === input.length && active === 0) resolve();
            else pump();
          }, reject);
        }
      };
      if (input.length === 0) resolve();
      else pump();
    }),
};

/** Every peer, for the report's list of contenders. */
export const allPeers = [
  mergeMapPeer,
  concatMapPeer,
  idiomPeer,
  concatMapEagerPeer,
  asyncMapPeer,
  pMapPeer,
  pMapIterablePeer,
  readableMapPeer,
  itParallelPeer,
  parallelTransformPeer,
  orderedWaitPeer,
  orderedWaitArrayPeer,
  unorderedWaitPeer,
  unorderedWaitArrayPeer,
];
