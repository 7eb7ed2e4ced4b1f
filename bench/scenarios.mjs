// The timed scenarios A, B, C, D and F of issue 3 (E, memory, is in memory.mjs). Each returns
// { id, title, params, notes, tables, figures }: tables are rendered by report.mjs, figures feed
// the targets (targets.mjs) and the chart (chart.mjs).
import { measureInterleaved, median, summarize } from './harness.mjs';
import {
  asyncMapPeer,
  concatMapEagerPeer,
  concatMapPeer,
  idiomPeer,
  itParallelPeer,
  mergeMapPeer,
  oursPeer,
  orderedWaitArrayPeer,
  orderedWaitPeer,
  pMapIterablePeer,
  pMapPeer,
  parallelTransformPeer,
  readableMapPeer,
  slidingWindowPeer,
  unorderedWaitArrayPeer,
  unorderedWaitPeer,
} from './peers.mjs';
import { indexes, latencyWork, promiseWork, randomLatencies, syncWork } from './work.mjs';

/** Problem sizes and round counts; `--quick` shrinks them for development. */
export function sizes(quick) {
  return quick
    ? { A: 100_000, B: 20_000, C: 500, D: 20_000, F: 20_000, rounds: 2, roundsC: 2, roundsF: 4 }
    : // C and F runs are short (0.2 s, 0.06 s) and their targets are close calls: more rounds.
      { A: 1_000_000, B: 200_000, C: 2_000, D: 200_000, F: 200_000, rounds: 5, roundsC: 9, roundsF: 31 };
}

const INNER = {
  sync: { rx: 'of(x)', array: '[x]', fn: 'x => x', callback: 'done(null, x)' },
  promise: {
    rx: 'async x => x',
    fn: 'async x => x',
    thunk: '() => (async x => x)(x)',
    callback: '(async x => x)(x).then(done)',
  },
};

function orderingOf(peer) {
  return peer.sequential ? 'ordered (one at a time)' : peer.ordering;
}

/** A and B: per-element overhead against a baseline, every case at the same capacity. */
async function overhead({ id, title, n, capacity, work, peers, baseline, notes, rounds, log }) {
  const input = indexes(n);
  const cases = peers.map((peer) => ({ key: peer.id, label: peer.label, peer, work, input, capacity }));
  const samples = await measureInterleaved(cases, { rounds, log });
  const base = summarize(samples.get(baseline)).median;
  const rows = cases.map(({ key, peer }) => {
    const s = summarize(samples.get(key));
    return {
      id: key,
      peer: peer.label,
      ours: !!peer.ours,
      ordering: orderingOf(peer),
      inner: INNER[work.kind][peer.style],
      median: s.median,
      perElement: (s.median * 1e6) / n,
      spread: [s.min, s.max],
      ratio: s.median / base,
      samples: s.samples,
    };
  });
  const baselineLabel = peers.find((p) => p.id === baseline).label;
  return {
    id,
    title,
    params: { n, capacity, rounds, baseline: baselineLabel },
    notes,
    tables: [
      {
        columns: [
          ['Peer', 'peer', 'name'],
          ['Order', 'ordering', 'text'],
          ['Inner', 'inner', 'code'],
          ['Median ms', 'median', 'ms'],
          ['ns / element', 'perElement', 'int'],
          ['min–max ms', 'spread', 'range'],
          [`× ${baselineLabel}`, 'ratio', 'ratio'],
        ],
        rows,
      },
    ],
    figures: { ratio: Object.fromEntries(rows.map((r) => [r.id, r.ratio])), rows },
  };
}

