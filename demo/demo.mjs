// The demo behind `npm run demo`: enrich a stream of ids through a real, flaky HTTP server, first
// with orderedWait and unorderedWait (fetch + ctx.signal, a timeout and an onTimeout fallback),
// then with the hand-rolled idioms (concatMap, mergeMap + rxjs timeout) for comparison.
// It checks what it shows and exits non-zero if the operators broke a promise.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

// Load rxjs the way the built package does (CommonJS), so that both share one copy of rxjs.
const require = createRequire(import.meta.url);
const { from, of, defer, map, concatMap, mergeMap, timeout, toArray, lastValueFrom } = require('rxjs');
const { orderedWait, unorderedWait, AsyncWaitMonitor } = require('../dist/cjs/index.js');

const SEED = Number(process.env.DEMO_SEED ?? 7);
const IDS = Array.from({ length: 40 }, (_, i) => 100 + i);
const TIMEOUT = 300; // ms per element
const CAPACITY = 8;

// A watchdog, unref'd so that it never keeps the process alive by itself.
setTimeout(() => {
  console.error('demo: still running after 30 s; giving up');
  process.exit(1);
}, 30_000).unref();

// --- the server -----------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so that every run sees the same server. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What the server does for an id, the same in every run and whatever the request order: mostly
 * answer in 20-200 ms, sometimes in 400-700 ms (well past the timeout), sometimes never. The gaps
 * around the timeout keep a loaded machine from changing which requests time out.
 */
function planFor(id) {
  const random = prng(SEED * 7919 + id);
  const r = random();
  if (r < 0.12) return { kind: 'hang', ms: Infinity };
  if (r < 0.22) return { kind: 'slow', ms: Math.round(400 + random() * 300) };
  return { kind: 'fast', ms: Math.round(20 + random() * 180) };
}

const plans = new Map(IDS.map((id) => [id, planFor(id)]));
/** Per run tag: what the server saw. */
const stats = new Map();

function statsFor(run) {
  let s = stats.get(run);
  if (s === undefined) stats.set(run, (s = { requests: 0, answered: 0, aborted: 0 }));
  return s;
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const id = Number(url.pathname.split('/').pop());
  const s = statsFor(url.searchParams.get('run'));
  s.requests++;
  const plan = plans.get(id);
  let timer;
  if (plan.ms !== Infinity) {
    timer = setTimeout(() => {
      s.answered++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id, name: `user-${id}`, ms: plan.ms }));
    }, plan.ms);
  }
  // 'close' before the answer was written: the client gave up on the request.
  res.on('close', () => {
    if (!res.writableEnded) {
      s.aborted++;
      clearTimeout(timer);
    }
  });
});

await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// --- the runs -----------------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One line of a monitor's figures, with fixed widths so that a live line does not jitter. */
function figuresLine(f) {
  const n = (value, width = 2) => String(value).padStart(width);
  const ms = (value) => n(Math.round(value), 3);
  const { latency } = f;
  return (
    `${f.status.padEnd(9)}  in flight ${n(f.inFlight)}  held ${n(f.held)}  buffered ${n(f.buffered)}  ` +
    `started ${n(f.started)}  emitted ${n(f.emitted)}  timed out ${n(f.timedOut)}  fallbacks ${n(f.fallbacks)}  ` +
    `latency n ${n(latency.count)} mean ${ms(latency.mean)} p50 ${ms(latency.p50)} p99 ${ms(latency.p99)} max ${ms(latency.max)} ms`
  );
}

/**
 * Shows a monitor's figures while a run goes on (AsyncWaitMonitor.sample): one line rewritten in
 * place on a terminal, a line every 500 ms otherwise. `stop` ends the sampling, so that no timer
 * keeps Node alive, and prints the final figures.
 */
function showLive(name, monitor, started) {
  const tty = process.stdout.isTTY === true;
  const line = (f) =>
    `${name.padEnd(13)} ${((performance.now() - started) / 1000).toFixed(1).padStart(4)} s  ${figuresLine(f)}`;
  const print = (text, final) => {
    if (tty) process.stdout.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
    else console.log(text);
  };
  const sampling = monitor.sample(tty ? 100 : 500).subscribe((f) => print(line(f), false));
  return {
    stop() {
      sampling.unsubscribe();
      print(line(monitor.figures), true);
    },
  };
}

