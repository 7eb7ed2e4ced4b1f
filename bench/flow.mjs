// The issue 13 scenarios (flow control), run by bench/run.mjs (as C2 and ADAPT) or on their own:
//   node --expose-gc bench/flow.mjs [--quick] [--only C2|ADAPT]
// C2: scenario C's random 1–9 ms latency with maxInFlight 50 and capacity 200: what separating
//     calls in flight from elements held gains an ordered operator (real time, setTimeout).
// ADAPT: adaptive maxInFlight against a simulated service in virtual time (deterministic, and the
//     same on any machine): c servers, a FIFO queue (latency grows with queueing), 503 above 2c;
//     c steps 20 -> 5 -> 40. Adaptive AIMD and gradient against fixed limits, per phase.
import { pathToFileURL } from 'node:url';
import { ours, rxjs } from './deps.mjs';
import { measureInterleaved, summarize } from './harness.mjs';
import { readableMapPeer } from './peers.mjs';
import { scenarioMarkdown } from './report.mjs';
import { sizes } from './scenarios.mjs';
import { indexes, latencyWork, randomLatencies, seededRandom } from './work.mjs';

const { from, Observable, Subscription } = rxjs;
const { orderedWait, unorderedWait, adaptiveLimit, AsyncWaitMonitor } = ours;

// --- C2 ---------------------------------------------------------------------------------------

const C2 = { maxInFlight: 50, capacity: 200, min: 1, max: 9, seed: 20250601 };

function runRx(operator, input, sink) {
  return new Promise((resolve, reject) => {
    from(input)
      .pipe(operator)
      .subscribe({ next: (v) => sink.next(v), error: reject, complete: resolve });
  });
}

/** One of our operators with a fixed config; `capacity` from the harness is ignored (the config says it). */
function configured(name, config, label) {
  const operator = name === 'orderedWait' ? orderedWait : unorderedWait;
  const shown = Object.entries(config)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return {
    id: `${name}/${shown}`,
    label,
    pkg: 'rxjs-async-io',
    ordering: name === 'orderedWait' ? 'ordered' : 'unordered',
    ours: true,
    config: `${name}(fn, { ${shown} })`,
    run: (work, input, _capacity, sink) => runRx(operator(work.rx, config), input, sink),
  };
}

export async function scenarioC2({ quick, log }) {
  const { C: n, roundsC: rounds } = sizes(quick);
  const { maxInFlight, capacity } = C2;
  const latencies = randomLatencies(n, C2.min, C2.max, C2.seed);
  const ideal = latencies.reduce((a, b) => a + b, 0) / maxInFlight;
  const peers = [
    configured('orderedWait', { capacity: maxInFlight }, `orderedWait (capacity ${maxInFlight})`),
    configured(
      'orderedWait',
      { maxInFlight, capacity },
      `orderedWait (maxInFlight ${maxInFlight}, capacity ${capacity})`,
    ),
    configured(
      'unorderedWait',
      { maxInFlight, capacity },
      `unorderedWait (maxInFlight ${maxInFlight}, capacity ${capacity})`,
    ),
    { ...readableMapPeer, label: `Node Readable.map (concurrency ${maxInFlight})` },
  ];
  const input = indexes(n);
  const cases = peers.map((peer) => ({
    key: peer.id,
    label: peer.label,
    peer,
    work: latencyWork(latencies),
    input,
    capacity: maxInFlight,
  }));
  const samples = await measureInterleaved(cases, { rounds, log });
  const rows = cases.map(({ key, peer, work }) => {
    const s = summarize(samples.get(key));
    return {
      id: key,
      peer: peer.label,
      ours: !!peer.ours,
      ordering: peer.ordering,
      median: s.median,
      efficiency: ideal / s.median,
      maxInFlight: work.stats.maxInFlight,
      maxHeld: work.stats.maxHeld,
      samples: s.samples,
    };
  });
  const target = rows[1];
  return {
    id: 'C2',
    title: 'C2. Calls in flight apart from capacity (random 1–9 ms)',
    params: {
      n,
      maxInFlight,
      capacity,
      rounds,
      idealMs: Number(ideal.toFixed(1)),
      randomLatency: `${C2.min}–${C2.max} ms, integer, mulberry32 seed ${C2.seed} (scenario C's)`,
    },
    notes: [
      `Efficiency = ideal / measured median, ideal = Σ latency / maxInFlight (${ideal.toFixed(1)} ms).`,
      'With capacity 50 an ordered operator holds finished results behind a slow head in the same 50 slots as its calls, ' +
        'so fewer calls run; with maxInFlight 50 and capacity 200, 50 calls keep running while up to 150 finished ' +
        'results wait for their turn ("Most held at once").',
      'Readable.map is the reference of the issue: concurrency 50, a window of 2 × 50 − 1 held.',
      `Target (issue 13): orderedWait with maxInFlight ${maxInFlight} and capacity ${capacity} at efficiency ≥ 0.85; ` +
        `measured ${target.efficiency.toFixed(3)}.`,
    ],
    tables: [
      {
        columns: [
          ['Operator', 'peer', 'name'],
          ['Order', 'ordering', 'text'],
          ['Median ms', 'median', 'ms'],
          ['Efficiency', 'efficiency', 'eff'],
          ['Most calls at once', 'maxInFlight', 'int'],
          ['Most held at once', 'maxHeld', 'int'],
        ],
        rows,
      },
    ],
    figures: { rows, target: target.efficiency },
  };
}