export function scenarioA({ quick, log }) {
  const { A: n, rounds } = sizes(quick);
  return overhead({
    id: 'A',
    title: 'A. Overhead, synchronous inner',
    n,
    capacity: 100,
    work: syncWork,
    rounds,
    log,
    baseline: 'mergeMap',
    peers: [
      mergeMapPeer,
      concatMapPeer,
      idiomPeer,
      concatMapEagerPeer,
      pMapPeer,
      pMapIterablePeer,
      readableMapPeer,
      parallelTransformPeer,
      orderedWaitPeer,
      orderedWaitArrayPeer,
      unorderedWaitPeer,
      unorderedWaitArrayPeer,
    ],
    notes: [
      'rxjs-async-map and it-parallel are not in A: both accept only calls that return a Promise.',
      'Peers that are not rxjs-based get the synchronous call in their natural form (`x => x`, or a callback called at once).',
    ],
  });
}

export function scenarioB({ quick, log }) {
  const { B: n, rounds } = sizes(quick);
  return overhead({
    id: 'B',
    title: 'B. Overhead, resolved Promise inner',
    n,
    capacity: 100,
    work: promiseWork,
    rounds,
    log,
    baseline: 'pMap',
    peers: [
      pMapPeer,
      pMapIterablePeer,
      readableMapPeer,
      itParallelPeer,
      parallelTransformPeer,
      concatMapEagerPeer,
      asyncMapPeer,
      idiomPeer,
      mergeMapPeer,
      concatMapPeer,
      orderedWaitPeer,
      unorderedWaitPeer,
    ],
    notes: [
      'rxjs mergeMap (and everything built on it: the idiom, concatMapEager, rxjs-async-map, concatMap) ' +
        'drains its input buffer with `Array#shift`, which turns O(n) once a synchronous source has queued ' +
        'tens of thousands of values: that, not the Promise, is most of their cost here.',
    ],
  });
}