/** Runs `pipeline` over the ids; returns its results in arrival order and the server's view. */
async function run(name, pipeline, { aborts, monitor }) {
  const started = performance.now();
  const live = monitor ? showLive(name, monitor, started) : null;
  let arrivals;
  try {
    arrivals = await lastValueFrom(from(IDS).pipe(pipeline(name, started, monitor), toArray()));
  } finally {
    live?.stop();
  }
  const ms = performance.now() - started;
  // An abort reaches the server over the socket, a moment later. Where every request is
  // expected to end (answered or aborted), wait up to a second for the last ones.
  const s = statsFor(name);
  for (let waited = 0; waited < (aborts ? 1000 : 100); waited += 20) {
    if (aborts && s.requests === s.answered + s.aborted) break;
    await sleep(20);
  }
  return { name, ms, arrivals, server: { ...statsFor(name) }, figures: monitor?.figures };
}

/** Stamps each result with its arrival time, as the pipeline emits it. */
const stamp = (started) => map((result) => ({ ...result, at: Math.round(performance.now() - started) }));

/** The call the operators make: fetch with the element's signal, aborted on timeout. */
function lookup(run) {
  return (id, _index, { signal }) =>
    fetch(`${base}/user/${id}?run=${run}`, { signal }).then((response) => response.json());
}

const asyncIo = (operator) => (name, started, monitor) => (source) =>
  source.pipe(
    operator(lookup(name), {
      timeout: TIMEOUT,
      capacity: CAPACITY,
      onTimeout: (id) => of({ id, timedOut: true }),
      monitor,
    }),
    stamp(started),
  );

/** The hand-rolled idiom: rxjs timeout per call. It abandons the fetch instead of aborting it. */
const handRolled = (flatten) => (name, started) => (source) =>
  source.pipe(
    flatten((id) =>
      defer(() => fetch(`${base}/user/${id}?run=${name}`).then((response) => response.json())).pipe(
        timeout({ first: TIMEOUT, with: () => of({ id, timedOut: true }) }),
      ),
    ),
    stamp(started),
  );

const contenders = [
  { name: 'orderedWait', pipeline: asyncIo(orderedWait), aborts: true, monitored: true },
  { name: 'unorderedWait', pipeline: asyncIo(unorderedWait), aborts: true, monitored: true },
  { name: 'concatMap', pipeline: handRolled((project) => concatMap(project)), aborts: false },
  { name: 'mergeMap', pipeline: handRolled((project) => mergeMap(project, CAPACITY)), aborts: false },
];

console.log(
  `rxjs-async-io demo: ${IDS.length} ids, timeout ${TIMEOUT} ms, capacity ${CAPACITY}, seed ${SEED}, server ${base}`,
);

// Warm-up, not measured: the first requests of a process pay for starting fetch, compiling the
// code paths and opening connections. Without it the first measured run (orderedWait) got its
// first result 30-50 ms late and its ratio to concatMap dropped from 4.1x to 3.9-4.0x. Each
// contender runs once over the first CAPACITY quick ids, so that every measured run starts warm
// and the ratios below compare the operators, not their order in this file.
const WARM_UP_IDS = IDS.filter((id) => plans.get(id).kind === 'fast').slice(0, CAPACITY);
for (const { name, pipeline } of contenders) {
  const started = performance.now();
  await lastValueFrom(from(WARM_UP_IDS).pipe(pipeline(`warm-up-${name}`, started, undefined), toArray()));
}
console.log(`Warmed up: each run once over ${WARM_UP_IDS.length} quick ids, not measured.`);

console.log('');
console.log('Live figures of each run (AsyncWaitMonitor.sample; latency in ms):');
const runs = [];
for (const { name, pipeline, aborts, monitored } of contenders) {
  if (name === 'concatMap') console.log('');
  runs.push(await run(name, pipeline, { aborts, monitor: monitored ? new AsyncWaitMonitor() : undefined }));
}

// --- the report ---------------------------------------------------------------------------------

const problems = [];
const [ordered, unordered] = runs;
const pad = (value, width) => String(value).padStart(width);
const padEnd = (value, width) => String(value).padEnd(width);

console.log('What arrived, per id (#: position in the output, at: ms after subscribing):');
const head = (a, b) => `${padEnd(a, 17)} | ${padEnd(b, 19)} | ${b}`;
console.log(head(' id  server plan', 'orderedWait').replace(/ orderedWait$/, ' unorderedWait'));
console.log(head('', `${pad('#', 3)} ${pad('at', 5)}  result`));
const position = (r) => new Map(r.arrivals.map((result, i) => [result.id, { i: i + 1, result }]));
const orderedAt = position(ordered);
const unorderedAt = position(unordered);
for (const id of IDS) {
  const plan = plans.get(id);
  const planText = plan.kind === 'hang' ? 'hang' : `${plan.kind} ${plan.ms} ms`;
  const cell = (entry) =>
    entry === undefined
      ? padEnd('  (missing)', 19)
      : `${pad(entry.i, 3)} ${pad(entry.result.at, 5)}  ${padEnd(entry.result.timedOut ? 'timeout' : 'ok', 8)}`;
  console.log(
    `${pad(id, 3)}  ${padEnd(planText, 12)} | ${cell(orderedAt.get(id))} | ${cell(unorderedAt.get(id)).trimEnd()}`,
  );
}
console.log('');
console.log(`orderedWait   output order: ${ordered.arrivals.map((r) => r.id).join(' ')}`);
console.log(`unorderedWait output order: ${unordered.arrivals.map((r) => r.id).join(' ')}`);
for (const r of [ordered, unordered]) {
  const late = r.arrivals.filter((result) => result.timedOut).map((result) => result.id);
  console.log(`${padEnd(r.name, 13)} timed out (onTimeout fallback): ${late.join(' ') || 'none'}`);
}