// --- ADAPT: a virtual clock, a simulated service, the runs ------------------------------------

/**
 * A virtual-time scheduler with a binary heap (rxjs's VirtualTimeScheduler sorts its whole queue
 * on every schedule, which a run of millions of calls cannot afford). Actions run in (time,
 * scheduling order), as rxjs's do; an action may reschedule itself (`this.schedule(state, delay)`).
 */
class HeapScheduler {
  time = 0;
  heap = [];
  order = 0;

  now() {
    return this.time;
  }

  schedule(work, delay = 0, state) {
    return new HeapAction(this, work).schedule(state, delay);
  }

  enqueue(action, delay) {
    const item = { at: this.time + delay, order: this.order++, action, token: ++action.token };
    const { heap } = this;
    heap.push(item);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  pop() {
    const { heap } = this;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }

  /** Runs every action due up to `until` (ms), then sets the clock to it. */
  runUntil(until) {
    while (this.heap.length > 0 && this.heap[0].at <= until) {
      const { at, action, token } = this.pop();
      if (action.closed || token !== action.token) continue;
      this.time = at;
      action.pending = false;
      action.work.call(action, action.state);
    }
    this.time = until;
  }
}

const before = (a, b) => a.at < b.at || (a.at === b.at && a.order < b.order);

class HeapAction extends Subscription {
  token = 0;
  pending = false;
  state = undefined;

  constructor(scheduler, work) {
    super();
    this.scheduler = scheduler;
    this.work = work;
  }

  schedule(state, delay = 0) {
    if (this.closed) return this;
    this.state = state;
    this.pending = true;
    this.scheduler.enqueue(this, delay);
    return this;
  }
}

/** The service's error when it sheds load. */
class Unavailable extends Error {
  status = 503;
}

/**
 * A service with `c(t)` servers and a FIFO queue, simulated exactly: a request's start and end are
 * known when it arrives (first come, first served; a server that is switched off at a phase change
 * finishes its request and takes no more). Service times are seeded, uniform from 8 to 12 ms.
 * A request arriving while 2c or more are in the system (served or queued) is refused with a 503
 * after `rejectMs`. A request whose caller gave up (timeout) is still served: the server cannot tell.
 */
class SimulatedService {
  constructor(scheduler, phases, { seed = 13, serviceMs = [8, 12], rejectMs = 2 } = {}) {
    this.scheduler = scheduler;
    this.phases = phases;
    this.random = seededRandom(seed);
    this.serviceMs = serviceMs;
    this.rejectMs = rejectMs;
    this.maxServers = Math.max(...phases.map((p) => p.c));
    this.free = new Array(this.maxServers).fill(0);
    this.lastStart = 0;
    this.ends = []; // a min-heap of the end times of accepted requests
  }

  servers(t) {
    let end = 0;
    for (const phase of this.phases) {
      end += phase.ms;
      if (t < end) return phase.c;
    }
    return this.phases.at(-1).c;
  }

