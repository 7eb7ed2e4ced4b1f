// Scenario E: memory, measured as V8 heapUsed after forced full GCs (node --expose-gc).
//   1. Retained after a stream: 10^6 values pushed at once into orderedWait/unorderedWait through a
//      Subject (so the input buffer has to take nearly all of them), every result received, then
//      GC: what the still-open subscription keeps, and what is left once it has completed.
//   2. Held entries: capacity K, K source values, calls that return Promises which stay pending
//      until the benchmark resolves them. Bytes per held entry =
//      (heap with K held − heap before subscribing − the same K pending Promises made alone) / K,
//      i.e. the operator's own cost per entry: its entry object, its subscription to / reaction on
//      the Promise, its queue slot. The user's Promise, its resolve function and the benchmark's
//      array of resolvers are measured alone and subtracted.
import { OrderedSink, UnorderedSink, CheckError } from './check.mjs';
import { median } from './harness.mjs';
import { ours, pMap, rxjs } from './deps.mjs';
import { indexes, promiseWork } from './work.mjs';

const { Subject, from, mergeMap } = rxjs;

function tick() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** heapUsed after letting pending jobs run and collecting twice (weak refs, finalizers). */
async function heapAfterGc() {
  await tick();
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

async function retainedAfterStream(name, n) {
  const ordered = name === 'orderedWait';
  const sink = ordered ? new OrderedSink() : new UnorderedSink(n);
  const subject = new Subject();
  let count = 0;
  let reached;
  const allReceived = new Promise((resolve) => (reached = resolve));
  let failed = null;
  let completed;
  const done = new Promise((resolve) => (completed = resolve));
  const before = await heapAfterGc();
  let subscription = subject.pipe(ours[name](promiseWork.rx, undefined, 100)).subscribe({
    next: (v) => {
      sink.next(v);
      if (++count === n) reached();
    },
    error: (e) => (failed = e),
    complete: () => completed(),
  });
  for (let i = 0; i < n; i++) subject.next(i);
  await allReceived;
  const open = (await heapAfterGc()) - before;
  subject.complete();
  await done;
  subscription.unsubscribe();
  subscription = null;
  const closed = (await heapAfterGc()) - before;
  if (failed) throw failed;
  sink.verify(`E ${name} (10^6 stream)`, n);
  return { open, closed };
}

/** Starts K calls that stay pending; returns the heap growth, then releases them and checks. */
async function heldEntries(kind, capacity, { alone = false } = {}) {
  const input = indexes(capacity);
  let resolvers = [];
  const pending = (_x) => new Promise((resolve) => resolvers.push(resolve));
  // 'waiting': the first call hangs, every later one completes at once, so capacity − 1 entries
  // are held completed, waiting behind the head: the entry alone, with nothing in flight.
  const waiting = kind === 'orderedWait-waiting';
  const fn = waiting ? (x, i) => (i === 0 ? pending(x) : [x]) : pending;
  const sink = kind === 'mergeMap' ? new UnorderedSink(capacity) : new OrderedSink();
  let finished;
  let failed = null;
  const before = await heapAfterGc();
  if (alone) {
    for (let i = 0; i < capacity; i++) fn(i);
    finished = Promise.resolve();
  } else if (kind === 'awaiting') {
    // What any code that awaits the Promises pays: one then() with two closures per Promise.
    for (let i = 0; i < capacity; i++)
      fn(i).then(
        (v) => sink.next(v),
        (e) => (failed = e),
      );
    finished = Promise.resolve();
  } else if (kind === 'pMap') {
    finished = pMap(input, fn, { concurrency: capacity }).then((out) => out.forEach((v) => sink.next(v)));
  } else {
    const operator =
      kind === 'mergeMap' ? mergeMap(fn, capacity) : ours[waiting ? 'orderedWait' : kind](fn, undefined, capacity);
    finished = new Promise((resolve) =>
      from(input)
        .pipe(operator)
        .subscribe({ next: (v) => sink.next(v), error: (e) => ((failed = e), resolve()), complete: resolve }),
    );
  }
  const full = (await heapAfterGc()) - before;
  const expected = waiting ? 1 : capacity;
  if (resolvers.length !== expected) {
    throw new CheckError(
      `E ${kind}: ${resolvers.length} calls in flight at capacity ${capacity}, expected ${expected}`,
    );
  }
  // Calls started in source order, so the k-th resolver belongs to value k.
  resolvers.forEach((resolve, i) => resolve(i));
  resolvers = null;
  await finished;
  await tick();
  if (failed) throw failed;
  if (!alone) sink.verify(`E ${kind} (capacity ${capacity})`, capacity);
  return full;
}

export async function scenarioE({ quick, log }) {
  const n = quick ? 100_000 : 1_000_000;
  const capacities = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const repeats = quick ? 2 : 5;
  const operators = ['orderedWait', 'unorderedWait'];

  const retained = [];
  for (const name of operators) {
    const runs = [];
    for (let r = 0; r < repeats; r++) runs.push(await retainedAfterStream(name, n));
    retained.push({
      id: name,
      peer: name,
      ours: true,
      open: median(runs.map((x) => x.open)),
      closed: median(runs.map((x) => x.closed)),
      runs,
    });
    log(`retained after ${n}: ${name} done`);
  }

  const kinds = [...operators, 'orderedWait-waiting', 'awaiting', 'mergeMap', 'pMap'];
  const labels = {
    orderedWait: 'orderedWait (calls in flight)',
    unorderedWait: 'unorderedWait (calls in flight)',
    'orderedWait-waiting': 'orderedWait (completed, waiting behind a hung head)',
    awaiting: 'awaiting the Promises alone: one then() with two closures each',
    mergeMap: 'rxjs mergeMap',
    pMap: 'p-map pMap',
  };
  const user = {};
  const held = Object.fromEntries(kinds.map((k) => [k, {}]));
  for (const capacity of capacities) {
    const userRuns = [];
    const runs = Object.fromEntries(kinds.map((k) => [k, []]));
    // Interleaved like the timed scenarios, so that heap drift does not favour one kind.
    for (let r = 0; r < repeats; r++) {
      userRuns.push(await heldEntries('user', capacity, { alone: true }));
      for (const k of kinds) runs[k].push(await heldEntries(k, capacity));
    }
    user[capacity] = median(userRuns);
    for (const k of kinds) {
      // The waiting kind makes one pending Promise, not K: nothing of the user's to subtract.
      held[k][capacity] = (median(runs[k]) - (k === 'orderedWait-waiting' ? 0 : user[capacity])) / capacity;
    }
    log(`held entries at capacity ${capacity} done`);
  }
  const heldRows = kinds.map((k) => ({
    id: k,
    peer: labels[k],
    ours: operators.includes(k),
    ...Object.fromEntries(capacities.map((c) => [`b${c}`, held[k][c]])),
  }));
  for (const k of operators) {
    heldRows.push({
      id: `${k}-own`,
      peer: `${k}'s own structures (calls in flight − awaiting)`,
      ours: true,
      ...Object.fromEntries(capacities.map((c) => [`b${c}`, held[k][c] - held.awaiting[c]])),
    });
  }
  heldRows.push({
    id: 'user',
    peer: "the user's pending Promises alone (subtracted above)",
    ours: false,
    ...Object.fromEntries(capacities.map((c) => [`b${c}`, user[c] / c])),
  });

  return {
    id: 'E',
    title: 'E. Memory',
    params: { n, capacities, repeats, inner: 'async x => x (retained); pending Promise (held)' },
    notes: [
      `Retained: ${n.toLocaleString('en-US')} values pushed synchronously through a Subject into the operator (capacity 100, ` +
        'resolved-Promise inner), all results received, then two forced GCs; heapUsed growth against before subscribing, ' +
        'first with the subscription still open (the operator state a long-lived stream keeps), then after it completed.',
      'Held entries: bytes per entry = (heapUsed with K entries held − heapUsed before − the same K pending Promises made alone) / K. ' +
        "It is the operator's own cost per held entry: everything it allocates for an element (entry, subscription or reaction on the " +
        "Promise, queue slot). The user's Promise and its resolve function are the last row, measured alone and subtracted. " +
        'mergeMap and p-map are measured the same way for context. ' +
        '"Awaiting" is what any code that waits for the Promises pays in V8 (the then() reaction, its derived Promise and two ' +
        'closures); "own structures" subtract it, leaving the entry, queue slot and bookkeeping. "Completed, waiting" holds ' +
        'K − 1 entries whose results wait behind one hung call: the entry alone, nothing in flight.',
    ],
    tables: [
      {
        title: `Heap retained after ${n.toLocaleString('en-US')} elements`,
        columns: [
          ['Operator', 'peer', 'name'],
          ['Subscription open', 'open', 'bytes'],
          ['After completion', 'closed', 'bytes'],
        ],
        rows: retained,
      },
      {
        title: 'Bytes per held entry',
        columns: [
          ['Peer', 'peer', 'name'],
          ...capacities.map((c) => [`capacity ${c.toLocaleString('en-US')}`, `b${c}`, 'int']),
        ],
        rows: heldRows,
      },
    ],
    figures: { retained, held, user, capacities, n },
  };
}