// Checks: what the operators promise, on this very run.
const ids = (r) => r.arrivals.map((result) => result.id);
if (ids(ordered).join() !== IDS.join()) problems.push('orderedWait: output not in source order');
if ([...ids(unordered)].sort((a, b) => a - b).join() !== IDS.join()) {
  problems.push('unorderedWait: output is not every id exactly once');
}
for (const r of [ordered, unordered]) {
  const timedOut = r.arrivals.filter((result) => result.timedOut).length;
  for (const id of IDS) {
    const result = r.arrivals.find((x) => x.id === id);
    if (plans.get(id).kind !== 'fast' && result !== undefined && !result.timedOut) {
      problems.push(`${r.name}: id ${id} should have timed out (${plans.get(id).kind})`);
    }
  }
  if (r.server.aborted !== timedOut) {
    problems.push(`${r.name}: ${timedOut} elements timed out but the server saw ${r.server.aborted} aborted requests`);
  }
  if (r.server.requests !== IDS.length) problems.push(`${r.name}: the server saw ${r.server.requests} requests`);
  // The monitor's final figures must agree with what the run saw.
  const f = r.figures;
  const expected = { status: 'completed', inFlight: 0, held: 0, buffered: 0, started: IDS.length, emitted: IDS.length };
  for (const [name, value] of Object.entries(expected)) {
    if (f[name] !== value) problems.push(`${r.name}: monitor ${name} is ${f[name]}, expected ${value}`);
  }
  if (f.timedOut !== timedOut || f.fallbacks !== timedOut) {
    problems.push(
      `${r.name}: monitor counted ${f.timedOut} timeouts and ${f.fallbacks} fallbacks; ${timedOut} elements timed out`,
    );
  }
  // Every call ends once (answered or timed out); a timed-out call is measured up to its timeout.
  if (f.latency.count !== IDS.length || (timedOut > 0 && !(f.latency.max >= TIMEOUT * 0.9))) {
    problems.push(
      `${r.name}: monitor latency ${JSON.stringify(f.latency)} (expected ${IDS.length} calls, max about ${TIMEOUT} ms)`,
    );
  }
}

console.log('');
console.log('Throughput, and what the server saw (open: neither answered nor aborted when the run ended):');
console.log(' run            time ms  ids/s  in order  timed out | requests  answered  aborted  open');
for (const r of runs) {
  const inOrder = ids(r).join() === IDS.join() ? 'yes' : 'no';
  const timedOut = r.arrivals.filter((result) => result.timedOut).length;
  const { requests, answered, aborted } = r.server;
  const open = requests - answered - aborted;
  console.log(
    ` ${padEnd(r.name, 14)} ${pad(Math.round(r.ms), 7)} ${pad((IDS.length / (r.ms / 1000)).toFixed(1), 6)}  ${padEnd(inOrder, 8)}  ${pad(timedOut, 9)} | ${pad(requests, 8)}  ${pad(answered, 8)}  ${pad(aborted, 7)}  ${pad(open, 4)}`,
  );
}
const sequential = runs.find((r) => r.name === 'concatMap');
const openOf = (r) => r.server.requests - r.server.answered - r.server.aborted;
console.log('');
console.log(
  `orderedWait ran ${(sequential.ms / ordered.ms).toFixed(1)}x and unorderedWait ${(sequential.ms / unordered.ms).toFixed(1)}x ` +
    `as fast as the sequential concatMap.`,
);
console.log(
  `Requests left running on the server: ${runs.map((r) => `${r.name} ${openOf(r)}`).join(', ')} ` +
    `(rxjs timeout abandons a fetch; the operators abort it through ctx.signal).`,
);
for (const r of [ordered, unordered]) {
  if (openOf(r) !== 0) problems.push(`${r.name}: left ${openOf(r)} requests running on the server`);
}

// Closing every connection ends the requests the idioms abandoned, so nothing keeps Node alive.
server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));

if (problems.length > 0) {
  console.log('');
  for (const problem of problems) console.log(`PROBLEM: ${problem}`);
  process.exitCode = 1;
} else {
  console.log('All checks passed.');
}