/** C: latency-bound, fixed 5 ms and seeded random 1–9 ms per call. */
export async function scenarioC({ quick, log }) {
  const { C: n, roundsC: rounds } = sizes(quick);
  const capacity = 50;
  const fixed = new Array(n).fill(5);
  const random = randomLatencies(n, 1, 9, 20250601);
  const variants = [
    { key: 'fixed', latencies: fixed, ideal: (n * 5) / capacity },
    { key: 'random', latencies: random, ideal: random.reduce((a, b) => a + b, 0) / capacity },
  ];
  const peers = [
    mergeMapPeer,
    idiomPeer,
    concatMapEagerPeer,
    asyncMapPeer,
    pMapPeer,
    pMapIterablePeer,
    readableMapPeer,
    itParallelPeer,
    parallelTransformPeer,
    orderedWaitPeer,
    unorderedWaitPeer,
  ];
  const input = indexes(n);
  const cases = variants.flatMap((v) =>
    peers.map((peer) => ({
      key: `${peer.id}/${v.key}`,
      label: `${peer.label} (${v.key} latency)`,
      peer,
      work: latencyWork(v.latencies),
      input,
      capacity,
    })),
  );
  const samples = await measureInterleaved(cases, { rounds, log });
  const stats = (peer, v) => cases.find((c) => c.key === `${peer.id}/${v.key}`).work.stats;
  const maxInFlight = (peer, v) => stats(peer, v).maxInFlight;
  const overLimit = (peer) => variants.some((v) => maxInFlight(peer, v) > capacity);
  const efficiency = (peer, v) => v.ideal / summarize(samples.get(`${peer.id}/${v.key}`)).median;
  // A peer that ran more calls at once than it was allowed is not a fair "best".
  const others = peers.filter((p) => !p.ours && !overLimit(p));
  const best = (v, filter = () => true) => Math.max(...others.filter(filter).map((p) => efficiency(p, v)));
  const [f, r] = variants;
  const bestFixed = best(f);
  const rows = peers.map((peer) => {
    const bestRandom = best(r, (p) => p.ordering === peer.ordering);
    return {
      id: peer.id,
      peer: peer.label,
      ours: !!peer.ours,
      ordering: peer.ordering,
      fixedMedian: summarize(samples.get(`${peer.id}/fixed`)).median,
      fixedEfficiency: efficiency(peer, f),
      fixedVsBest: efficiency(peer, f) / bestFixed,
      randomMedian: summarize(samples.get(`${peer.id}/random`)).median,
      randomEfficiency: efficiency(peer, r),
      randomVsBest: efficiency(peer, r) / bestRandom,
      maxInFlight: `${maxInFlight(peer, f)} / ${maxInFlight(peer, r)}${overLimit(peer) ? ' (over the limit!)' : ''}`,
      maxHeld: stats(peer, r).maxHeld,
      samples: { fixed: samples.get(`${peer.id}/fixed`), random: samples.get(`${peer.id}/random`) },
    };
  });
  return {
    id: 'C',
    title: 'C. Latency-bound',
    params: {
      n,
      capacity,
      rounds,
      idealFixedMs: f.ideal,
      idealRandomMs: r.ideal,
      randomLatency: '1–9 ms, integer, mulberry32 seed 20250601, same sequence for every peer',
    },
    notes: [
      `Efficiency = ideal / measured median, ideal = Σ latency / capacity (${f.ideal} ms fixed, ${r.ideal.toFixed(1)} ms random). ` +
        "setTimeout's own lateness keeps everyone below 1.",
      'Random latency shows head-of-line blocking: an ordered operator must hold a finished result behind a slower earlier one. ' +
        'Ours count such a waiting result against capacity, as Flink does, so its slot stays taken until it is emitted ' +
        '(so do pMapIterable, parallel-transform and rxjs-async-map); pMap and the mergeMap-based idiom and concatMapEager count ' +
        "only calls in flight and set finished results aside without a bound, and Node's Readable.map keeps a window of 2 × C − 1. " +
        '"Most held at once" shows it: calls started whose result was not yet emitted (pMap emits its whole array at the end). ' +
        'The 5 ms column is the like-for-like comparison.',
      'rxjs concatMap is not in C: one call at a time would take N × 5 ms = 10 s per run.',
      '"÷ best peer": fixed latency against the best peer of any ordering; random latency against the best peer of the same ordering.',
      ...peers
        .filter(overLimit)
        .map(
          (p) =>
            `${p.label} ran more than ${capacity} calls at once (see "Most calls at once"): it does not keep its concurrency limit, ` +
            'so its efficiency is not comparable and it is left out of "best peer".',
        ),
    ],
    tables: [
      {
        columns: [
          ['Peer', 'peer', 'name'],
          ['Order', 'ordering', 'text'],
          ['5 ms: median ms', 'fixedMedian', 'ms'],
          ['5 ms: efficiency', 'fixedEfficiency', 'eff'],
          ['5 ms: ÷ best peer', 'fixedVsBest', 'ratio'],
          ['1–9 ms: median ms', 'randomMedian', 'ms'],
          ['1–9 ms: efficiency', 'randomEfficiency', 'eff'],
          ['1–9 ms: ÷ best peer', 'randomVsBest', 'ratio'],
          ['Most calls at once (5 ms / 1–9 ms)', 'maxInFlight', 'text'],
          ['Most held at once (1–9 ms)', 'maxHeld', 'int'],
        ],
        rows,
      },
    ],
    figures: { rows, bestFixed },
  };
}