  /** The first time >= t at which server j is switched on (Infinity: never again). */
  onFrom(j, t) {
    let start = 0;
    for (const phase of this.phases) {
      const end = start + phase.ms;
      if (t < end && j < phase.c) return Math.max(t, start);
      start = end;
    }
    return j < this.phases.at(-1).c ? Math.max(t, start) : Infinity;
  }

  inSystem(t) {
    const { ends } = this;
    while (ends.length > 0 && ends[0] <= t) heapPop(ends);
    return ends.length;
  }

  /** The call of element x: an Observable of x after the simulated latency, or a 503. */
  call(x) {
    const { scheduler } = this;
    const t = scheduler.now();
    let done;
    let fails = false;
    if (this.inSystem(t) >= 2 * this.servers(t)) {
      done = t + this.rejectMs;
      fails = true;
    } else {
      const [low, high] = this.serviceMs;
      const service = low + Math.floor(this.random() * (high - low + 1));
      const ready = Math.max(t, this.lastStart);
      let best = Infinity;
      let server = -1;
      for (let j = 0; j < this.maxServers; j++) {
        const start = this.onFrom(j, Math.max(ready, this.free[j]));
        if (start < best) {
          best = start;
          server = j;
        }
      }
      this.lastStart = best;
      done = best + service;
      this.free[server] = done;
      heapPush(this.ends, done);
    }
    return new Observable((subscriber) => {
      const action = scheduler.schedule(() => {
        if (fails) subscriber.error(new Unavailable('503'));
        else {
          subscriber.next(x);
          subscriber.complete();
        }
      }, done - t);
      return () => action.unsubscribe();
    });
  }
}

function heapPush(heap, value) {
  heap.push(value);
  for (let i = heap.length - 1; i > 0;) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= heap[i]) break;
    [heap[i], heap[parent]] = [heap[parent], heap[i]];
    i = parent;
  }
}

function heapPop(heap) {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0) {
    heap[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l] < heap[m]) m = l;
      if (r < heap.length && heap[r] < heap[m]) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
  return top;
}

/** Per-phase tallies: calls ended, successes, errors, success latencies, the limit over time. */
class PhaseStats {
  constructor(phase) {
    this.phase = phase;
    this.calls = 0;
    this.ok = 0;
    this.errors = 0;
    this.latencies = [];
    this.limitSum = 0;
    this.limitSamples = 0;
  }
}

/**
 * One run of unorderedWait against a fresh simulated service through all phases, with
 * `maxInFlight` (a number or an adaptiveLimit). Every call is timed from its start to its end.
 */
export function simulate(phases, maxInFlight, { capacity = 1000, timeout = 1000 } = {}) {
  const scheduler = new HeapScheduler();
  const service = new SimulatedService(scheduler, phases);
  const total = phases.reduce((a, p) => a + p.ms, 0);
  const stats = phases.map((p) => new PhaseStats(p));
  const phaseAt = (t) => {
    let end = 0;
    for (let i = 0; i < phases.length; i++) {
      end += phases[i].ms;
      if (t < end) return stats[i];
    }
    return stats.at(-1);
  };
  const monitor = new AsyncWaitMonitor();
  const fn = (x) => {
    const started = scheduler.now();
    let ended = false;
    const end = (ok) => {
      ended = true;
      const now = scheduler.now();
      if (now >= total) return;
      const s = phaseAt(now);
      s.calls++;
      if (ok) {
        s.ok++;
        s.latencies.push(now - started);
      } else s.errors++;
    };
    return new Observable((subscriber) => {
      const call = service.call(x).subscribe({
        next: (v) => subscriber.next(v),
        error: (e) => {
          end(false);
          subscriber.error(e);
        },
        complete: () => {
          end(true);
          subscriber.complete();
        },
      });
      return () => {
        call.unsubscribe();
        // Cut off before it ended: a timeout (the run's own end is not counted).
        if (!ended) end(false);
      };
    });
  };
  // An endless supply of work: topped up every ms, so that the source never runs dry.
  const source = new Observable((subscriber) => {
    let next = 0;
    const feed = () => {
      for (let n = 1000 - monitor.figures.buffered; n > 0 && !subscriber.closed; n--) subscriber.next(next++);
    };
    feed();
    const refill = scheduler.schedule(function () {
      feed();
      this.schedule(undefined, 1);
    }, 1);
    return () => refill.unsubscribe();
  });
  const operator = unorderedWait(fn, {
    capacity,
    maxInFlight,
    timeout,
    scheduler,
    monitor,
    onTimeout: () => [],
    onError: () => [],
  });
  const subscription = source.pipe(operator).subscribe();
  const sampler = scheduler.schedule(function () {
    const s = phaseAt(scheduler.now());
    s.limitSum += monitor.figures.limit;
    s.limitSamples++;
    this.schedule(undefined, 10);
  }, 0);
  scheduler.runUntil(total);
  subscription.unsubscribe();
  sampler.unsubscribe();
  return stats.map((s) => {
    const sorted = Float64Array.from(s.latencies).sort();
    return {
      c: s.phase.c,
      goodput: (s.ok / s.phase.ms) * 1000,
      p99: sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)],
      errorRate: s.calls === 0 ? 0 : s.errors / s.calls,
      calls: s.calls,
      meanLimit: s.limitSum / Math.max(1, s.limitSamples),
    };
  });
}

