// The issue 5 scenarios, run by bench/run.mjs (as G and H) or on their own:
//   node --expose-gc bench/issue5.mjs [--quick] [--only G|H]
// G: per-key order under scenario C's seeded random latency: keyed orderedWait against plain
//    orderedWait and unorderedWait, to show what per-key order gains over total order.
// H: the cost of an AsyncWaitMonitor: scenario A's synchronous inner and scenario B's resolved
//    Promise, each operator in the config form with a monitor against the same without one.
import { pathToFileURL } from 'node:url';
import { ours } from './deps.mjs';
import { measureInterleaved, median, summarize } from './harness.mjs';
import { scenarioMarkdown } from './report.mjs';
import { sizes } from './scenarios.mjs';
import { indexes, latencyWork, promiseWork, randomLatencies, syncWork } from './work.mjs';
import { rxjs } from './deps.mjs';

const { from } = rxjs;
const { orderedWait, unorderedWait, AsyncWaitMonitor } = ours;

/** Scenario C's random latency: same range, same seed, so G's plain rows are comparable with C's. */
const LATENCY = { min: 1, max: 9, seed: 20250601 };
const KEYS = 8;
const CAPACITY_G = 50;
const CAPACITY_H = 100;

/** Subscribes `operator` over the input, feeding `check` (if any) and the harness's sink. */
function runRx(operator, input, sink, check) {
  return new Promise((resolve, reject) => {
    from(input)
      .pipe(operator)
      .subscribe({
        next: (v) => {
          check?.next(v);
          sink.next(v);
        },
        error: reject,
        complete: () => {
          const fault = check?.fault();
          if (fault) reject(new Error(fault));
          else resolve();
        },
      });
  });
}

/** Checks per-key order: within a key (x % keys), values arrive in increasing order. */
function perKeyCheck(keys) {
  const last = new Float64Array(keys).fill(-1);
  let fault = null;
  return {
    next(x) {
      const k = x % keys;
      if (x <= last[k] && fault === null) fault = `key ${k}: ${x} after ${last[k]} (out of key order)`;
      last[k] = x;
    },
    fault: () => fault,
  };
}

/**
 * One of our operators in the config form, optionally keyed (x % keys) or with a fresh monitor
 * per run. Synchronous work is passed as `of(x)`, or as `[x]` with `form: 'array'`.
 */
function configPeer(name, { keys, monitor = false, form = 'rx', label }) {
  const operator = name === 'orderedWait' ? orderedWait : unorderedWait;
  const options = [`capacity: C`, keys ? `key: x => x % ${keys}` : '', monitor ? 'monitor' : '']
    .filter(Boolean)
    .join(', ');
  return {
    id: `${name}${form === 'array' ? '[]' : ''}${keys ? `/key${keys}` : ''}${monitor ? '/monitor' : ''}`,
    label,
    pkg: 'rxjs-async-io',
    // Keyed output is in order per key only: the harness checks count and uniqueness, we check the keys.
    ordering: name === 'orderedWait' && !keys ? 'ordered' : keys ? 'per key' : 'unordered',
    ours: true,
    config: `${name}(fn, { ${options} })`,
    run: (work, input, capacity, sink) => {
      const config = { capacity };
      if (keys) config.key = (x) => x % keys;
      if (monitor) config.monitor = new AsyncWaitMonitor();
      const fn = form === 'array' ? work.array : work.rx;
      return runRx(operator(fn, config), input, sink, keys ? perKeyCheck(keys) : null);
    },
  };
}

/** G: what per-key order gains over total order when latency varies. */
export async function scenarioKeyed({ quick, log }) {
  const { C: n, roundsC: rounds = sizes(quick).rounds } = sizes(quick);
  const latencies = randomLatencies(n, LATENCY.min, LATENCY.max, LATENCY.seed);
  const ideal = latencies.reduce((a, b) => a + b, 0) / CAPACITY_G;
  const peers = [
    configPeer('orderedWait', { label: 'orderedWait' }),
    configPeer('orderedWait', { keys: KEYS, label: `orderedWait, key (${KEYS} keys)` }),
    configPeer('unorderedWait', { keys: KEYS, label: `unorderedWait, key (${KEYS} keys)` }),
    configPeer('orderedWait', { keys: 64, label: 'orderedWait, key (64 keys)' }),
    configPeer('unorderedWait', { label: 'unorderedWait' }),
  ];
  const input = indexes(n);
  // Each case gets its own work object, so that its in-flight / held statistics are its own.
  const cases = peers.map((peer) => ({
    key: peer.id,
    label: peer.label,
    peer,
    work: latencyWork(latencies),
    input,
    capacity: CAPACITY_G,
  }));
  const samples = await measureInterleaved(cases, { rounds, log });
  const plain = summarize(samples.get('orderedWait')).median;
  const rows = cases.map(({ key, peer, work }) => {
    const s = summarize(samples.get(key));
    return {
      id: key,
      peer: peer.label,
      ours: true,
      ordering: peer.ordering,
      median: s.median,
      spread: [s.min, s.max],
      efficiency: ideal / s.median,
      speedup: plain / s.median,
      maxHeld: work.stats.maxHeld,
      samples: s.samples,
    };
  });
  const keyed = rows.find((r) => r.id === `orderedWait/key${KEYS}`);
  return {
    id: 'G',
    title: 'G. Per-key order under random latency (issue 5)',
    params: {
      n,
      capacity: CAPACITY_G,
      rounds,
      keys: `${KEYS} (x % ${KEYS}); 64 for comparison`,
      latency: `${LATENCY.min}–${LATENCY.max} ms, integer, mulberry32 seed ${LATENCY.seed} (scenario C's random case)`,
      idealMs: Number(ideal.toFixed(1)),
    },
    notes: [
      'Efficiency = ideal / measured median, ideal = Σ latency / capacity. "× orderedWait" = plain orderedWait\'s median ÷ this median (above 1: faster).',
      'Plain orderedWait holds every finished result behind the slowest earlier one (head-of-line blocking), and held results count ' +
        'against capacity, so fewer calls run. With `key`, a result waits only behind earlier values of its own key: ' +
        `with ${KEYS} keys it ran ${keyed.speedup.toFixed(2)}× as fast as plain orderedWait here, keeping source order within each key ` +
        '(checked on every run).',
      'With `key` both operators use the same per-key queue, so their rows differ only by noise.',
    ],
    tables: [
      {
        columns: [
          ['Operator', 'peer', 'name'],
          ['Order', 'ordering', 'text'],
          ['Median ms', 'median', 'ms'],
          ['min–max ms', 'spread', 'range'],
          ['Efficiency', 'efficiency', 'eff'],
          ['× orderedWait', 'speedup', 'ratio'],
          ['Most held at once', 'maxHeld', 'int'],
        ],
        rows,
      },
    ],
    figures: { rows, keyedSpeedup: keyed.speedup },
  };
}