/** D: scenario B at capacities 10, 1,000 and 100,000: does per-element cost depend on capacity? */
export async function scenarioD({ quick, log }) {
  const { D: n, rounds } = sizes(quick);
  const capacities = [10, 1_000, 100_000];
  const peers = [pMapPeer, mergeMapPeer, slidingWindowPeer, orderedWaitPeer, unorderedWaitPeer];
  const input = indexes(n);
  const cases = capacities.flatMap((capacity) =>
    peers.map((peer) => ({
      key: `${peer.id}/${capacity}`,
      label: `${peer.label} (capacity ${capacity})`,
      peer,
      work: promiseWork,
      input,
      capacity,
    })),
  );
  const samples = await measureInterleaved(cases, { rounds, log });
  const perElement = (peer, c) => (summarize(samples.get(`${peer.id}/${c}`)).median * 1e6) / n;
  const rows = peers.map((peer) => {
    const row = { id: peer.id, peer: peer.label, ours: !!peer.ours, ordering: peer.ordering };
    for (const c of capacities) {
      row[`ns${c}`] = perElement(peer, c);
      row[`vsPMap${c}`] = perElement(peer, c) / perElement(pMapPeer, c);
    }
    row.scaling = perElement(peer, capacities.at(-1)) / perElement(peer, capacities[0]);
    row.samples = Object.fromEntries(capacities.map((c) => [c, samples.get(`${peer.id}/${c}`)]));
    return row;
  });
  return {
    id: 'D',
    title: 'D. Scaling with capacity',
    params: { n, capacities, rounds, baseline: pMapPeer.label, inner: 'async x => x' },
    notes: [
      'Cost ratio = ns per element at capacity 100,000 ÷ ns per element at capacity 10, same peer.',
      'The bare sliding window is a floor, not a peer: 20 lines of then() calls with no queue at all. Its own cost ratio ' +
        'shows what capacity costs in V8 alone: with a synchronous source, capacity 100,000 keeps 100,000 Promises, ' +
        'reactions and closures alive at once, and young-generation GC copies them; at capacity 10 they die young.',
    ],
    tables: [
      {
        columns: [
          ['Peer', 'peer', 'name'],
          ['Order', 'ordering', 'text'],
          ...capacities.flatMap((c) => [
            [`cap ${c.toLocaleString('en-US')}: ns/el`, `ns${c}`, 'int'],
            [`× p-map`, `vsPMap${c}`, 'ratio'],
          ]),
          ['Cost ratio 100,000 / 10', 'scaling', 'ratio'],
        ],
        rows,
      },
    ],
    figures: { rows },
  };
}

/** F: scenario B with a 10 s timeout armed on every element, against none. */
export async function scenarioF({ quick, log }) {
  const { F: n, roundsF: rounds } = sizes(quick);
  const capacity = 100;
  const input = indexes(n);
  const pairs = ['ordered', 'unordered'].map((ordering) => ({
    without: ordering === 'ordered' ? orderedWaitPeer : unorderedWaitPeer,
    with: oursPeer(ordering, { timeout: 10_000 }),
  }));
  const cases = pairs
    .flatMap((p) => [p.without, p.with])
    .map((peer) => ({ key: peer.id, label: peer.label, peer, work: promiseWork, input, capacity }));
  const samples = await measureInterleaved(cases, { rounds, log });
  const rows = pairs.map((p) => {
    const without = summarize(samples.get(p.without.id));
    const withTimeout = summarize(samples.get(p.with.id));
    return {
      id: p.without.id,
      peer: p.without.label,
      ours: true,
      without: without.median,
      with: withTimeout.median,
      ratio: withTimeout.median / without.median,
      // The two runs of a round ran close together, under the same load: their ratio is less
      // noisy on a shared machine than a ratio of medians over the whole scenario.
      paired: median(withTimeout.samples.map((ms, i) => ms / without.samples[i])),
      samples: { without: without.samples, with: withTimeout.samples },
    };
  });
  return {
    id: 'F',
    title: 'F. Cost of a timeout on every element',
    params: { n, capacity, rounds, timeoutMs: 10_000, inner: 'async x => x' },
    notes: [
      'Positional form `orderedWait(fn, 10000, 100)` against `orderedWait(fn, undefined, 100)`; no element comes near the timeout.',
      'The target is judged on the median of the per-round ratios (each round runs both cases one after the other).',
    ],
    tables: [
      {
        columns: [
          ['Operator', 'peer', 'name'],
          ['No timeout: median ms', 'without', 'ms'],
          ['10 s timeout: median ms', 'with', 'ms'],
          ['With ÷ without (medians)', 'ratio', 'ratio'],
          ['With ÷ without (median of rounds)', 'paired', 'ratio'],
        ],
        rows,
      },
    ],
    figures: { rows },
  };
}