const PHASES = (quick) => {
  const ms = quick ? 4_000 : 10_000;
  return [
    { c: 20, ms },
    { c: 5, ms },
    { c: 40, ms },
  ];
};
const FIXED_SHOWN = [10, 50, 200];
const FIXED_SWEEP = [5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 200];

export const ADAPTIVE_VARIANTS = {
  aimd: () =>
    adaptiveLimit({ algorithm: 'aimd', initial: 20, max: 1000, latency: 15, isDrop: (e) => e.status === 503 }),
  gradient: () => adaptiveLimit({ algorithm: 'gradient', initial: 20, max: 1000, isDrop: (e) => e.status === 503 }),
};

export function scenarioAdapt({ quick, log }) {
  const phases = PHASES(quick);
  const started = performance.now();
  // The unloaded latency: one call at a time, so nothing ever queues.
  const unloaded = simulate([{ c: 20, ms: quick ? 2_000 : 5_000 }], 1)[0].p99;
  const runs = new Map();
  for (const [name, make] of Object.entries(ADAPTIVE_VARIANTS)) {
    runs.set(`adaptive ${name}`, simulate(phases, make()));
    log(`adaptive ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  for (const limit of FIXED_SWEEP) {
    runs.set(`fixed ${limit}`, simulate(phases, limit));
    log(`fixed ${limit}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  // The best fixed limit of each phase, chosen in hindsight from the sweep: highest goodput.
  const best = phases.map((_, i) => {
    let top = null;
    for (const limit of FIXED_SWEEP) {
      const phase = runs.get(`fixed ${limit}`)[i];
      if (top === null || phase.goodput > top.phase.goodput) top = { limit, phase };
    }
    return top;
  });
  const row = (label, perPhase, ours) => {
    const r = { peer: label, ours };
    perPhase.forEach((p, i) => {
      r[`goodput${i}`] = p.goodput;
      r[`p99_${i}`] = p.p99;
      r[`errors${i}`] = `${(p.errorRate * 100).toFixed(2)} %`;
      r[`limit${i}`] = p.meanLimit;
    });
    return r;
  };
  const rows = [
    ...Object.keys(ADAPTIVE_VARIANTS).map((name) => row(`adaptive ${name}`, runs.get(`adaptive ${name}`), true)),
    ...FIXED_SHOWN.map((limit) => row(`fixed ${limit}`, runs.get(`fixed ${limit}`), false)),
    row(
      `best fixed per phase (${best.map((b) => b.limit).join(' / ')})`,
      best.map((b) => b.phase),
      false,
    ),
  ];
  const verdicts = Object.keys(ADAPTIVE_VARIANTS).map((name) => {
    const perPhase = runs.get(`adaptive ${name}`);
    return {
      name,
      phases: perPhase.map((p, i) => ({
        c: p.c,
        goodputRatio: p.goodput / best[i].phase.goodput,
        p99Ratio: p.p99 / unloaded,
        errorRate: p.errorRate,
      })),
    };
  });
  const verdictRows = verdicts.flatMap(({ name, phases: ps }) =>
    ps.map((p) => ({
      peer: `adaptive ${name}`,
      ours: true,
      phase: `c = ${p.c}`,
      goodputRatio: p.goodputRatio,
      p99Ratio: p.p99Ratio,
      errors: `${(p.errorRate * 100).toFixed(2)} %`,
      met: p.goodputRatio >= 0.9 && p.p99Ratio <= 2 && p.errorRate < 0.01 ? 'met' : '**not met**',
    })),
  );
  const columns = [['Limit', 'peer', 'name']];
  phases.forEach((p, i) => {
    columns.push([`c=${p.c}: goodput /s`, `goodput${i}`, 'int']);
    columns.push([`c=${p.c}: p99 ms`, `p99_${i}`, 'int']);
    columns.push([`c=${p.c}: errors`, `errors${i}`, 'text']);
    columns.push([`c=${p.c}: mean limit`, `limit${i}`, 'int']);
  });
  return {
    id: 'ADAPT',
    title: 'ADAPT. Adaptive maxInFlight against a simulated service (virtual time)',
    params: {
      phases: phases.map((p) => `c = ${p.c} for ${p.ms / 1000} s`).join(', then '),
      serviceMs: '8–12 (seeded, uniform)',
      unloadedP99Ms: unloaded,
      capacity: 1000,
      timeoutMs: 1000,
    },
    notes: [
      'The service: c servers and a FIFO queue, so latency grows with the queue (n calls in the system take about n / c × 10 ms); ' +
        'a call arriving while 2c or more are in the system gets a 503 after 2 ms. Simulated exactly in virtual time: ' +
        'the figures are the same on any machine and every run.',
      'unorderedWait over an endless source, every failed call replaced by `onError` (errors = 503s and timeouts / calls ended in the phase). ' +
        'Goodput: successful calls per second of the phase; p99: of successful calls ending in the phase.',
      "AIMD: `adaptiveLimit({ algorithm: 'aimd', initial: 20, max: 1000, latency: 15, isDrop: (e) => e.status === 503 })` " +
        '(a call slower than 15 ms, 1.5 × the unloaded mean, is a drop). ' +
        "Gradient: `adaptiveLimit({ algorithm: 'gradient', initial: 20, max: 1000, isDrop: (e) => e.status === 503 })` (defaults otherwise).",
      `Best fixed per phase: the highest goodput in that phase among fixed maxInFlight ${FIXED_SWEEP.join(', ')} (each a run through all phases).`,
      `Targets (issue 13), per phase: goodput ≥ 90 % of the best fixed, p99 ≤ 2 × the unloaded p99 (${unloaded} ms), errors < 1 %.`,
    ],
    tables: [
      { title: 'Per phase', columns, rows },
      {
        title: 'Targets per phase',
        columns: [
          ['Limit', 'peer', 'name'],
          ['Phase', 'phase', 'text'],
          ['Goodput ÷ best fixed', 'goodputRatio', 'ratio'],
          ['p99 ÷ unloaded p99', 'p99Ratio', 'ratio'],
          ['Errors', 'errors', 'text'],
          ['All three', 'met', 'text'],
        ],
        rows: verdictRows,
      },
    ],
    figures: { verdicts, unloaded, best: best.map((b) => b.limit) },
  };
}

export const FLOW_SCENARIOS = { C2: scenarioC2, ADAPT: scenarioAdapt };

async function main() {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt === -1 ? Object.keys(FLOW_SCENARIOS) : argv[onlyAt + 1].toUpperCase().split(',');
  if (only.includes('C2') && typeof globalThis.gc !== 'function') {
    console.error('bench/flow.mjs needs a forced GC for C2: run it as `node --expose-gc bench/flow.mjs`.');
    process.exit(2);
  }
  for (const id of only) {
    const log = (msg) => console.error(`${id}: ${msg}`);
    const result = await FLOW_SCENARIOS[id]({ quick, log });
    console.log(`\n${scenarioMarkdown(result, '###')}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`\nBENCHMARK FAILED: ${error?.stack ?? error}`);
    process.exit(1);
  });
}