/** H: the cost of leaving a monitor on, in scenario A's and B's per-element overhead setting. */
export async function scenarioMonitor({ quick, log }) {
  const sz = sizes(quick);
  // A few percent is within this shared machine's noise: many rounds, and paired ratios.
  const rounds = quick ? sz.rounds * 2 : 31;
  const settings = [
    { scenario: 'A', work: syncWork, n: sz.A, forms: { rx: 'of(x)', array: '[x]' } },
    { scenario: 'B', work: promiseWork, n: sz.B, forms: { rx: 'async x => x' } },
  ];
  const pairs = settings.flatMap((s) =>
    Object.entries(s.forms).flatMap(([form, inner]) =>
      ['orderedWait', 'unorderedWait'].map((name) => ({
        ...s,
        name,
        inner,
        without: configPeer(name, { form, label: `${name} (${s.scenario}, ${inner})` }),
        with: configPeer(name, { form, monitor: true, label: `${name} + monitor (${s.scenario}, ${inner})` }),
      })),
    ),
  );
  const rows = [];
  for (const s of settings) {
    const input = indexes(s.n);
    const mine = pairs.filter((p) => p.scenario === s.scenario);
    const cases = mine
      .flatMap((p) => [p.without, p.with])
      .map((peer) => ({ key: peer.id, label: peer.label, peer, work: s.work, input, capacity: CAPACITY_H }));
    log(`${s.scenario}-style: ${s.n.toLocaleString('en-US')} elements`);
    const samples = await measureInterleaved(cases, { rounds, log });
    for (const p of mine) {
      const without = summarize(samples.get(p.without.id));
      const withMonitor = summarize(samples.get(p.with.id));
      // Both runs of a round ran close together, under the same load: their ratio is less noisy
      // than a ratio of medians taken over the whole scenario.
      const paired = median(withMonitor.samples.map((ms, i) => ms / without.samples[i]));
      rows.push({
        id: `${p.scenario}/${p.without.id}`,
        peer: p.name,
        ours: true,
        setting: `${p.scenario}: ${s.n.toLocaleString('en-US')} × \`${p.inner}\``,
        without: without.median,
        with: withMonitor.median,
        ratio: withMonitor.median / without.median,
        paired,
        samples: { without: without.samples, with: withMonitor.samples },
      });
    }
  }
  return {
    id: 'H',
    title: 'H. Cost of a monitor (issue 5)',
    params: { capacity: CAPACITY_H, rounds, nA: sz.A, nB: sz.B },
    notes: [
      'Config form `{ capacity: 100 }` against `{ capacity: 100, monitor }`, a new AsyncWaitMonitor per run; nothing reads it during the run. ' +
        'Counters are always on; a monitor adds call latency, which reads the clock at most once per 16 events of a burst ' +
        '(synchronous calls are only counted).',
      'Target (issue 5): under 5 % (ratio ≤ 1.05), judged on the median of the per-round ratios: each round runs both cases ' +
        'one after the other, so their ratio is less affected by the load of the shared machine than a ratio of medians.',
    ],
    tables: [
      {
        columns: [
          ['Operator', 'peer', 'name'],
          ['Setting', 'setting', 'text'],
          ['No monitor: median ms', 'without', 'ms'],
          ['Monitor: median ms', 'with', 'ms'],
          ['With ÷ without (medians)', 'ratio', 'ratio'],
          ['With ÷ without (median of rounds)', 'paired', 'ratio'],
        ],
        rows,
      },
    ],
    figures: { rows },
  };
}

export const ISSUE5_SCENARIOS = { G: scenarioKeyed, H: scenarioMonitor };

async function main() {
  if (typeof globalThis.gc !== 'function') {
    console.error('bench/issue5.mjs needs a forced GC: run it as `node --expose-gc bench/issue5.mjs`.');
    process.exit(2);
  }
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt === -1 ? Object.keys(ISSUE5_SCENARIOS) : argv[onlyAt + 1].toUpperCase().split(',');
  for (const id of only) {
    const log = (msg) => console.error(`${id}: ${msg}`);
    const result = await ISSUE5_SCENARIOS[id]({ quick, log });
    console.log(`\n${scenarioMarkdown(result, '###')}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`\nBENCHMARK FAILED: ${error?.stack ?? error}`);
    process.exit(1);
  });
}
